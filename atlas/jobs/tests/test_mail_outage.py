"""A mail server outage loses nothing and blocks nobody: with the real queue (database
backend), the real worker (`run_worker --batch`) and a real SMTP server on 127.0.0.1,
first refusing (a closed port), then accepting."""

import signal
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.timezone import now
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from atlas.accounts.models import PendingSignUp
from atlas.accounts.tasks import deliver_sign_up
from atlas.board.models import Entry
from atlas.board.tests.conftest import entry_data
from atlas.jobs import mail
from atlas.jobs.mail import MAX_ATTEMPTS, send_message
from conftest import client_as

# The worker commits as it goes, as in production: the test database is flushed after.
pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self):
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content)
        self.messages.append(
            (envelope.rcpt_tos, str(make_header(decode_header(message["Subject"]))))
        )
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(port: int) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def run_worker() -> None:
    """What `manage.py run_worker --batch` does: run every due task, then stop. The worker
    takes over SIGINT and SIGTERM while it runs; the test runner gets them back."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("run_worker", "--batch", "--no-periodic", verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def mail_tasks():
    return DBTaskResult.objects.filter(task_path=send_message.module_path)


def the_pause_has_passed() -> None:
    """Stand in for waiting: the retries' `run_after` is now."""
    mail_tasks().filter(status=TaskResultStatus.READY).update(run_after=now())


@pytest.fixture
def smtp_port(settings) -> int:
    """The real queue and an SMTP backend pointed at a port where nothing listens yet."""
    port = free_port()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    return port


def test_an_outage_loses_no_entry_and_no_sign_up_and_the_mails_arrive_once_it_ends(
    smtp_port, personas, kamnik_world
):
    coordinator = client_as(personas, "coordinator")
    response = coordinator.post(reverse("board-new"), entry_data(kamnik_world["kamnik"]))
    assert response.status_code == 302
    visitor = client_as(personas, "anonymous")
    response = visitor.post(
        reverse("accounts-signup"),
        {"name": "Eva", "email": "eva@example.org", "password": "a long enough passphrase"},
    )
    assert response.status_code == 302

    # Both are saved; their mails wait in the queue.
    entry = Entry.objects.get()
    assert entry.title == "Small Alpine town seeks a twin town" and entry.is_pending
    assert PendingSignUp.objects.get().email == "eva@example.org"
    assert [t.args_kwargs["kwargs"]["recipient"] for t in mail_tasks()] == [
        "staff@skupnostobcin.si"
    ]
    # The sign-up's mail is written by the worker (see atlas/accounts/tasks.py).
    assert DBTaskResult.objects.filter(task_path=deliver_sign_up.module_path).count() == 1

    # The server refuses: each send fails, is kept with its error, and is retried later.
    run_worker()

    failed = mail_tasks().filter(status=TaskResultStatus.FAILED)
    assert failed.count() == 2
    assert all("ConnectionRefusedError" in t.exception_class_path for t in failed)
    retries = mail_tasks().filter(status=TaskResultStatus.READY)
    assert [t.args_kwargs["kwargs"]["attempt"] for t in retries] == [2, 2]
    assert all(t.run_after > now() + timedelta(seconds=30) for t in retries)
    assert mail.backlog() == {"waiting": 2, "retrying": 2, "given_up": 0}

    # Staff see it: the administrator's account page counts, the admin lists the failures.
    admin = client_as(personas, "admin")
    page = strip_tags(admin.get(reverse("account")).content.decode())
    assert "2 mails waiting to be sent, 2 of them after failed attempts" in page
    listing = admin.get(
        reverse("admin:django_tasks_database_dbtaskresult_changelist"), {"status": "FAILED"}
    )
    assert listing.status_code == 200
    assert listing.content.decode().count("send_message") >= 2

    # Nothing is due before the pause: another run of the worker sends nothing.
    with smtp_server(smtp_port) as inbox:
        run_worker()
        assert inbox.messages == []

        # The server is back and the pause has passed: each mail arrives exactly once.
        the_pause_has_passed()
        run_worker()
        run_worker()

    assert sorted(inbox.messages) == [
        (["eva@example.org"], "Confirm your e-mail address for Twinning Atlas"),
        (["staff@skupnostobcin.si"], "A partner search entry of Kamnik waits for approval"),
    ]
    assert mail.backlog() == {"waiting": 0, "retrying": 0, "given_up": 0}
    assert mail_tasks().filter(status=TaskResultStatus.SUCCESSFUL).count() == 2


def test_a_mail_is_given_up_after_the_last_attempt_and_counted_for_staff(smtp_port, personas):
    send_message.enqueue(
        subject="Hello", body="Text", recipient="ana@example.org", attempt=MAX_ATTEMPTS
    )

    run_worker()

    (task,) = mail_tasks()
    assert task.status == TaskResultStatus.FAILED
    assert mail.backlog() == {"waiting": 0, "retrying": 0, "given_up": 1}
    page = strip_tags(client_as(personas, "admin").get(reverse("account")).content.decode())
    assert "1 mail could not be sent" in page
    assert (
        "mail waiting"
        not in client_as(personas, "coordinator").get(reverse("account")).content.decode()
    )


def test_a_rolled_back_write_queues_no_mail(smtp_port, personas, kamnik_world):
    from django.db import transaction

    from atlas.board import services

    entry = Entry(
        municipality=kamnik_world["kamnik"],
        **{
            k: v
            for k, v in entry_data(kamnik_world["kamnik"]).items()
            if k in ("kind", "purpose", "title", "text", "language", "deadline")
        },
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        services.post_entry(
            acting_user=personas["coordinator"], entry=entry, themes=[], countries=[]
        )
        raise RuntimeError("something after the post fails")

    assert not Entry.objects.exists()
    assert not mail_tasks().exists()
