"""Changing the password while logged in: the page, its errors, the session kept, the
notice mailed, CSRF and hostile input."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from atlas.jobs.mail import send_message
from conftest import DEFAULT_PASSWORD, Client, make_user

User = get_user_model()
NEW_PASSWORD = "a brand new passphrase"


def change(client, old=DEFAULT_PASSWORD, new1=NEW_PASSWORD, new2=NEW_PASSWORD, **extra):
    return client.post(
        reverse("accounts-password-change"),
        {"old_password": old, "new_password1": new1, "new_password2": new2},
        **extra,
    )


@pytest.fixture
def ana(client, db):
    """Ana, logged in through the login page (a real session, not force_login)."""
    user = make_user("ana@example.org", first_name="Ana")
    client.post(
        reverse("accounts-login"), {"username": "ana@example.org", "password": DEFAULT_PASSWORD}
    )
    assert client.session["_auth_user_id"] == str(user.pk)
    return user


def test_visitors_are_sent_to_the_login_page(client, db):
    url = reverse("accounts-password-change")

    for response in (client.get(url), change(client)):
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('accounts-login')}?next={url}"


def test_the_account_page_links_to_the_password_change_page(client, ana):
    html = client.get(reverse("account")).content.decode()

    assert f'href="{reverse("accounts-password-change")}"' in html


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_the_page_answers_with_a_csrf_token_in_each_language(client, ana, language):
    with translation.override(language):
        url = reverse("accounts-password-change")

    html = client.get(url).content.decode()

    assert 'name="csrfmiddlewaretoken"' in html
    assert 'autocomplete="current-password"' in html


def test_a_wrong_current_password_is_a_field_error_and_changes_nothing(client, ana, mailoutbox):
    response = change(client, old="not my password")

    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    assert response.context["form"].has_error("old_password", "password_incorrect")
    ana.refresh_from_db()
    assert ana.check_password(DEFAULT_PASSWORD)
    assert mailoutbox == []


def test_new_passwords_that_differ_are_refused(client, ana, mailoutbox):
    response = change(client, new2="a brand new passphrasE")

    assert response.status_code == 200
    assert response.context["form"].has_error("new_password2", "password_mismatch")
    assert "The two password fields didn’t match." in response.content.decode()
    ana.refresh_from_db()
    assert ana.check_password(DEFAULT_PASSWORD)
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "too short"),
        ("12345678901", "entirely numeric"),
        ("password123", "too common"),
        ("ana@example.org", "too similar"),
    ],
)
def test_the_new_password_meets_the_rules_of_sign_up(client, ana, password, message):
    response = change(client, new1=password, new2=password)

    assert response.status_code == 200
    assert message in response.content.decode()
    ana.refresh_from_db()
    assert ana.check_password(DEFAULT_PASSWORD)


def test_a_change_keeps_this_session_ends_the_others_and_mails_a_notice(ana, mailoutbox):
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        client.post(
            reverse("accounts-login"),
            {"username": "ana@example.org", "password": DEFAULT_PASSWORD},
        )

    response = change(here, follow=True)

    assert response.redirect_chain == [(reverse("account"), 302)]
    assert "Your password is changed. You stay logged in here" in response.content.decode()
    ana.refresh_from_db()
    assert ana.check_password(NEW_PASSWORD)
    assert here.get(reverse("account")).status_code == 200
    assert here.session["_auth_user_id"] == str(ana.pk)
    # The other browser's session carries the old password's hash: it is logged out.
    assert elsewhere.get(reverse("account")).status_code == 302

    (notice,) = mailoutbox
    assert notice.to == ["ana@example.org"]
    assert notice.subject == "Your Twinning Atlas password was changed"
    assert "Hello Ana," in notice.body
    assert "If it was not you, choose a new password" in notice.body
    assert settings.SITE_URL + reverse("password_reset") in notice.body
    assert NEW_PASSWORD not in notice.body


def test_the_password_changes_while_the_mail_server_is_down_and_the_notice_waits(
    client, ana, settings
):
    # A real SMTP backend pointed at a port nobody listens on, and the real queue.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    assert change(client).status_code == 302

    ana.refresh_from_db()
    assert ana.check_password(NEW_PASSWORD)
    (notice,) = DBTaskResult.objects.filter(task_path=send_message.module_path)
    assert notice.status == TaskResultStatus.READY
    assert notice.args_kwargs["kwargs"]["recipient"] == "ana@example.org"


def test_wrong_current_passwords_count_with_the_failed_logins_of_the_address(client, ana):
    for _ in range(5):
        change(client, old="a guess")

    response = change(client)  # even the right one, while throttled

    assert "Too many attempts. For your security, wait 15 minutes" in response.content.decode()
    ana.refresh_from_db()
    assert ana.check_password(DEFAULT_PASSWORD)


def test_a_post_without_the_csrf_token_is_refused(ana, mailoutbox):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ana)

    assert change(client).status_code == 403

    ana.refresh_from_db()
    assert ana.check_password(DEFAULT_PASSWORD)
    assert mailoutbox == []


@pytest.mark.parametrize(
    "fields",
    [
        {"old_password": DEFAULT_PASSWORD + "\x00"},
        {"new_password1": "nul\x00character", "new_password2": "nul\x00character"},
        {"new_password1": "x" * 100_000, "new_password2": "y"},
        {"old_password": ["a", "b"]},
        {"old_password": "", "new_password1": "", "new_password2": ""},
        {"new_password1": "<script>alert(1)</script>", "new_password2": "\u202e"},
    ],
)
def test_hostile_input_is_a_form_error_not_a_crash(client, ana, mailoutbox, fields):
    data = {"old_password": DEFAULT_PASSWORD, "new_password1": "x", "new_password2": "x"}

    response = client.post(reverse("accounts-password-change"), {**data, **fields})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "<script>alert(1)</script>" not in response.content.decode()
    ana.refresh_from_db()
    assert ana.check_password(DEFAULT_PASSWORD)
    assert mailoutbox == []


def test_the_page_costs_a_fixed_number_of_queries(client, ana, django_assert_num_queries):
    # Session and user.
    with django_assert_num_queries(2):
        response = client.get(reverse("accounts-password-change"))
    assert response.status_code == 200
