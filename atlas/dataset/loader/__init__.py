"""Load the built dataset (`data/*.csv.gz`) and the curated facts into the database.

    report = load_dataset(Path("data"), curated=Path("data/curated/seeds.toml"))

Everything is read and checked first; any problem raises `LoadError` listing each one as
"file, line N: reason" before a single row is written. Then the difference with the
database is written in one transaction, matching rows on their stable ids."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import CommandError
from django.db import transaction

from atlas.directory.models import DataStamp

from .curated import read_curated
from .dataset import MAX_ERRORS, Dataset, check_refs, read_files
from .layers import LayerReport, layer_report
from .sync import Ids, TablePlan, plan_table, write_table
from .tables import TABLES

__all__ = ["LoadError", "LoadReport", "load_dataset"]


class LoadError(CommandError):
    """The data cannot be loaded; the message lists every problem found (up to a limit)."""


@dataclass
class LoadReport:
    # (file, table, created, updated, unchanged), in the order the tables are written.
    rows: list[tuple[str, str, int, int, int]] = field(default_factory=list)
    dry_run: bool = False
    seconds: float = 0.0
    # What people set on the site that the load kept, and rows the dataset no longer has.
    layer: LayerReport = field(default_factory=LayerReport)

    @property
    def created(self) -> int:
        return sum(row[2] for row in self.rows)

    @property
    def updated(self) -> int:
        return sum(row[3] for row in self.rows)

    @property
    def unchanged(self) -> int:
        return sum(row[4] for row in self.rows)

    def counts(self, file_suffix: str, table: str) -> tuple[int, int, int]:
        """(created, updated, unchanged) of one table from the file ending with the suffix."""
        for file, name, *counts in self.rows:
            if name == table and file.endswith(file_suffix):
                return tuple(counts)  # type: ignore[return-value]
        return (0, 0, 0)

    def lines(self) -> list[str]:
        width = max((len(f"{file} ({table})") for file, table, *_ in self.rows), default=0)
        verb = "would be " if self.dry_run else ""
        return [
            f"{f'{file} ({table})':<{width}}  {created:>7,} {verb}created  "
            f"{updated:>7,} {verb}updated  {unchanged:>7,} unchanged"
            for file, table, created, updated, unchanged in self.rows
        ] + self.layer.lines(self.dry_run)


def _raise_problems(data: Dataset) -> None:
    if data.errors:
        problems = data.errors[:MAX_ERRORS]
        if len(data.errors) > MAX_ERRORS:
            problems.append(f"… stopped after {MAX_ERRORS} problems")
        raise LoadError("\n".join(problems))


def load_dataset(
    data_dir: Path, *, curated: Path | None = None, dry_run: bool = False
) -> LoadReport:
    """Load `data_dir` and then `curated` (a seeds.toml) in one transaction; with
    `dry_run`, check everything and count what would change without writing."""
    started = time.monotonic()
    data = Dataset()
    read_files(Path(data_dir), data)
    _raise_problems(data)
    if curated is not None:
        read_curated(Path(curated), data)
        _raise_problems(data)
    check_refs(data)
    _raise_problems(data)

    report = LoadReport(dry_run=dry_run)
    with transaction.atomic():
        ids = Ids()
        plans: list[TablePlan] = [plan_table(table, data, ids) for table in TABLES]
        _raise_problems(data)
        report.layer = layer_report(plans)
        if not dry_run:
            ids = Ids()
            for plan in plans:
                write_table(plan, ids)
            # Even a load that changed nothing is cheap to re-cache after.
            DataStamp.touch()
    for plan in plans:
        for file, counts in sorted(plan.counts.items(), key=lambda item: item[0].endswith(".toml")):
            report.rows.append(
                (file, plan.table.name, counts.created, counts.updated, counts.unchanged)
            )
    report.seconds = time.monotonic() - started
    return report
