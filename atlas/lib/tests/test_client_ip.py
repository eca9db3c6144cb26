import pytest
from django.test import RequestFactory

from atlas.lib.client_ip import client_ip

PROXY = "127.0.0.1"


def request(forwarded_for: str | None = None, remote_addr: str = PROXY):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    made = RequestFactory().get("/")
    made.META.update(headers)
    return made


def test_without_a_trusted_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(request("203.0.113.7", remote_addr="192.0.2.1")) == "192.0.2.1"


@pytest.mark.parametrize(
    "forwarded_for",
    [
        "203.0.113.7",
        "6.6.6.6, 203.0.113.7",
        "127.0.0.1, 10.0.0.1, 203.0.113.7",
        "not an address, 203.0.113.7",
    ],
)
def test_behind_one_proxy_the_right_most_address_counts_whatever_the_client_wrote(
    settings, forwarded_for
):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(request(forwarded_for)) == "203.0.113.7"


def test_behind_two_proxies_the_address_the_outer_one_saw_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    # client forgery, the client as the CDN saw it, the CDN as nginx saw it
    assert client_ip(request("6.6.6.6, 203.0.113.7, 10.0.0.2")) == "203.0.113.7"


@pytest.mark.parametrize(
    "forwarded_for",
    [None, "", "203.0.113.7,", "<script>", "203.0.113.7\x00", "1.2.3.4:80", "x" * 5000],
)
def test_a_header_the_proxy_did_not_write_falls_back_to_the_proxys_own_address(
    settings, forwarded_for
):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(request(forwarded_for)) == PROXY


def test_a_short_header_behind_two_proxies_is_not_trusted(settings):
    """The request skipped the outer proxy: its one entry is whatever the client wrote."""
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_ip(request("203.0.113.7")) == PROXY


def test_one_address_written_two_ways_is_one_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(request("2001:DB8:0:0::1")) == client_ip(request("2001:db8::1"))


def test_another_header_can_be_named(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"

    assert client_ip(RequestFactory().get("/", HTTP_X_REAL_IP="203.0.113.7")) == "203.0.113.7"
