"""Sign-up, e-mail confirmation, login with its throttling, password reset, the account
page, the personal data download and deleting an account."""

import json
import re
import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.urls import reverse

from atlas import settings as project_settings
from atlas.accounts.emails import confirmation_token
from atlas.accounts.models import CoordinatorRole, PendingSignUp, StaffRole
from atlas.lib import ratelimit
from conftest import DEFAULT_PASSWORD, Client, make_board_entry, make_user

User = get_user_model()
PASSWORD = "a long and unusual passphrase"


@pytest.fixture
def clock(monkeypatch):
    """The rate limiter's clock, moved by hand: `clock.now += 60`."""

    class Clock:
        now = 2_000_000.0

    monkeypatch.setattr(ratelimit, "clock", lambda: Clock.now)
    return Clock


def sign_up(client, email="Ana.Novak@Kamnik.si", password=PASSWORD, name="Ana Novak", **extra):
    return client.post(
        reverse("accounts-signup"), {"name": name, "email": email, "password": password}, **extra
    )


def link_in(message) -> str:
    match = re.search(r"https?://\S+", message.body)
    assert match, message.body
    return match.group(0)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def log_in(client, email, password=PASSWORD, **extra):
    return client.post(
        reverse("accounts-login"), {"username": email, "password": password}, **extra
    )


@pytest.mark.django_db
def test_sign_up_sends_a_confirmation_mail_and_the_link_activates_the_account(client, mailoutbox):
    response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts-signup-sent")
    assert not User.objects.exists()  # no account until the address is confirmed
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ana.novak@kamnik.si"]
    assert "Hello Ana Novak," in mailoutbox[0].body
    link = link_in(mailoutbox[0])
    assert link.startswith(settings.SITE_URL)

    # Before confirming, logging in says what is missing.
    response = log_in(client, "ana.novak@kamnik.si")
    assert "Confirm your e-mail address first" in response.content.decode()

    # Opening the link shows a button; only the POST confirms.
    assert client.get(path_of(link)).status_code == 200
    assert not User.objects.exists()
    response = client.post(path_of(link))
    assert response["Location"] == reverse("accounts-login")
    user = User.objects.get()
    assert (user.username, user.email, user.first_name, user.is_active) == (
        "ana.novak@kamnik.si",
        "ana.novak@kamnik.si",
        "Ana Novak",
        True,
    )
    assert user.password.startswith("md5$")  # the tests' fast hasher; see the settings test

    response = log_in(client, "ANA.NOVAK@kamnik.si ", follow=True)
    assert response.redirect_chain[-1][0] == reverse("account")
    assert "ana.novak@kamnik.si" in response.content.decode()


def pending_sign_up(email="ana@example.org", name="Ana", password=PASSWORD):
    return PendingSignUp.objects.create(
        email=email, name=name, password=make_password(password), language="en"
    )


@pytest.mark.django_db
def test_a_confirmation_link_that_is_tampered_with_or_too_old_does_not_work(client, monkeypatch):
    token = confirmation_token(pending_sign_up())

    response = client.post(reverse("accounts-confirm", args=[token[:-2] + "xx"]))
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()

    class FourDaysLater:
        @staticmethod
        def time():
            return time.time() + 4 * 24 * 60 * 60

    monkeypatch.setattr(signing, "time", FourDaysLater)
    response = client.post(reverse("accounts-confirm", args=[token]))
    assert response.status_code == 400
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_confirmation_link_does_not_work_for_another_address(client):
    pending = pending_sign_up()
    token = confirmation_token(pending)
    PendingSignUp.objects.filter(pk=pending.pk).update(email="someone.else@example.org")

    assert client.post(reverse("accounts-confirm", args=[token])).status_code == 400
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_blocked_account_cannot_reactivate_itself_with_a_new_sign_up(client):
    user = make_user("ana@example.org")
    User.objects.filter(pk=user.pk).update(is_active=False, last_login="2026-01-01T00:00Z")
    token = confirmation_token(pending_sign_up(password="a different passphrase"))

    assert client.post(reverse("accounts-confirm", args=[token])).status_code == 400
    user.refresh_from_db()
    assert not user.is_active
    assert user.check_password(DEFAULT_PASSWORD)


@pytest.mark.django_db
def test_signing_up_with_a_registered_address_tells_nobody_but_the_owner(client, mailoutbox):
    make_user("ana@example.org")

    response = sign_up(client, email="ANA@example.org")

    assert response["Location"] == reverse("accounts-signup-sent")  # the same answer
    assert User.objects.count() == 1
    assert "already has an account" in mailoutbox[0].body
    assert reverse("password_reset") in mailoutbox[0].body
    assert User.objects.get().check_password(DEFAULT_PASSWORD)


@pytest.mark.django_db
def test_the_password_and_name_that_count_are_those_of_who_proves_the_address(client, mailoutbox):
    # An attacker signs up the victim's address first, with their own password and name.
    attacker = Client()
    sign_up(attacker, email="victim@example.org", password="attacker passphrase", name="Mallory")
    attacker_link = path_of(link_in(mailoutbox[0]))
    # The victim signs up later with their own, and confirms through the mailed link.
    sign_up(client, email="victim@example.org", password="victim passphrase", name="Vida")
    victim_link = path_of(link_in(mailoutbox[1]))

    assert client.post(victim_link)["Location"] == reverse("accounts-login")

    user = User.objects.get()
    assert (user.email, user.first_name, user.is_active) == ("victim@example.org", "Vida", True)
    assert log_in(client, "victim@example.org", "victim passphrase").status_code == 302
    assert log_in(attacker, "victim@example.org", "attacker passphrase").status_code == 200
    # The attacker's link, had they seen it, is used up: it opens nothing and changes nothing.
    assert attacker.post(attacker_link).status_code == 400
    assert attacker.get(attacker_link).status_code == 400
    user.refresh_from_db()
    assert user.check_password("victim passphrase")
    assert log_in(attacker, "victim@example.org", "attacker passphrase").status_code == 200


@pytest.mark.django_db
def test_an_account_opened_before_pending_sign_ups_is_taken_over_by_who_confirms(
    client, mailoutbox
):
    # Sign-ups used to open an inactive account at once, with the first password typed.
    stale = make_user("victim@example.org", password="attacker passphrase", is_active=False)
    stale.first_name = "Mallory"
    stale.save()

    sign_up(client, email="victim@example.org", password="victim passphrase", name="Vida")
    client.post(path_of(link_in(mailoutbox[0])))

    user = User.objects.get()
    assert (user.pk, user.first_name, user.is_active) == (stale.pk, "Vida", True)
    assert user.check_password("victim passphrase")
    assert not user.check_password("attacker passphrase")


@pytest.mark.django_db
def test_signing_up_again_before_confirming_sends_a_new_link_and_the_confirmed_one_counts(
    client, mailoutbox
):
    sign_up(client)
    sign_up(client, password="another long passphrase")

    assert [m.subject for m in mailoutbox] == ["Confirm your e-mail address for Twinning Atlas"] * 2
    first, second = (path_of(link_in(m)) for m in mailoutbox)
    client.post(first)

    assert User.objects.get().check_password(PASSWORD)
    assert client.post(second).status_code == 400  # one address, one account


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [("short", "too short"), ("12345678901", "entirely numeric"), ("password123", "too common")],
)
def test_sign_up_refuses_weak_passwords(client, password, message):
    response = sign_up(client, password=password)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_sign_up_is_limited_per_ip_address_with_a_clear_message(client, mailoutbox, clock):
    for number in range(5):
        assert sign_up(client, email=f"person{number}@example.org").status_code == 302

    response = sign_up(client, email="one.more@example.org")

    assert response.status_code == 200
    assert "Too many attempts" in response.content.decode()
    assert "wait 60 minutes" in response.content.decode()
    assert PendingSignUp.objects.count() == 5

    clock.now += 3601
    assert sign_up(client, email="one.more@example.org").status_code == 302


@pytest.mark.django_db
def test_login_is_throttled_after_five_failures_with_a_clear_message_until_the_window_passes(
    client, clock
):
    make_user("ana@example.org", password=PASSWORD)
    for _ in range(5):
        response = log_in(client, "ana@example.org", "wrong guess")
        assert "do not match an account" in response.content.decode()

    # The right password does not help while the address is throttled.
    response = log_in(client, "ana@example.org")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Too many attempts. For your security, wait 15 minutes and try again." in html
    assert "_auth_user_id" not in client.session

    clock.now += 14 * 60
    assert "wait 1 minute and" in log_in(client, "ana@example.org").content.decode()

    clock.now += 61
    response = log_in(client, "ana@example.org")
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


@pytest.mark.django_db
def test_login_is_throttled_per_ip_address_across_many_accounts(client, clock):
    for number in range(20):
        log_in(client, f"person{number}@example.org", "guess")
    make_user("ana@example.org", password=PASSWORD)

    response = log_in(client, "ana@example.org")
    assert "Too many attempts" in response.content.decode()
    # From another address, the same person gets in.
    assert log_in(client, "ana@example.org", REMOTE_ADDR="192.0.2.7").status_code == 302


@pytest.mark.django_db
def test_the_ip_address_comes_from_the_proxy_header_when_configured(client, clock, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(20):
        log_in(client, f"person{number}@example.org", "guess", HTTP_X_FORWARDED_FOR="1.2.3.4")
    make_user("ana@example.org", password=PASSWORD)

    # The client's own claim (the first address) does not count; the proxy's entry does.
    response = log_in(client, "ana@example.org", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9")
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_successful_login_clears_the_failures_of_that_address(client, clock):
    make_user("ana@example.org", password=PASSWORD)
    for _ in range(4):
        log_in(client, "ana@example.org", "wrong guess")
    assert log_in(client, "ana@example.org").status_code == 302
    client.post(reverse("accounts-logout"))

    for _ in range(4):
        log_in(client, "ana@example.org", "wrong guess")
    assert log_in(client, "ana@example.org").status_code == 302


@pytest.mark.django_db
def test_login_redirects_only_to_addresses_on_this_site(client):
    make_user("ana@example.org", password=PASSWORD)

    response = client.post(
        reverse("accounts-login"),
        {"username": "ana@example.org", "password": PASSWORD, "next": "https://evil.example/"},
    )

    assert response["Location"] == reverse("account")


@pytest.mark.django_db
def test_logging_out_takes_a_post_and_ends_the_session(client):
    client.force_login(make_user())

    assert client.get(reverse("accounts-logout")).status_code == 405
    response = client.post(reverse("accounts-logout"))

    assert response["Location"] == reverse("home")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_mails_a_link_that_sets_a_new_password(client, mailoutbox):
    make_user("ana@example.org", password=PASSWORD)

    response = client.post(reverse("password_reset"), {"email": "Ana@Example.org"})
    assert response["Location"] == reverse("password_reset_done")
    link = path_of(link_in(mailoutbox[0]))
    response = client.get(link, follow=True)  # Django swaps the token for a session entry
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "brand new passphrase", "new_password2": "brand new passphrase"}
    )
    assert response["Location"] == reverse("password_reset_complete")

    assert log_in(client, "ana@example.org", "brand new passphrase").status_code == 302
    # The link works once.
    assert "too old or already used" in client.get(link, follow=True).content.decode()


@pytest.mark.django_db
def test_password_reset_answers_the_same_for_an_unknown_address(client, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})

    assert response["Location"] == reverse("password_reset_done")
    assert mailoutbox == []


def test_passwords_are_hashed_with_scrypt_and_sessions_last_two_weeks():
    # The project's own settings, not the tests' fast hasher.
    assert project_settings.PASSWORD_HASHERS[0].endswith("ScryptPasswordHasher")
    assert project_settings.SESSION_COOKIE_AGE == 14 * 24 * 60 * 60
    assert project_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is False
    assert project_settings.EMAIL_BACKEND.endswith("console.EmailBackend")


@pytest.mark.django_db
def test_the_session_cookie_expires_after_the_configured_age(client):
    make_user("ana@example.org", password=PASSWORD)
    log_in(client, "ana@example.org")

    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE
    assert cookie["httponly"]


@pytest.mark.django_db
def test_the_header_offers_login_to_visitors_and_the_account_to_members(client):
    html = client.get(reverse("home")).content.decode()
    assert reverse("accounts-login") in html and reverse("accounts-signup") in html

    client.force_login(make_user())
    html = client.get(reverse("home")).content.decode()
    assert reverse("account") in html
    assert f'action="{reverse("accounts-logout")}"' in html


@pytest.mark.django_db
def test_the_account_page_lists_every_role(client, personas, kamnik_world):
    admin = personas["admin"]
    StaffRole.objects.create(user=admin, network=kamnik_world["network"])
    CoordinatorRole.objects.create(
        user=admin, municipality=kamnik_world["andechs"], position="Mayor"
    )
    client.force_login(admin)

    html = client.get(reverse("account")).content.decode()

    assert "Administrator" in html
    assert "members of Združenje zgodovinskih mest Slovenije" in html
    assert "Andechs" in html and "requested" in html

    client.force_login(personas["coordinator"])
    html = client.get(reverse("account")).content.decode()
    assert "Kamnik" in html and "approved" in html
    assert "Administrator" not in html and reverse("accounts-requests") not in html


@pytest.mark.django_db
def test_the_data_download_holds_the_persons_data_and_nobody_elses(client, personas):
    coordinator = personas["coordinator"]
    client.force_login(coordinator)

    response = client.get(reverse("accounts-data"))

    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "coordinator@kamnik.si"
    assert [r["municipality"] for r in data["coordinator_roles"]] == ["Kamnik"]
    assert "trofaiach" not in response.content.decode()


@pytest.mark.django_db
def test_the_data_download_holds_the_persons_board_entries_and_messages(client, personas):
    from atlas.board.models import Conversation, Message

    coordinator, other = personas["coordinator"], personas["other_coordinator"]
    mine = make_board_entry(coordinator.coordinator_roles.get().municipality, coordinator)
    theirs = make_board_entry(other.coordinator_roles.get().municipality, other, title="Theirs")
    conversation = Conversation.objects.create(
        entry=theirs,
        interested=coordinator,
        interested_municipality=mine.municipality,
    )
    Message.objects.create(conversation=conversation, sender=coordinator, text="We are keen.")
    Message.objects.create(conversation=conversation, sender=other, text="Not mine to give.")
    client.force_login(coordinator)

    data = json.loads(client.get(reverse("accounts-data")).content)

    assert [entry["title"] for entry in data["board_entries"]] == [mine.title]
    assert [message["text"] for message in data["board_messages_sent"]] == ["We are keen."]


@pytest.mark.django_db
def test_deleting_the_account_needs_the_password_and_removes_the_person_and_roles(
    client, personas, kamnik_world
):
    coordinator = personas["coordinator"]
    # A decision the person made stays, without their name.
    decided = CoordinatorRole.objects.create(
        user=make_user("requester@example.org"),
        municipality=kamnik_world["andechs"],
        position="Mayor",
        status=CoordinatorRole.Status.REFUSED,
        decided_by=coordinator,
        decided_at="2026-01-01T00:00Z",
    )
    client.force_login(coordinator)

    response = client.post(reverse("accounts-delete"), {"password": "wrong"})
    assert "That is not your password." in response.content.decode()
    assert User.objects.filter(pk=coordinator.pk).exists()

    response = client.post(reverse("accounts-delete"), {"password": DEFAULT_PASSWORD})

    assert response["Location"] == reverse("home")
    assert not User.objects.filter(pk=coordinator.pk).exists()
    assert not CoordinatorRole.objects.filter(user_id=coordinator.pk).exists()
    decided.refresh_from_db()
    assert decided.decided_by is None
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["coordinatorrole", "staffrole"])
def test_the_admin_lists_roles_with_search_and_filters(client, personas, model):
    client.force_login(personas["admin"])

    response = client.get(reverse(f"admin:accounts_{model}_changelist"), {"q": "kamnik"})

    assert response.status_code == 200
