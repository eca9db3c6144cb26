"""Deterministic output: sorted CSV rows in gzip files without a timestamp."""

import csv
import gzip
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path


def cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, set | frozenset | list | tuple):
        return "|".join(sorted(str(item) for item in value))
    return str(value)


def gzip_bytes(data: bytes) -> bytes:
    """Gzip `data` with no file name and mtime 0, so equal input gives equal bytes."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as file:
        file.write(data)
    return buffer.getvalue()


def write_csv_gz(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write rows sorted by their first column (then the rest) with a header row."""
    text_rows = sorted([cell(value) for value in row] for row in rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(text_rows)
    path.write_bytes(gzip_bytes(buffer.getvalue().encode("utf-8")))
    return len(text_rows)


def write_json_gz(path: Path, data: object) -> None:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    path.write_bytes(gzip_bytes(text.encode("utf-8")))
