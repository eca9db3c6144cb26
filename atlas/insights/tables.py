"""A data table as the insights pages show it beside a chart, and as its CSV download.

Cells hold plain values: numbers, `Percent`, dates, `Link`s, lists, or None for "unknown".
The page writes them in the visitor's language (the `cell` filter); the CSV writes them in a
stable, language-neutral way under stable English column names (`csv_text`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any


class Percent(float):
    """A share in per cent (0 to 100)."""


@dataclass(frozen=True)
class Link:
    text: str
    url: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Both:
    """A cell written one way in the CSV and another on the page: an id that the page
    shows as a link, a list of sources that the page counts, "none recorded" for an
    empty CSV cell."""

    csv: Any
    page: Any


@dataclass(frozen=True)
class Missing:
    """Nothing to show, said in words ("none recorded", "never"); empty in the CSV."""

    text: str


@dataclass(frozen=True)
class Column:
    key: str  # the CSV header: stable, English, snake_case
    label: str  # the header on the page, translated
    numeric: bool = False


@dataclass
class Table:
    name: str  # the CSV file name without ".csv"
    caption: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]] = field(default_factory=list)
    empty: str = ""  # said instead of the rows when there are none
    more: str = ""  # said under the rows when the page shows only some of them

    def cells(self) -> list[list[tuple[Any, Column]]]:
        """Each row's values with their columns, for the page."""
        return [list(zip(row, self.columns, strict=True)) for row in self.rows]

    def csv_lines(self) -> Iterator[str]:
        """The table as CSV lines: a header row, then one line per row."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([column.key for column in self.columns])
        yield pop(buffer)
        for row in self.rows:
            writer.writerow([csv_text(value) for value in row])
            yield pop(buffer)


def pop(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def csv_text(value: Any) -> str:
    """A cell as CSV text: per cent and rates with fixed decimals and a dot, dates in ISO
    8601 (times in UTC), lists joined with "|", unknown as empty.

    >>> [csv_text(v) for v in (Percent(12.345), 2.5, 3, None, date(2004, 5, 1), ("a", "b"))]
    ['12.3', '2.50', '3', '', '2004-05-01', 'a|b']
    """
    if value is None:
        return ""
    if isinstance(value, Both):
        return csv_text(value.csv)
    if isinstance(value, Missing):
        return ""
    if isinstance(value, Percent):
        return f"{value:.1f}"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "|".join(csv_text(item) for item in value)
    return str(value)
