"""Background tasks of the accounts app. Sign-up and password reset decide in the worker
whether the address has an account, so that the request does the same work, in the same
time, either way: its answer tells nobody who is registered (docs/accounts.md)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from atlas.accounts.emails import send_already_registered, send_confirmation
from atlas.accounts.models import PendingSignUp
from atlas.jobs.mail import queue_mail


@task()
def deliver_sign_up(*, pending_id: int) -> None:
    """Mail the address of a pending sign-up: its confirmation link, or, when the address
    has an account already, a note saying so with the ways back in."""
    pending = PendingSignUp.objects.filter(pk=pending_id).first()
    if pending is None:  # confirmed through another attempt, or expired, meanwhile
        return
    existing = (
        get_user_model()
        .objects.filter(Q(username=pending.email) | Q(email__iexact=pending.email))
        .first()
    )
    with translation.override(pending.language):
        # An account that never logged in and is not active was opened by a sign-up that
        # was never confirmed (before pending sign-ups existed): confirming takes it over.
        if existing is None or (not existing.is_active and existing.last_login is None):
            send_confirmation(pending)
        else:
            pending.delete()
            send_already_registered(existing)


@task()
def deliver_password_reset(*, email: str, language: str) -> None:
    """Mail a password reset link to each active account of `email` with a password, as
    Django's PasswordResetForm does, with links on SITE_URL; nothing when there is none."""
    site = urlsplit(settings.SITE_URL)
    with translation.override(language):
        for user in PasswordResetForm().get_users(email):
            context = {
                "email": user.email,
                "domain": site.netloc + site.path.rstrip("/"),
                "protocol": site.scheme,
                "uid": urlsafe_base64_encode(force_bytes(user.pk)),
                "user": user,
                "token": default_token_generator.make_token(user),
            }
            subject = render_to_string("accounts/email/password_reset_subject.txt", context)
            body = render_to_string("accounts/email/password_reset.txt", context)
            queue_mail(subject, body, [user.email])
