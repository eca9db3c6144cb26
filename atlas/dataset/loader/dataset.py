"""The wanted state of the database, read from the built `data/*.csv.gz` files.

Every file is read and checked completely; problems are collected as "file, line N:
reason" messages, and references between records are checked once all files (and the
curated facts) are in, against the records read and the rows already in the database."""

from __future__ import annotations

import csv
import gzip
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from atlas.directory.models import (
    Country,
    Membership,
    Municipality,
    MunicipalityName,
    Network,
    Partnership,
    Source,
)
from atlas.lib.text import fold

from .fields import Fields, RowError, max_length
from .tables import STABLE_ID, TABLE, TABLES, Record

MAX_ERRORS = 20


class Dataset:
    """Records by table and key, the references still to check, and the problems found."""

    def __init__(self) -> None:
        self.records: dict[str, dict[Any, Record]] = {table.name: {} for table in TABLES}
        self.refs: list[tuple[Record, str, str]] = []
        self.errors: list[str] = []

    def error(self, where: str, reason: str) -> None:
        self.errors.append(f"{where}: {reason}")

    def add(self, table: str, key: Any, record: Record) -> None:
        if key in self.records[table]:
            first = self.records[table][key]
            raise RowError(f"duplicate {TABLE[table].noun} {_show(key)}, already on {first.where}")
        self.records[table][key] = record

    def ref(self, record: Record, table: str, value: str | None) -> str | None:
        if value:
            self.refs.append((record, table, value))
        return value


def _show(key: Any) -> str:
    if isinstance(key, tuple):
        return "(" + ", ".join(repr(part) for part in key if part is not None) + ")"
    return repr(key)


def display_path(path: Path) -> str:
    """The path as a person would type it: relative to the working directory if inside."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class FileError(Exception):
    """A whole file cannot be read as a table; `line` is 0 when no line is to blame."""

    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line = line
        self.reason = reason


def read_csv(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, Fields]]:
    """Rows of a gzip CSV as (line number, fields); the header is line 1."""
    try:
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise FileError(1, "the file is empty, expected a header row")
            missing = [name for name in columns if name not in header]
            if missing:
                raise FileError(1, "missing column " + ", ".join(missing))
            width = len(header)
            for row in reader:
                if len(row) != width:
                    if not row:
                        continue
                    raise FileError(reader.line_num, f"expected {width} cells, found {len(row)}")
                yield reader.line_num, Fields(dict(zip(header, row, strict=True)))
    except FileNotFoundError:
        raise FileError(0, "file not found") from None
    except (OSError, EOFError, zlib.error) as error:
        raise FileError(0, f"not a readable gzip file ({error})") from None
    except UnicodeDecodeError:
        raise FileError(0, "not UTF-8 text") from None
    except csv.Error as error:
        raise FileError(0, f"not a CSV table ({error})") from None


def source_values(f: Fields) -> dict[str, Any]:
    """The fields of a source, the same in sources.csv.gz and in the curated file."""
    return {
        "key": f.slug("key", required=True, limit=max_length(Source, "key")),
        "name": f.text("name", required=True, limit=max_length(Source, "name")),
        "url": f.url("url"),
        "licence": f.text("licence", required=True, limit=max_length(Source, "licence")),
        "licence_url": f.url("licence_url"),
        "attribution": f.text("attribution"),
        "description": f.text("description"),
        "retrieved": f.date("retrieved"),
    }


def _source(f: Fields, record: Record, data: Dataset) -> None:
    record.values = source_values(f)
    data.add("sources", record.values["key"], record)


def _country(f: Fields, record: Record, data: Dataset) -> None:
    record.values = {
        "code": f.country("code", required=True),
        "name_en": f.text("name_en", required=True, limit=max_length(Country, "name_en")),
        "eu_member": f.boolean("eu_member"),
        "covered": f.boolean("covered"),
    }
    data.add("countries", record.values["code"], record)


def _municipality(f: Fields, record: Record, data: Dataset) -> None:
    name = f.text("name", required=True, limit=max_length(Municipality, "name"))
    values: dict[str, Any] = {
        "external_id": f.text(
            "external_id", required=True, limit=max_length(Municipality, "external_id")
        ),
        "slug": f.slug("slug", required=True, limit=max_length(Municipality, "slug")),
        "name": name,
        "search_key": fold(name)[: max_length(Municipality, "search_key")],
        "country": f.country("country", required=True),
        "kind": f.choice("kind", Municipality.Kind, Municipality.Kind.MUNICIPALITY),
        "parent": f.text("parent") or None,
        "lau_code": f.text("lau_code", limit=max_length(Municipality, "lau_code")),
        "nuts3": f.text("nuts3", limit=max_length(Municipality, "nuts3")),
        "population": f.integer("population", minimum=0, maximum=2_147_483_647),
        "latitude": f.number("latitude", minimum=-90, maximum=90),
        "longitude": f.number("longitude", minimum=-180, maximum=180),
        "website": f.url("website"),
        "source": f.text("source", required=True),
    }
    record.values = values
    if values["parent"] == values["external_id"]:
        raise RowError("a municipality cannot be its own parent")
    data.add("municipalities", values["external_id"], record)
    data.ref(record, "countries", values["country"])
    data.ref(record, "municipalities", values["parent"])
    data.ref(record, "sources", values["source"])


def _name(f: Fields, record: Record, data: Dataset) -> None:
    name = f.text("name", required=True, limit=max_length(MunicipalityName, "name"))
    municipality = f.text("municipality", required=True)
    language = f.text("language", limit=max_length(MunicipalityName, "language"))
    record.values = {
        "municipality": municipality,
        "name": name,
        "language": language,
        "search_key": fold(name)[: max_length(MunicipalityName, "search_key")],
        "source": f.text("source", required=True),
    }
    data.add("names", (municipality, name, language), record)
    data.ref(record, "municipalities", municipality)
    data.ref(record, "sources", record.values["source"])


def _network(f: Fields, record: Record, data: Dataset) -> None:
    values: dict[str, Any] = {
        "external_id": f.text(
            "external_id", required=True, limit=max_length(Network, "external_id")
        ),
        "slug": f.slug("slug", required=True, limit=max_length(Network, "slug")),
        "name": f.text("name", required=True, limit=max_length(Network, "name")),
        "name_en": f.text("name_en", limit=max_length(Network, "name_en")),
        "acronym": f.text("acronym", limit=max_length(Network, "acronym")),
        "kind": f.choice("kind", Network.Kind, required=True),
        "code": f.text("code", limit=max_length(Network, "code")),
        "founded": f.year("founded"),
        "website": f.url("website"),
        "description": f.text("description"),
        "stated_member_count": f.integer("stated_member_count", minimum=0),
        "parent": f.text("parent") or None,
        "source": f.text("source", required=True),
    }
    record.values = values
    countries = f.items("countries")
    for code in countries:
        Fields({"countries": code}).country("countries")
    record.many = {"countries": set(countries)}
    if values["parent"] == values["external_id"]:
        raise RowError("a network cannot be its own parent")
    data.add("networks", values["external_id"], record)
    for code in countries:
        data.ref(record, "countries", code)
    data.ref(record, "networks", values["parent"])
    data.ref(record, "sources", values["source"])


def _membership(f: Fields, record: Record, data: Dataset) -> None:
    values: dict[str, Any] = {
        "network": f.text("network", required=True),
        "municipality": f.text("municipality", required=True),
        "role": f.choice("role", Membership.Role, Membership.Role.MEMBER),
        "start_year": f.year("start_year"),
        "end_year": f.year("end_year"),
        "source": f.text("source", required=True),
    }
    record.values = values
    _check_period(values["start_year"], values["end_year"])
    data.add("memberships", (values["network"], values["municipality"]), record)
    data.ref(record, "networks", values["network"])
    data.ref(record, "municipalities", values["municipality"])
    data.ref(record, "sources", values["source"])


def _partnership(f: Fields, record: Record, data: Dataset) -> None:
    a, b = f.text("a", required=True), f.text("b", required=True)
    if a == b:
        raise RowError(f"a partnership needs two different municipalities, not {a!r} twice")
    a, b = sorted((a, b))
    values: dict[str, Any] = {
        "a": a,
        "b": b,
        "kind": f.choice("kind", Partnership.Kind, Partnership.Kind.TWINNING),
        "external_id": f.text(
            "external_id", required=True, limit=max_length(Partnership, "external_id")
        ),
        "status": f.choice("status", Partnership.Status, Partnership.Status.UNKNOWN),
        "start_year": f.year("start_year"),
        "start_date": f.date("start_date"),
        "end_year": f.year("end_year"),
        "end_date": f.date("end_date"),
        "notes": f.text("notes"),
    }
    record.values = values
    _check_period(values["start_year"], values["end_year"])
    sources = f.items("sources")
    if not sources:
        raise RowError("sources is required: every partnership says where it comes from")
    record.many = {"sources": set(sources), "themes": set(f.items("themes"))}
    data.add("partnerships", (a, b, values["kind"]), record)
    data.ref(record, "municipalities", a)
    data.ref(record, "municipalities", b)
    for key in sources:
        data.ref(record, "sources", key)
    for slug in record.many["themes"]:
        data.ref(record, "themes", slug)


def _check_period(start: int | None, end: int | None) -> None:
    if start is not None and end is not None and end < start:
        raise RowError(f"end_year {end} is before start_year {start}")


Parser = Callable[[Fields, Record, Dataset], None]

# In the order they are read and written: every file refers only to earlier ones (and to
# themes, which the curated file defines).
FILES: tuple[tuple[str, tuple[str, ...], Parser], ...] = (
    ("sources.csv.gz", ("key", "name", "licence"), _source),
    ("countries.csv.gz", ("code", "name_en", "eu_member", "covered"), _country),
    (
        "municipalities.csv.gz",
        ("external_id", "slug", "name", "country", "kind", "parent", "lau_code", "nuts3",
         "population", "latitude", "longitude", "website", "source"),
        _municipality,
    ),
    ("names.csv.gz", ("municipality", "name", "language", "source"), _name),
    (
        "networks.csv.gz",
        ("external_id", "slug", "name", "name_en", "acronym", "kind", "code", "founded",
         "website", "description", "stated_member_count", "countries", "parent", "source"),
        _network,
    ),
    (
        "memberships.csv.gz",
        ("network", "municipality", "role", "start_year", "end_year", "source"),
        _membership,
    ),
    (
        "partnerships.csv.gz",
        ("external_id", "a", "b", "kind", "status", "start_year", "start_date", "end_year",
         "end_date", "themes", "sources", "notes"),
        _partnership,
    ),
)  # fmt: skip


def read_files(data_dir: Path, data: Dataset) -> None:
    """Read and check every built file into `data`, collecting the problems."""
    for filename, columns, parse in FILES:
        label = display_path(data_dir / filename)
        try:
            for line, fields in read_csv(data_dir / filename, columns):
                record = Record({}, label, line)
                try:
                    parse(fields, record, data)
                except RowError as error:
                    data.error(record.where, str(error))
                if len(data.errors) >= MAX_ERRORS:
                    return
        except FileError as error:
            data.error(f"{label}, line {error.line}" if error.line else label, error.reason)


def existing_ids(table: str) -> set[str]:
    model = TABLE[table].model
    return set(model._base_manager.order_by().values_list(STABLE_ID[table], flat=True))


def check_refs(data: Dataset) -> None:
    """Every reference must name a record read or a row already in the database."""
    known: dict[str, set[str]] = {}
    for record, table, value in data.refs:
        if value in data.records[table]:
            continue
        if table not in known:
            known[table] = existing_ids(table)
        if value not in known[table]:
            data.error(record.where, f"unknown {TABLE[table].noun} {value!r}")
            if len(data.errors) >= MAX_ERRORS:
                return
