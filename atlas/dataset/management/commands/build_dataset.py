import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from atlas.dataset.pipeline.build import build


class Command(BaseCommand):
    help = (
        "Read the raw open data (--raw, default ../shared/data) and rewrite the dataset files "
        "in --out (default data/): sources, countries, municipalities, names, partnerships, "
        "networks and memberships as sorted .csv.gz, basemap.json.gz, LICENSES.md, "
        "build-report.txt and build.json. Prints the build report. Same input, same bytes "
        "(except the timestamp in build.json)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--raw",
            type=Path,
            default=settings.BASE_DIR.parent / "shared" / "data",
            help="Folder of the raw open data; relative paths are read from the repository root.",
        )
        parser.add_argument(
            "--out",
            type=Path,
            default=settings.DATASET_DIR,
            help="Folder to write the dataset to (default: data/).",
        )

        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Build into a temporary folder and print the report; leave --out as it is.",
        )

    def handle(self, *args, raw: Path, out: Path, dry_run: bool = False, **options):
        # Relative paths are read from the repository root, wherever the command runs.
        raw, out = (path if path.is_absolute() else settings.BASE_DIR / path for path in (raw, out))
        if not raw.is_dir():
            raise CommandError(f"Raw data folder not found: {raw}")
        if dry_run:
            with tempfile.TemporaryDirectory() as folder:
                report = build(raw.resolve(), Path(folder))
        else:
            report = build(raw.resolve(), out)
        self.stdout.write(report.render())
