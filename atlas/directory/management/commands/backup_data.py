from pathlib import Path

from django.core.management.base import BaseCommand
from django.template.defaultfilters import filesizeformat

from atlas.directory import backups


class Command(BaseCommand):
    help = (
        "Write a backup of the whole database (everything the site stores: the dataset, "
        "accounts, edits and their history, the board) to one file, while the site keeps "
        "running. SQLite: a consistent copy made with SQLite's online backup API, itself an "
        "SQLite database. PostgreSQL: pg_dump -Fc (custom format). The file is "
        "BACKUP_ROOT/atlas-<date>-<time>.sqlite3 or .pgdump (default var/backups/) unless "
        "--output names one; an existing file is never overwritten. Prints the path and "
        "size. restore_data puts a backup back."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="The file to write (must not exist yet).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say which database would be backed up to which file; write nothing.",
        )
        parser.add_argument("--database", default="default", help="The database alias.")

    def handle(self, *args, output=None, dry_run=False, database="default", **options):
        path = output or backups.default_path(database)
        what = backups.describe_database(database)
        if dry_run:
            self.stdout.write(f"Would back up {what} to {path}")
            return
        size = backups.backup(path, database)
        self.stdout.write(f"Backed up {what} to {path} ({filesizeformat(size)}, {size} bytes)")
