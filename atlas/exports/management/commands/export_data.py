from django.core.management.base import BaseCommand

from atlas.directory.models import DataStamp
from atlas.exports.files import export_root, file_names, is_current, write_all


class Command(BaseCommand):
    help = (
        "Write the full exports (municipalities, partnerships, networks and memberships, each "
        "as CSV and GeoJSON, gzip-compressed) and a manifest.json into EXPORT_ROOT "
        "(default var/exports/). Does nothing when the manifest there was written from the "
        "current data (its data stamp matches) and every file exists, unless --force. With "
        "--dry-run, say what would be written and write nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the files; write nothing.")
        parser.add_argument(
            "--force", action="store_true", help="Write the files even when they are current."
        )

    def handle(self, *args, dry_run: bool = False, force: bool = False, **options):
        root = export_root()
        stamp = DataStamp.current()
        if not force and is_current(stamp, root):
            self.stdout.write(f"Exports in {root} are up to date (data of {stamp.isoformat()}).")
            return
        if dry_run:
            for file, _name, _fmt in file_names():
                self.stdout.write(f"Would write {root / file}")
            self.stdout.write(f"Would write {root / 'manifest.json'}")
            return
        manifest = write_all(root)
        for entry in manifest["files"]:
            self.stdout.write(f"Wrote {root / entry['file']}: {entry['rows']} rows")
        self.stdout.write(f"Wrote {root / 'manifest.json'}")
