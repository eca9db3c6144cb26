"""The e-mails the accounts app sends, each rendered from a plain-text template under
templates/accounts/email/ in the language active when it is queued (atlas/jobs/mail.py).

Links are built on SITE_URL rather than on the request's Host header, so a forged header
cannot put someone else's address into a mail (and services have no request)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse

from atlas.jobs.mail import queue_mail
from atlas.lib.http import absolute

CONFIRMATION_SALT = "atlas.accounts.confirm-email"


def confirmation_token(pending: Any) -> str:
    """A signed token naming one pending sign-up and its address; it stops working after
    ACCOUNT_CONFIRMATION_MAX_AGE and once any sign-up for the address is confirmed."""
    return signing.dumps({"signup": pending.pk, "email": pending.email}, salt=CONFIRMATION_SALT)


def read_confirmation_token(token: str) -> dict | None:
    """The token's content, or None when it is forged, garbled or too old."""
    try:
        return signing.loads(
            token, salt=CONFIRMATION_SALT, max_age=settings.ACCOUNT_CONFIRMATION_MAX_AGE
        )
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return None


def send(template: str, recipients: Iterable[str], context: dict[str, Any]) -> None:
    recipients = sorted(set(recipients))
    if not recipients:
        return
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    subject = render_to_string(f"accounts/email/{template}_subject.txt", context)
    body = render_to_string(f"accounts/email/{template}.txt", context)
    queue_mail(subject, body, recipients)


def send_confirmation(pending: Any) -> None:
    """The link that confirms the pending sign-up `pending` (atlas/accounts/models.py)."""
    link = absolute(reverse("accounts-confirm", args=[confirmation_token(pending)]))
    days = settings.ACCOUNT_CONFIRMATION_MAX_AGE // 86400
    send("confirm", [pending.email], {"name": pending.name, "link": link, "days": days})


def send_already_registered(user: Any) -> None:
    context = {
        "user": user,
        "login_link": absolute(reverse("accounts-login")),
        "reset_link": absolute(reverse("password_reset")),
    }
    send("already_registered", [user.email], context)


def send_password_changed(user: Any) -> None:
    """Tell the owner their password changed, with the way back in if it was not them."""
    context = {"user": user, "reset_link": absolute(reverse("password_reset"))}
    send("password_changed", [user.email], context)
