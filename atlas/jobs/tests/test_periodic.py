"""The periodic jobs run without a cron line: `run_worker` starts each chain once, and each
run enqueues the next."""

import signal
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils.timezone import now
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from atlas.accounts.models import PendingSignUp
from atlas.board.models import SavedSearch, SentAlert
from atlas.jobs.periodic import JOBS, pending_runs, run_job, schedule
from conftest import make_board_entry

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def real_queue(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EXPORT_ROOT = tmp_path / "exports"


def run_worker(*args: str) -> str:
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    output = StringIO()
    try:
        call_command("run_worker", "--batch", *args, stdout=output)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    return output.getvalue()


def test_starting_the_worker_runs_each_job_and_schedules_its_next_run_once(
    personas, kamnik_world, mailoutbox, settings
):
    SavedSearch.objects.create(
        user=personas["other_coordinator"], query="", created_at=now() - timedelta(hours=1)
    )
    entry = make_board_entry(kamnik_world["kamnik"], personas["coordinator"])

    output = run_worker()

    assert "Scheduled periodic jobs: send_alerts, export_data, tidy_up" in output
    # Each job ran: the alert went out through the queue, the exports were written.
    assert SentAlert.objects.filter(entry=entry).exists()
    assert [m.to for m in mailoutbox] == [["coordinator@trofaiach.at"]]
    assert (settings.EXPORT_ROOT / "manifest.json").exists()
    # Each has exactly one next run, `every` from now.
    for name, job in JOBS.items():
        (next_run,) = pending_runs(name)
        assert now() + job.every - timedelta(minutes=1) < next_run.run_after <= now() + job.every

    # Starting again (a restart, a second worker) adds no second copy.
    assert "Scheduled" not in run_worker()
    assert all(pending_runs(name).count() == 1 for name in JOBS)
    assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 0


def test_a_job_that_fails_still_has_its_next_run(monkeypatch):
    def broken():
        raise RuntimeError("export disk full")

    monkeypatch.setitem(
        JOBS,
        "export_data",
        JOBS["export_data"].__class__(every=JOBS["export_data"].every, run=broken),
    )
    run_job.enqueue(name="export_data")

    run_worker("--no-periodic")

    assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 1
    assert pending_runs("export_data").count() == 1
    assert not schedule("export_data")


def test_tidy_up_deletes_old_finished_tasks_and_expired_sign_ups(settings):
    old = PendingSignUp.objects.create(email="a@example.org", name="A", password="x")
    PendingSignUp.objects.filter(pk=old.pk).update(created_at=now() - timedelta(days=4))
    fresh = PendingSignUp.objects.create(email="b@example.org", name="B", password="x")
    run_job.enqueue(name="tidy_up")

    run_worker("--no-periodic")

    assert list(PendingSignUp.objects.all()) == [fresh]


def test_the_worker_refuses_a_backend_that_is_not_the_database(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    with pytest.raises(CommandError, match="DatabaseBackend"):
        call_command("run_worker", "--batch")
