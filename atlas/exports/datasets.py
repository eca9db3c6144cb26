"""What each export holds: its rows, in a stable order and with stable English column
names, and how a row becomes CSV or a GeoJSON feature. The streamed answers and the full
files of `export_data` are written by the same generators, so they always agree."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db.models import Count, Q, QuerySet

from atlas.directory.models import Membership, Municipality, Network, Partnership, Source
from atlas.exports.licence import LICENCE, LICENCE_URL

# Bump when columns or the format change, so ETags change with them.
FORMAT_VERSION = 1
CHUNK_SIZE = 2000
FORMATS = ("csv", "geojson")


@dataclass(frozen=True)
class Dataset:
    """One exported table."""

    name: str
    # (column name, model field) of each column, in order.
    pairs: tuple[tuple[str, str], ...]
    queryset: Callable[[], QuerySet]
    # Source rows that the attribution names (the sources of this table's records).
    sources: Callable[[], QuerySet]
    geometry: Callable[[dict[str, Any]], dict | None]
    # Values of further columns for a batch of primary keys (many-to-many fields).
    extra: Callable[[list[int]], dict[int, tuple]] | None = None
    extra_columns: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(column for column, _field in self.pairs)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(field for _column, field in self.pairs)

    @property
    def all_columns(self) -> tuple[str, ...]:
        return self.columns + self.extra_columns

    def rows(self, queryset: QuerySet) -> Iterator[tuple]:
        """The rows by primary key, fetched in chunks: one query per chunk (plus the
        `extra` queries), never the whole table in memory."""
        rows = queryset.order_by("pk").values_list(*self.fields).iterator(chunk_size=CHUNK_SIZE)
        while batch := list(islice(rows, CHUNK_SIZE)):
            if self.extra is None:
                yield from batch
                continue
            more = self.extra([row[0] for row in batch])
            empty = ("",) * len(self.extra_columns)
            for row in batch:
                yield row + more.get(row[0], empty)

    def attribution(self) -> str:
        """The attributions of this table's sources, in one line."""
        found = self.sources().order_by("name").distinct().values_list("name", "attribution")
        return "; ".join((attribution or name).rstrip(". ") for name, attribution in found)


def point(latitude: Any, longitude: Any) -> dict | None:
    if latitude is None or longitude is None:
        return None
    return {"type": "Point", "coordinates": [longitude, latitude]}


def partnership_line(row: dict[str, Any]) -> dict | None:
    ends = (
        row["municipality_a_latitude"],
        row["municipality_a_longitude"],
        row["municipality_b_latitude"],
        row["municipality_b_longitude"],
    )
    if None in ends:
        return None
    lat_a, lon_a, lat_b, lon_b = ends
    return {"type": "LineString", "coordinates": [[lon_a, lat_a], [lon_b, lat_b]]}


def partnership_extra(pks: list[int]) -> dict[int, tuple]:
    """Theme slugs and source keys of the partnerships, each joined with ";"."""
    themes: dict[int, list[str]] = defaultdict(list)
    for pk, slug in (
        Partnership.themes.through.objects.filter(partnership_id__in=pks)
        .order_by("partnership_id", "theme__slug")
        .values_list("partnership_id", "theme__slug")
    ):
        themes[pk].append(slug)
    sources: dict[int, list[str]] = defaultdict(list)
    for pk, key in (
        Partnership.sources.through.objects.filter(partnership_id__in=pks)
        .order_by("partnership_id", "source__key")
        .values_list("partnership_id", "source__key")
    ):
        sources[pk].append(key)
    return {pk: (";".join(themes[pk]), ";".join(sources[pk])) for pk in pks}


MUNICIPALITIES = Dataset(
    name="municipalities",
    pairs=(
        ("id", "pk"),
        ("external_id", "external_id"),
        ("slug", "slug"),
        ("name", "name"),
        ("country", "country_id"),
        ("kind", "kind"),
        ("parent_id", "parent_id"),
        ("lau_code", "lau_code"),
        ("nuts3", "nuts3"),
        ("population", "population"),
        ("latitude", "latitude"),
        ("longitude", "longitude"),
        ("website", "website"),
        ("source", "source__key"),
    ),
    queryset=lambda: Municipality.objects.all(),
    sources=lambda: Source.objects.filter(municipalities__isnull=False),
    geometry=lambda row: point(row["latitude"], row["longitude"]),
)

PARTNERSHIPS = Dataset(
    name="partnerships",
    pairs=(
        ("id", "pk"),
        ("external_id", "external_id"),
        ("municipality_a_id", "municipality_a_id"),
        ("municipality_a_name", "municipality_a__name"),
        ("municipality_a_country", "municipality_a__country_id"),
        ("municipality_a_latitude", "municipality_a__latitude"),
        ("municipality_a_longitude", "municipality_a__longitude"),
        ("municipality_b_id", "municipality_b_id"),
        ("municipality_b_name", "municipality_b__name"),
        ("municipality_b_country", "municipality_b__country_id"),
        ("municipality_b_latitude", "municipality_b__latitude"),
        ("municipality_b_longitude", "municipality_b__longitude"),
        ("kind", "kind"),
        ("status", "status"),
        ("start_year", "start_year"),
        ("start_date", "start_date"),
        ("end_year", "end_year"),
        ("end_date", "end_date"),
        ("last_activity", "last_activity"),
    ),
    # The default manager leaves out soft-deleted partnerships.
    queryset=lambda: Partnership.objects.all(),
    sources=lambda: Source.objects.filter(partnerships__isnull=False),
    geometry=partnership_line,
    extra=partnership_extra,
    extra_columns=("themes", "sources"),
)

NETWORKS = Dataset(
    name="networks",
    pairs=(
        ("id", "pk"),
        ("external_id", "external_id"),
        ("slug", "slug"),
        ("name", "name"),
        ("name_en", "name_en"),
        ("acronym", "acronym"),
        ("kind", "kind"),
        ("code", "code"),
        ("founded", "founded"),
        ("website", "website"),
        ("parent_id", "parent_id"),
        ("member_count", "member_count"),
        ("stated_member_count", "stated_member_count"),
        ("source", "source__key"),
    ),
    queryset=lambda: Network.objects.annotate(
        member_count=Count("memberships", filter=Q(memberships__deleted_at__isnull=True))
    ),
    sources=lambda: Source.objects.filter(networks__isnull=False),
    # A network is not a place: its features have no geometry (see docs/exports.md).
    geometry=lambda row: None,
)

MEMBERSHIPS = Dataset(
    name="memberships",
    pairs=(
        ("id", "pk"),
        ("network_id", "network_id"),
        ("network_slug", "network__slug"),
        ("network_name", "network__name"),
        ("municipality_id", "municipality_id"),
        ("municipality_name", "municipality__name"),
        ("municipality_country", "municipality__country_id"),
        ("role", "role"),
        ("start_year", "start_year"),
        ("end_year", "end_year"),
        ("latitude", "municipality__latitude"),
        ("longitude", "municipality__longitude"),
        ("source", "source__key"),
    ),
    queryset=lambda: Membership.objects.all(),
    sources=lambda: Source.objects.filter(memberships__isnull=False),
    geometry=lambda row: point(row["latitude"], row["longitude"]),
)

DATASETS = {
    dataset.name: dataset for dataset in (MUNICIPALITIES, PARTNERSHIPS, NETWORKS, MEMBERSHIPS)
}


def csv_chunks(dataset: Dataset, rows: Iterable[tuple]) -> Iterator[str]:
    """CSV text (a header, then a line per row), a chunk of about a hundred rows at a time.
    No comment lines, so every CSV tool reads it; the licence is in the headers and docs."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(dataset.all_columns)
    for number, row in enumerate(rows, start=1):
        writer.writerow(row)
        if number % 100 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def geojson_chunks(dataset: Dataset, rows: Iterable[tuple], attribution: str) -> Iterator[str]:
    """A GeoJSON FeatureCollection with the licence and attribution as top-level members;
    a feature per row, its columns as properties (null geometry where a place has none)."""
    header = {
        "type": "FeatureCollection",
        "name": dataset.name,
        "license": {"name": LICENCE, "url": LICENCE_URL},
        "attribution": attribution,
    }
    yield json.dumps(header, ensure_ascii=False)[:-1] + ', "features": [\n'
    separator = ""
    for row in rows:
        properties = dict(zip(dataset.all_columns, row, strict=True))
        feature = {
            "type": "Feature",
            "id": properties["id"],
            "geometry": dataset.geometry(properties),
            "properties": properties,
        }
        yield separator + json.dumps(feature, ensure_ascii=False, default=str)
        separator = ",\n"
    yield "\n]}\n"


def chunks(dataset: Dataset, fmt: str, rows: Iterable[tuple], attribution: str) -> Iterator[str]:
    """The export of these rows in a format ("csv" or "geojson"), as text chunks."""
    if fmt == "csv":
        return csv_chunks(dataset, rows)
    return geojson_chunks(dataset, rows, attribution)
