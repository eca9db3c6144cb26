import sys
from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.template.defaultfilters import filesizeformat

from atlas.directory import backups

# What the confirmation names, so the operator sees what they are about to lose.
COUNTED = [
    ("directory", "Municipality", "municipalities"),
    ("directory", "Partnership", "partnerships"),
    ("directory", "Change", "recorded changes"),
    ("auth", "User", "accounts"),
    ("board", "Entry", "board entries"),
]


class Command(BaseCommand):
    help = (
        "Replace everything in the database with a backup that backup_data wrote. The file "
        "is checked first (a whole backup of this site, of the kind the database is: SQLite "
        "or pg_dump -Fc), and nothing is touched when it is not. SQLite: copied back with "
        "SQLite's backup API. PostgreSQL: pg_restore --clean --if-exists --no-owner in one "
        "transaction, so a failed restore changes nothing. Asks for confirmation unless "
        "--yes; --dry-run only checks the file. Stop the site first, and run migrate after "
        "restoring a backup made by an older version."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The backup file to restore.")
        parser.add_argument(
            "--yes",
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Restore without asking for confirmation.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and say what it would replace; change nothing.",
        )
        parser.add_argument("--database", default="default", help="The database alias.")

    def handle(self, *args, path, interactive=True, dry_run=False, database="default", **options):
        backup = backups.check(path, database)
        made = backups.made_at(path).strftime("%Y-%m-%d %H:%M")
        self.stdout.write(
            f"{path} is a whole {backups.KIND_NAME[backup.kind]} backup of this site with "
            f"{backup.tables} tables ({filesizeformat(backup.size)}, written {made})."
        )
        self.stdout.write(
            f"Restoring it replaces everything in {backups.describe_database(database)}, "
            f"which now holds {self.contents(database)}."
        )
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
            return
        if interactive:
            if not sys.stdin.isatty():
                raise CommandError("Nothing was changed: pass --yes to restore without asking.")
            if input("Type 'yes' to replace it: ").strip().lower() != "yes":
                raise CommandError("Nothing was changed.")
        backups.restore(backup, database)
        self.stdout.write(
            f"Restored {path}; the database now holds {self.contents(database)}. Run "
            "`manage.py migrate` if the backup is older than the code, then restart the site."
        )

    @staticmethod
    def contents(database: str) -> str:
        counts = []
        for app, model, name in COUNTED:
            try:
                rows = apps.get_model(app, model)._base_manager.using(database).count()
            except DatabaseError:  # a table of a later migration: the database is older
                continue
            counts.append(f"{rows} {name}")
        return ", ".join(counts) or "none of this site's tables"
