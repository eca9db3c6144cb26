"""Every mail the site sends goes through the task queue (django-tasks, database backend):
a request renders the mail in its own language and enqueues one "send this message" task
per recipient when its transaction commits; the worker (`manage.py run_worker`) sends it.

A mail server that is down never fails or rolls back a request. A send that fails is
retried with growing pauses for about a day (MAX_ATTEMPTS); each failed attempt stays in
the admin's "Task results" with its error, and the account page of an administrator counts
the mails waiting and the ones given up on (docs/deploy.md)."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Q
from django.utils.timezone import now
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# Pauses of 1, 2, 4 … minutes, then an hour each: 30 attempts span about a day.
MAX_ATTEMPTS = 30
LONGEST_PAUSE_MINUTES = 60


def retry_delay(attempt: int) -> timedelta:
    """The pause after failed attempt number `attempt` (counted from 1).

    >>> [int(retry_delay(n).total_seconds() // 60) for n in (1, 2, 3, 6, 7, 29)]
    [1, 2, 4, 32, 60, 60]
    """
    return timedelta(minutes=min(2 ** (attempt - 1), LONGEST_PAUSE_MINUTES))


@task()
def send_message(*, subject: str, body: str, recipient: str, attempt: int = 1) -> None:
    """Send one plain-text mail. When the mail server refuses or cannot be reached, enqueue
    the next attempt after `retry_delay` and raise, so that this attempt is recorded as
    failed with its error."""
    try:
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient]).send()
    except (OSError, smtplib.SMTPException) as error:
        # OSError: refused or unreachable server, timeouts, TLS failures.
        if attempt < MAX_ATTEMPTS and send_message.get_backend().supports_defer:
            send_message.using(run_after=now() + retry_delay(attempt)).enqueue(
                subject=subject, body=body, recipient=recipient, attempt=attempt + 1
            )
            logger.warning("Mail attempt %s failed (%r); retrying later", attempt, error)
        else:
            logger.error("Mail given up after %s attempts (%r)", attempt, error)
        raise


def queue_mail(subject: str, body: str, recipients: Iterable[str]) -> None:
    """Send `body` to each of `recipients` (one mail each, so that nobody sees another's
    address) once the current transaction commits; nothing is sent when it rolls back.
    `subject` is folded onto one line."""
    subject = " ".join(subject.split())
    for recipient in sorted({r for r in recipients if r}):
        # robust: the data is committed already; a queue that cannot be written to is
        # logged rather than turning a saved submission into an error page.
        transaction.on_commit(
            partial(send_message.enqueue, subject=subject, body=body, recipient=recipient),
            robust=True,
        )


def backlog() -> dict[str, int]:
    """For staff: how many mails wait to be sent, how many of those after a failed
    attempt, and how many were given up on after MAX_ATTEMPTS. One query."""
    attempt = "args_kwargs__kwargs__attempt"
    return DBTaskResult.objects.filter(task_path=send_message.module_path).aggregate(
        waiting=Count(
            "pk", filter=Q(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
        ),
        retrying=Count("pk", filter=Q(status=TaskResultStatus.READY, **{f"{attempt}__gt": 1})),
        given_up=Count(
            "pk", filter=Q(status=TaskResultStatus.FAILED, **{f"{attempt}__gte": MAX_ATTEMPTS})
        ),
    )
