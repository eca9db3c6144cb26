"""Jobs that run on their own, without a cron line: each is a task that, when it runs,
first enqueues its next run (`every` later) and then does its work, so a failing run does
not break the chain. `run_worker` starts every chain that has no pending run; at most one
pending run of each job exists."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.db import transaction
from django.utils.timezone import now
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# Finished tasks (sent mails, past runs) are kept this long for staff to look at, then
# deleted: a sent mail's text, with its links, need not stay in the database.
KEEP_FINISHED = timedelta(days=7)


def command(name: str) -> None:
    """Run management command `name`, its report going to the log rather than the
    worker's output (which `make run` shares with the server)."""
    output = StringIO()
    call_command(name, stdout=output)
    logger.info("%s: %s", name, output.getvalue().strip())


def send_alerts() -> None:
    command("send_alerts")


def export_data() -> None:
    # A no-op (one query) unless the data changed since the files were written.
    command("export_data")


def tidy_up() -> None:
    """Delete finished tasks older than KEEP_FINISHED and expired pending sign-ups."""
    from atlas.accounts.models import PendingSignUp

    DBTaskResult.objects.finished().filter(finished_at__lt=now() - KEEP_FINISHED).delete()
    PendingSignUp.objects.expired().delete()


@dataclass(frozen=True)
class Job:
    every: timedelta
    run: Callable[[], None]


JOBS: dict[str, Job] = {
    # Saved-search alerts: hourly, as docs/board.md promises.
    "send_alerts": Job(every=timedelta(hours=1), run=send_alerts),
    # The downloadable files follow a data change within five minutes.
    "export_data": Job(every=timedelta(minutes=5), run=export_data),
    "tidy_up": Job(every=timedelta(days=1), run=tidy_up),
}


def pending_runs(name: str):
    return DBTaskResult.objects.filter(
        task_path=run_job.module_path,
        status=TaskResultStatus.READY,
        args_kwargs__kwargs__name=name,
    )


def schedule(name: str, *, after: timedelta = timedelta(0)) -> bool:
    """Enqueue a run of job `name` `after` from now, unless a run is pending already.
    Returns whether it enqueued one."""
    with transaction.atomic():
        if pending_runs(name).exists():
            return False
        run_job.using(run_after=now() + after).enqueue(name=name)
    return True


@task()
def run_job(*, name: str) -> None:
    job = JOBS[name]
    schedule(name, after=job.every)
    job.run()
