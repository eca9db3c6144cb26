"""Password reset requests are limited per address and per IP address, with the same
answer whether or not the address has an account."""

import re

import pytest
from django.urls import reverse

from atlas.lib import ratelimit
from conftest import make_user


@pytest.fixture
def clock(monkeypatch):
    """The rate limiter's clock, moved by hand: `clock.now += 60`."""

    class Clock:
        now = 2_000_000.0

    monkeypatch.setattr(ratelimit, "clock", lambda: Clock.now)
    return Clock


def ask_reset(client, email, **extra):
    return client.post(reverse("password_reset"), {"email": email}, **extra)


def comparable(response, email):
    """A response less what differs by design: the CSRF token and the address typed."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return response.status_code, response.get("Location"), html.replace(email, "EMAIL")


@pytest.mark.django_db
def test_an_address_gets_three_links_an_hour_then_a_clear_message_and_no_mail(
    client, mailoutbox, clock
):
    make_user("ana@example.org")
    for email in ("ana@example.org", "ANA@example.org ", "Ana@Example.org"):
        assert ask_reset(client, email)["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 3

    response = ask_reset(client, "ana@example.org")

    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many attempts. For your security, wait 60 minutes and try again." in html
    assert 'role="alert"' in html
    assert len(mailoutbox) == 3

    clock.now += 45 * 60
    assert "wait 15 minutes" in ask_reset(client, "ana@example.org").content.decode()
    assert len(mailoutbox) == 3

    clock.now += 15 * 60 + 1
    assert ask_reset(client, "ana@example.org")["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 4


@pytest.mark.django_db
def test_the_limit_answers_the_same_for_known_and_unknown_addresses(client, mailoutbox, clock):
    make_user("ana@example.org")

    def answers(email):
        return [comparable(ask_reset(client, email), email) for _ in range(4)]

    known, unknown = answers("ana@example.org"), answers("nobody@example.org")

    assert known == unknown
    assert [status for status, _location, _html in known] == [302, 302, 302, 429]
    assert {m.to[0] for m in mailoutbox} == {"ana@example.org"}


@pytest.mark.django_db
def test_an_ip_address_may_ask_twenty_times_an_hour(client, mailoutbox, clock):
    make_user("ana@example.org")
    for number in range(20):
        assert ask_reset(client, f"person{number}@example.org").status_code == 302

    response = ask_reset(client, "ana@example.org")

    assert response.status_code == 429
    assert "wait 60 minutes" in response.content.decode()
    assert mailoutbox == []
    # From another address the same person is not held back; nor is the first after an hour.
    assert ask_reset(client, "ana@example.org", REMOTE_ADDR="192.0.2.7").status_code == 302
    clock.now += 3601
    assert ask_reset(client, "ana@example.org").status_code == 302
    assert len(mailoutbox) == 2


@pytest.mark.django_db
def test_behind_a_proxy_the_limit_counts_the_address_the_proxy_saw(
    client, mailoutbox, clock, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(20):
        ask_reset(client, f"person{number}@example.org", HTTP_X_FORWARDED_FOR="198.51.100.9")

    # The client's own claim (the first address) does not count; the proxy's entry does.
    throttled = ask_reset(client, "x@example.org", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9")
    other = ask_reset(client, "x@example.org", HTTP_X_FORWARDED_FOR="198.51.100.9, 1.2.3.4")

    assert (throttled.status_code, other.status_code) == (429, 302)


@pytest.mark.django_db
def test_the_form_shows_normally_while_throttled(client, clock):
    for number in range(20):
        ask_reset(client, f"person{number}@example.org")

    response = client.get(reverse("password_reset"))

    assert response.status_code == 200
    assert "Too many attempts" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("ana\x00@example.org", "Null characters are not allowed."),
        ("\x00", "Null characters are not allowed."),
        ("a" * 250 + "@example.org", "at most 254 characters"),
        ("<script>alert(1)</script>", "Enter a valid email address."),
        ("ana@example.org\r\nBcc: all@example.org", "Enter a valid email address."),
        ("", "This field is required."),
    ],
)
def test_hostile_input_is_a_form_error_not_a_crash(client, mailoutbox, clock, email, message):
    make_user("ana@example.org")

    response = ask_reset(client, email)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "<script>alert(1)</script>" not in html
    assert mailoutbox == []


@pytest.mark.django_db
def test_invalid_input_does_not_use_up_the_limit(client, mailoutbox, clock):
    make_user("ana@example.org")
    for _ in range(25):
        ask_reset(client, "ana\x00@example.org")

    assert ask_reset(client, "ana@example.org").status_code == 302
    assert len(mailoutbox) == 1
