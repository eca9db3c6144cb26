"""The full files: every export written whole and gzip-compressed into `EXPORT_ROOT`,
with a `manifest.json` that says what each file holds and which data it was made from."""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.dateparse import parse_datetime
from django.utils.timezone import now

from atlas.directory.models import DataStamp
from atlas.exports.datasets import DATASETS, FORMATS, chunks
from atlas.exports.licence import LICENCE, LICENCE_URL

MANIFEST = "manifest.json"


def export_root() -> Path:
    return Path(settings.EXPORT_ROOT)


def file_names() -> list[tuple[str, str, str]]:
    """(file name, dataset, format) of every full file, in a stable order."""
    return [(f"{name}.{fmt}.gz", name, fmt) for name in DATASETS for fmt in FORMATS]


@dataclass
class Counted:
    """Counts the rows an iterator yields."""

    rows: Any
    count: int = 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


def write_file(path: Path, name: str, fmt: str) -> int:
    """Write one export gzip-compressed (no timestamp in the gzip header, so the same data
    gives the same bytes); returns the number of rows. Written beside and then renamed, so
    a download never sees half a file."""
    dataset = DATASETS[name]
    rows = Counted(dataset.rows(dataset.queryset()))
    attribution = dataset.attribution()
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
            for chunk in chunks(dataset, fmt, rows, attribution):
                out.write(chunk.encode())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return rows.count


def read_manifest(root: Path | None = None) -> dict | None:
    """The manifest of the full files, or None when they have not been written (or it
    cannot be read)."""
    try:
        manifest = json.loads(((root or export_root()) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    manifest["generated_at"] = parse_datetime(manifest.get("generated_at") or "")
    manifest["data_stamp"] = parse_datetime(manifest.get("data_stamp") or "")
    return manifest


def is_current(stamp: datetime, root: Path | None = None) -> bool:
    """Whether the files on disk were written from the data as it is now."""
    root = root or export_root()
    manifest = read_manifest(root)
    return (
        manifest is not None
        and manifest["data_stamp"] == stamp
        and all((root / file).is_file() for file, _, _ in file_names())
    )


def write_all(root: Path | None = None) -> dict:
    """Write every full file and the manifest; returns the manifest."""
    root = root or export_root()
    root.mkdir(parents=True, exist_ok=True)
    stamp = DataStamp.current()
    files = []
    for file, name, fmt in file_names():
        rows = write_file(root / file, name, fmt)
        files.append(
            {
                "file": file,
                "dataset": name,
                "format": fmt,
                "rows": rows,
                "bytes": (root / file).stat().st_size,
                "licence": LICENCE,
                "licence_url": LICENCE_URL,
                "attribution": DATASETS[name].attribution(),
            }
        )
    manifest = {
        "generated_at": now().isoformat(),
        "data_stamp": stamp.isoformat(),
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "files": files,
    }
    partial = root / (MANIFEST + ".partial")
    partial.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
    os.replace(partial, root / MANIFEST)
    return manifest
