"""Failed logins lock out one address from one client, never the address's owner elsewhere:
the repro of issue 11 (45 failed logins for the admin locked the admin's right password
out for 15 minutes, behind the documented reverse proxy)."""

import random

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from atlas.accounts.checks import check_trusted_proxy
from atlas.lib import ratelimit
from conftest import make_user

PASSWORD = "a long and unusual passphrase"
ADMIN = "admin@example.org"
ATTACKER_IP = "203.0.113.66"
OWNER_IP = "198.51.100.20"
PROXY_IP = "127.0.0.1"

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        now = 3_000_000.0

    monkeypatch.setattr(ratelimit, "clock", lambda: Clock.now)
    return Clock


@pytest.fixture
def admin():
    return get_user_model().objects.create_superuser(username=ADMIN, email=ADMIN, password=PASSWORD)


@pytest.fixture
def behind_the_proxy(settings):
    """The documented deployment: nginx on the same machine appends the address it saw."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"


def log_in(email, password, **headers):
    client = Client(**headers)
    response = client.post(reverse("accounts-login"), {"username": email, "password": password})
    return response, client


def logged_in(email, password, **headers) -> bool:
    response, client = log_in(email, password, **headers)
    return response.status_code == 302 and "_auth_user_id" in client.session


def throttled(email, password, **headers) -> bool:
    response, _ = log_in(email, password, **headers)
    return "Too many attempts" in response.content.decode()


def random_ip(rng: random.Random) -> str:
    return ".".join(str(rng.randrange(1, 255)) for _ in range(4))


def test_45_failures_for_the_admins_address_from_one_client_leave_the_admin_free_elsewhere(
    admin, clock
):
    for _ in range(45):
        log_in(ADMIN, "a guess", REMOTE_ADDR=ATTACKER_IP)

    assert logged_in(ADMIN, PASSWORD, REMOTE_ADDR=OWNER_IP)
    # The attacker's client stays locked out of that address, even with the right password.
    assert throttled(ADMIN, PASSWORD, REMOTE_ADDR=ATTACKER_IP)


def test_behind_the_proxy_a_flood_with_forged_addresses_leaves_the_admin_free(
    admin, clock, behind_the_proxy
):
    rng = random.Random(11)
    for _ in range(45):
        # The attacker writes a new address at the left each time; the proxy appends the
        # address it really saw.
        forged = f"{random_ip(rng)}, {ATTACKER_IP}"
        log_in(ADMIN, "a guess", REMOTE_ADDR=PROXY_IP, HTTP_X_FORWARDED_FOR=forged)

    assert logged_in(ADMIN, PASSWORD, REMOTE_ADDR=PROXY_IP, HTTP_X_FORWARDED_FOR=OWNER_IP)
    assert throttled(
        ADMIN, PASSWORD, REMOTE_ADDR=PROXY_IP, HTTP_X_FORWARDED_FOR=f"{OWNER_IP}, {ATTACKER_IP}"
    )


def test_45_failures_on_random_addresses_from_one_client_limit_that_client_only(admin, clock):
    rng = random.Random(45)
    for _ in range(45):
        log_in(f"{rng.randrange(10**9)}@example.org", "a guess", REMOTE_ADDR=ATTACKER_IP)
    make_user("ana@example.org", password=PASSWORD)

    # Past the client's ceiling every login from it is refused, right passwords too…
    assert throttled("ana@example.org", PASSWORD, REMOTE_ADDR=ATTACKER_IP)
    assert throttled(ADMIN, PASSWORD, REMOTE_ADDR=ATTACKER_IP)
    # …and nobody else is touched.
    assert logged_in(ADMIN, PASSWORD, REMOTE_ADDR=OWNER_IP)
    assert logged_in("ana@example.org", PASSWORD, REMOTE_ADDR="192.0.2.44")


def test_the_lock_on_one_address_from_one_client_ends_with_its_window(admin, clock):
    for _ in range(5):
        log_in(ADMIN, "a guess", REMOTE_ADDR=ATTACKER_IP)
    assert throttled(ADMIN, PASSWORD, REMOTE_ADDR=ATTACKER_IP)

    clock.now += 15 * 60 + 1
    assert logged_in(ADMIN, PASSWORD, REMOTE_ADDR=ATTACKER_IP)


def test_a_success_does_not_reset_the_clients_ceiling_across_addresses(clock):
    """Otherwise an attacker with one account of their own could log in every 19 guesses
    and spray other people's passwords without end."""
    make_user("mine@example.org", password=PASSWORD)
    for number in range(19):
        log_in(f"person{number}@example.org", "a guess", REMOTE_ADDR=ATTACKER_IP)
    assert logged_in("mine@example.org", PASSWORD, REMOTE_ADDR=ATTACKER_IP)

    log_in("person19@example.org", "a guess", REMOTE_ADDR=ATTACKER_IP)

    assert throttled("mine@example.org", PASSWORD, REMOTE_ADDR=ATTACKER_IP)


def test_wrong_passwords_when_changing_it_lock_that_client_not_the_owners_login(clock):
    ana = make_user("ana@example.org", password=PASSWORD)
    unattended = Client(REMOTE_ADDR=ATTACKER_IP)
    unattended.force_login(ana)
    for _ in range(5):
        unattended.post(
            reverse("accounts-password-change"),
            {"old_password": "a guess", "new_password1": "x" * 20, "new_password2": "x" * 20},
        )

    assert throttled("ana@example.org", PASSWORD, REMOTE_ADDR=ATTACKER_IP)
    assert logged_in("ana@example.org", PASSWORD, REMOTE_ADDR=OWNER_IP)


def test_check_deploy_warns_when_the_proxy_is_expected_but_not_trusted(settings):
    """The repro's deployment: behind nginx with no trusted proxy set."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_COUNT = 0
    assert [warning.id for warning in check_trusted_proxy(None)] == ["atlas.W001"]

    settings.TRUSTED_PROXY_COUNT = 1
    assert check_trusted_proxy(None) == []
