from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db import DatabaseBackend

from atlas.jobs.periodic import JOBS, schedule


class Command(BaseCommand):
    help = (
        "Run the background worker: send queued mail (retrying failed sends) and run the "
        "periodic jobs (send_alerts hourly, export_data every five minutes, tidy_up daily). "
        "First enqueues a run of each periodic job that has none pending, so the jobs run "
        "without a cron line; then works through the queue until stopped (SIGTERM or "
        "Ctrl+C finish the current task first). With --batch, run what is due and exit."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", action="store_true", help="Run the tasks that are due, then exit."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait between looks at an empty queue (default: 1).",
        )
        parser.add_argument(
            "--no-periodic",
            action="store_false",
            dest="periodic",
            help="Do not start the periodic jobs (another worker does).",
        )

    def handle(self, *args, batch: bool, interval: float, periodic: bool, **options):
        if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
            raise CommandError(
                "The worker needs TASKS to use django_tasks_db.DatabaseBackend "
                "(see docs/deploy.md)."
            )
        if periodic:
            started = [name for name in JOBS if schedule(name)]
            if started and options["verbosity"]:
                self.stdout.write("Scheduled periodic jobs: " + ", ".join(started))
        call_command(
            "db_worker",
            batch=batch,
            interval=interval,
            startup_delay=False,
            verbosity=options["verbosity"],
            stdout=self.stdout,
        )
