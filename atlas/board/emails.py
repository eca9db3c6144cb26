"""The e-mails the board sends, each rendered from a plain-text template under
templates/board/email/ in the language active when it is queued (atlas/jobs/mail.py).

They come from DEFAULT_FROM_EMAIL, with no Reply-To: a mail about a message links to the
conversation page, so that nobody learns the other side's address. Links are built on
SITE_URL (see atlas/lib/http.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from atlas.jobs.mail import queue_mail


def send(template: str, recipients: Iterable[str], context: dict[str, Any]) -> None:
    """One mail per recipient, so that nobody sees another's address."""
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    subject = " ".join(render_to_string(f"board/email/{template}_subject.txt", context).split())
    body = render_to_string(f"board/email/{template}.txt", context)
    queue_mail(subject, body, recipients)
