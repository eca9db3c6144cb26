from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from atlas.dataset.loader import load_dataset


class Command(BaseCommand):
    help = (
        "Load the built dataset (sources, countries, municipalities, names, networks, "
        "memberships and partnerships from DATA/*.csv.gz), then the curated facts of "
        "DATA/curated/seeds.toml, into the database in one transaction. Rows are matched on "
        "their stable ids, so a second run changes nothing; every file is checked first and "
        "a problem stops the load, naming file, line and reason, before anything is written."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data",
            type=Path,
            default=settings.DATASET_DIR,
            help="Folder with the built *.csv.gz files (default: settings.DATASET_DIR).",
        )
        parser.add_argument(
            "--curated",
            type=Path,
            help="Curated facts to apply on top (default: DATA/curated/seeds.toml if present).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check everything and report what would be created or updated; write nothing.",
        )

    def handle(self, *args, data: Path, curated: Path | None, dry_run: bool, **options):
        if curated is None:
            default = data / "curated" / "seeds.toml"
            curated = default if default.exists() else None
        report = load_dataset(data, curated=curated, dry_run=dry_run)
        for line in report.lines():
            self.stdout.write(line)
        summary = (
            f"{report.created:,} created, {report.updated:,} updated, "
            f"{report.unchanged:,} unchanged in {report.seconds:.1f} s"
        )
        if dry_run:
            self.stdout.write(self.style.WARNING(f"Dry run, nothing written: {summary}."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Loaded: {summary}."))
