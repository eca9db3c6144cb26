"""The map's data: which places and partnerships a set of filters selects, as compact
columnar JSON, serialized and gzipped once per data version and kept in the cache.

The page's accessible list and the data endpoints call the same functions here, so the
list beside the map shows exactly what the map draws."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q

from atlas.directory.models import Municipality, Partnership, PartnershipQuerySet
from atlas.lib.text import fold

# Bump when the JSON format changes, so caches and browsers drop the old answers.
# 2: a town's answer has each partnership's last activity ("last").
FORMAT_VERSION = 2
# Coordinates are sent as integers in thousandths of a degree (about 100 m).
COORDINATE_SCALE = 1000
# The basemap's outlines, in hundredths of a degree (about 1 km): plenty below zoom 9.
BASEMAP_SCALE = 100


@dataclass(frozen=True)
class MapFilter:
    """What the map shows. `country` and `network` choose the places; the others choose
    which partnerships count (and so which places have any)."""

    country: str = ""
    kind: str = ""
    status: str = ""
    theme: str = ""
    since: int | None = None
    until: int | None = None
    scope: str = ""
    network: str = ""

    @staticmethod
    def default(name: str) -> Any:
        return {field.name: field.default for field in fields(MapFilter)}[name]

    def query(self) -> dict[str, Any]:
        """The filters that are set, as query parameters."""
        return {name: value for name, value in asdict(self).items() if value not in ("", None)}

    def key(self) -> str:
        """A canonical form of the filters for cache keys and ETags.

        >>> MapFilter(status="active", country="SI").key()
        'country=SI&status=active'
        """
        return urlencode(sorted(self.query().items()))

    @property
    def narrows_partnerships(self) -> bool:
        return bool(
            self.kind or self.status or self.theme or self.scope or self.since or self.until
        )

    def partnerships(self) -> PartnershipQuerySet:
        """The partnerships that count under these filters (place filters aside)."""
        return Partnership.objects.order_by().matching(
            kind=self.kind,
            status=self.status,
            theme=self.theme,
            since=self.since,
            until=self.until,
            scope=self.scope,
        )


class Place(NamedTuple):
    id: int
    name: str
    country: str
    latitude: float
    longitude: float
    partners: int


def places(selection: MapFilter) -> list[Place]:
    """The places the map shows, by id: those with a matching partnership in the chosen
    country, or a network's members (all of them, unless a partnership filter is set)."""
    partnerships = selection.partnerships()
    counts: Counter[int] = Counter()
    for a, b in partnerships.values_list("municipality_a_id", "municipality_b_id"):
        counts[a] += 1
        counts[b] += 1
    located = Municipality.objects.filter(latitude__isnull=False, longitude__isnull=False)
    if selection.country:
        located = located.filter(country_id=selection.country)
    if selection.network:
        located = located.filter(memberships__network__slug=selection.network)
    if not selection.network or selection.narrows_partnerships:
        located = located.filter(
            Q(pk__in=partnerships.values("municipality_a"))
            | Q(pk__in=partnerships.values("municipality_b"))
        )
    rows = located.order_by("pk").values_list("pk", "name", "country_id", "latitude", "longitude")
    return [
        Place(pk, name, country, latitude, longitude, counts[pk])
        for pk, name, country, latitude, longitude in rows
        if latitude is not None and longitude is not None  # filtered in SQL; for the types
    ]


def places_payload(rows: list[Place], selection: MapFilter) -> dict[str, Any]:
    """Columnar JSON of `places()`: one array per field, countries as indexes into a list."""
    countries = sorted({place.country for place in rows})
    index = {code: number for number, code in enumerate(countries)}
    return {
        "version": FORMAT_VERSION,
        "filters": selection.query(),
        "count": len(rows),
        "scale": COORDINATE_SCALE,
        "countries": countries,
        "id": [place.id for place in rows],
        "name": [place.name for place in rows],
        "country": [index[place.country] for place in rows],
        "lat": [round(place.latitude * COORDINATE_SCALE) for place in rows],
        "lon": [round(place.longitude * COORDINATE_SCALE) for place in rows],
        "partners": [place.partners for place in rows],
    }


@dataclass(frozen=True)
class Link:
    """One partnership of a selected town, seen from that town."""

    partnership: Partnership
    partner: Municipality

    @property
    def since(self) -> int | None:
        if self.partnership.start_date:
            return self.partnership.start_date.year
        return self.partnership.start_year


def links(town: Municipality, selection: MapFilter) -> list[Link]:
    """The town's partnerships that count under the filters, by the partner's name.
    The place filters (country, network) choose what the map shows, not a town's partners."""
    partnerships = (
        selection.partnerships()
        .filter(Q(municipality_a=town) | Q(municipality_b=town))
        .select_related("municipality_a__country", "municipality_b__country")
        .prefetch_related("themes")
    )
    found = [Link(p, p.partner_of(town)) for p in partnerships]
    return sorted(found, key=lambda link: (fold(link.partner.name), link.partner.pk))


def town_payload(town: Municipality, selection: MapFilter) -> dict[str, Any]:
    found = links(town, selection)

    def scaled(value: float | None) -> int | None:
        return None if value is None else round(value * COORDINATE_SCALE)

    return {
        "version": FORMAT_VERSION,
        "filters": selection.query(),
        "scale": COORDINATE_SCALE,
        "town": {
            "id": town.pk,
            "name": town.name,
            "slug": town.slug,
            "country": town.country_id,
            "lat": scaled(town.latitude),
            "lon": scaled(town.longitude),
        },
        "count": len(found),
        "id": [link.partner.pk for link in found],
        "name": [link.partner.name for link in found],
        "slug": [link.partner.slug for link in found],
        "country": [link.partner.country_id for link in found],
        "lat": [scaled(link.partner.latitude) for link in found],
        "lon": [scaled(link.partner.longitude) for link in found],
        "kind": [link.partnership.kind for link in found],
        "status": [link.partnership.status for link in found],
        "since": [link.since for link in found],
        "themes": [[theme.slug for theme in link.partnership.themes.all()] for link in found],
        # The date of the latest recorded activity, as YYYY-MM-DD, or null.
        "last": [
            link.partnership.last_activity.isoformat() if link.partnership.last_activity else None
            for link in found
        ],
    }


@dataclass(frozen=True)
class Encoded:
    """A JSON answer serialized once, in plain and gzipped form."""

    body: bytes
    gzipped: bytes


def encode(payload: Any) -> Encoded:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return Encoded(body, gzip.compress(body, compresslevel=6, mtime=0))


def cache_key(kind: str, key: str, stamp: datetime) -> str:
    """Where an answer is cached: its kind and filters, for the data as it was at `stamp`.

    >>> cache_key("places", "country=SI", datetime(2024, 5, 1, 12))
    'maps:places:2:2024-05-01T12:00:00:country=SI'
    """
    return f"maps:{kind}:{FORMAT_VERSION}:{stamp.isoformat()}:{key}"


def cached_places(selection: MapFilter, stamp: datetime) -> Encoded:
    """The places answer for these filters, built once per data version."""
    encoded = cache.get(cache_key("places", selection.key(), stamp))
    if encoded is None:
        encoded = build_places(selection, stamp)[1]
    return encoded


def cached_place_list(selection: MapFilter, stamp: datetime) -> list[Place]:
    """The places for the page's list, most partnerships first, then by name: cached beside
    the JSON answer for the same filters."""
    found = cache.get(cache_key("place-list", selection.key(), stamp))
    if found is None:
        found = build_places(selection, stamp)[0]
    return found


def build_places(selection: MapFilter, stamp: datetime) -> tuple[list[Place], Encoded]:
    """Query the places once and cache both forms: the JSON answer (whose warm path must
    not pay for unpickling rows) and the rows for the page's list."""
    found = places(selection)
    encoded = encode(places_payload(found, selection))
    ordered = sorted(found, key=lambda place: (-place.partners, place.name, place.id))
    cache.set_many(
        {
            cache_key("places", selection.key(), stamp): encoded,
            cache_key("place-list", selection.key(), stamp): ordered,
        },
        None,
    )
    return ordered, encoded


@lru_cache(maxsize=2)
def basemap(path: Path, modified: float) -> Encoded:
    """The bundled Natural Earth outlines for the interactive map, read once per file
    version: each country a list of rings, each ring [x0, y0, dx1, dy1, …] in hundredths
    of a degree, with repeated points dropped and rings cut at the antimeridian unwrapped."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as file:
            countries = json.load(file)["countries"]
    except OSError:
        # No basemap in this checkout: the map still works, on a plain background.
        countries = []
    encoded_countries = []
    for country in countries:
        rings = [ring for ring in (delta_ring(ring) for ring in country["rings"]) if ring]
        if rings:
            encoded_countries.append(rings)
    return encode(
        {"version": FORMAT_VERSION, "scale": BASEMAP_SCALE, "countries": encoded_countries}
    )


def delta_ring(ring: list[list[float]]) -> list[int]:
    """A ring as integer deltas in hundredths of a degree, unwrapped at the antimeridian.

    >>> delta_ring([[10.0, 20.0], [10.004, 20.0], [10.5, 20.25], [11.0, 21.0]])
    [1000, 2000, 50, 25, 50, 75]
    >>> delta_ring([[179.5, 60.0], [-179.5, 60.0], [-179.5, 61.0]])
    [17950, 6000, 100, 0, 0, 100]
    """
    out: list[int] = []
    last_x = last_y = 0
    shift = 0.0
    previous: float | None = None
    for lon, lat in ring:
        if previous is not None and abs(lon + shift - previous) > 180:
            shift += 360 if previous > lon + shift else -360
        previous = lon + shift
        x, y = round(previous * BASEMAP_SCALE), round(lat * BASEMAP_SCALE)
        if out and x == last_x and y == last_y:
            continue
        out += [x - last_x, y - last_y]
        last_x, last_y = x, y
    return out if len(out) >= 6 else []


def basemap_file() -> Path:
    return settings.DATASET_DIR / "basemap.json.gz"


def basemap_modified() -> float:
    """When the basemap file changed (0 when there is none): its version."""
    try:
        return basemap_file().stat().st_mtime
    except OSError:
        return 0.0
