import gzip
import json
from io import StringIO

import pytest
from django.core.management import call_command

from atlas.directory.models import DataStamp

pytestmark = pytest.mark.django_db


@pytest.fixture
def export_root(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path / "exports"
    return settings.EXPORT_ROOT


def run(*args: str) -> str:
    output = StringIO()
    call_command("export_data", *args, stdout=output)
    return output.getvalue()


def test_it_writes_every_file_and_a_manifest(kamnik_world, export_root):
    run()

    manifest = json.loads((export_root / "manifest.json").read_text())
    files = {entry["file"]: entry for entry in manifest["files"]}
    assert set(files) == {
        f"{name}.{fmt}.gz"
        for name in ("municipalities", "partnerships", "networks", "memberships")
        for fmt in ("csv", "geojson")
    }
    assert files["partnerships.csv.gz"]["rows"] == 2
    assert files["municipalities.geojson.gz"]["rows"] == 3
    assert (
        files["partnerships.csv.gz"]["bytes"]
        == (export_root / "partnerships.csv.gz").stat().st_size
    )
    assert manifest["licence"] == "CC BY-SA 4.0"
    assert manifest["data_stamp"] == DataStamp.current().isoformat()
    assert manifest["generated_at"]
    features = json.loads(gzip.decompress((export_root / "memberships.geojson.gz").read_bytes()))
    assert features["license"]["url"] == "https://creativecommons.org/licenses/by-sa/4.0/"


def test_a_second_run_changes_nothing_until_the_data_changes(kamnik_world, export_root):
    run()
    before = {path.name: path.stat().st_mtime_ns for path in export_root.iterdir()}

    assert "up to date" in run()
    assert {path.name: path.stat().st_mtime_ns for path in export_root.iterdir()} == before

    DataStamp.touch()
    assert "Wrote" in run()


def test_a_dry_run_writes_nothing(kamnik_world, export_root):
    output = run("--dry-run")

    assert "Would write" in output
    assert not export_root.exists()
