"""GeoNames: other names (exonyms) for atlas municipalities, and partner places elsewhere."""

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from atlas.lib.geo import haversine_km
from atlas.lib.text import fold
from atlas.lib.translit import to_latin

from .places import Place, PlaceIndex
from .report import Report

GEONAMES_FILE = "gazetteer/geonames_cities500_europe/geonames_cities500_europe.csv"
GEONAMES_SOURCE = "geonames"
ATTACH_KM = 25
# LAU names of these countries are in the genitive ("Κοινότητα Κομοτηνής", "Kauno miesto
# savivaldybė"), so there the largest GeoNames town within 5 km of a LAU unit's centre is
# attached to it when no name matches.
NEAREST_ONLY = {"GR", "CY", "LT"}
NEAREST_KM = 5
_CODE = re.compile(r"^[A-Z]{2,3}$")


@dataclass
class GeoPlace:
    geonameid: str
    name: str
    latitude: float
    longitude: float
    country: str
    population: int
    alternates: list[str] = field(default_factory=list)

    def keys(self) -> set[str]:
        return {fold(to_latin(name)) for name in [self.name, *self.alternates]} - {""}


def read_geonames(raw: Path, report: Report) -> list[GeoPlace]:
    places = []
    with (raw / GEONAMES_FILE).open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            places.append(
                GeoPlace(
                    geonameid=row["geonameid"],
                    name=row["name"].strip(),
                    latitude=float(row["latitude"]),
                    longitude=float(row["longitude"]),
                    country=row["countrycode"],
                    population=int(row["population"] or 0),
                    alternates=[name for name in row["alternatenames"].split("|") if name],
                )
            )
    report.read(GEONAMES_FILE, len(places))
    return places


def usable_name(name: str) -> bool:
    """Whether an alternate name is worth showing: not a code (VIE, PRG) and not a lower-case
    romanisation of another script ("wei ye na").

    >>> usable_name("Vienna"), usable_name("VIE"), usable_name("wei ye na")
    (True, False, False)
    """
    name = name.strip()
    return bool(name) and not _CODE.match(name) and any(char.isupper() for char in name)


def attach_names(
    geonames: list[GeoPlace], places: list[Place], index: PlaceIndex, report: Report
) -> list[tuple[str, str, str, str]]:
    """Attach each GeoNames place to the nearest atlas municipality of its country whose own
    name is the GeoNames name or one of its alternates (within 25 km), and return the
    GeoNames names as (municipality, name, language, source) rows, one per folded form."""
    municipalities = [place for place in places if place.kind == "municipality"]
    by_country: dict[str, list[Place]] = {}
    for place in municipalities:
        by_country.setdefault(place.country, []).append(place)
    covered = set(by_country)
    names: dict[str, dict[str, str]] = {}
    # Places come largest first, so a LAU unit attached by nearness gets its largest town.
    nearest_taken: set[str] = set()
    for geo in sorted(geonames, key=lambda geo: (-geo.population, int(geo.geonameid))):
        if geo.country not in covered:
            continue
        target = None
        # The GeoNames name first, its alternates only when that finds nothing near.
        for keys in ({fold(to_latin(geo.name))}, geo.keys()):
            near = sorted(
                (
                    haversine_km(geo.latitude, geo.longitude, c.latitude, c.longitude),
                    c.external_id,
                    c,
                )
                for key in keys
                for c in index.own.get((geo.country, key), [])
                if c.kind == "municipality" and c.latitude is not None and c.longitude is not None
            )
            if near and near[0][0] <= ATTACH_KM:
                target = near[0][2]
                break
        if target is None and geo.country in NEAREST_ONLY and geo.population >= 1000:
            nearest = min(
                (
                    (
                        haversine_km(geo.latitude, geo.longitude, c.latitude, c.longitude),
                        c.external_id,
                        c,
                    )
                    for c in by_country[geo.country]
                    if c.latitude is not None and c.longitude is not None
                ),
                default=None,
            )
            if nearest and nearest[0] <= NEAREST_KM and nearest[1] not in nearest_taken:
                target = nearest[2]
                nearest_taken.add(target.external_id)
        if target is None:
            if geo.alternates:
                report.unmatched(
                    "GeoNames places with other names",
                    "no municipality of that name within 25 km",
                    f"{geo.name} ({geo.country})",
                )
            continue
        report.matched("GeoNames places with other names" if geo.alternates else "GeoNames places")
        own = target.keys
        bucket = names.setdefault(target.external_id, {})
        for name in [geo.name, *geo.alternates]:
            key = fold(to_latin(name))
            if not usable_name(name) or not key or key in own or key in bucket:
                continue
            bucket[key] = name.strip()
            index.add_other_key(target, key)
    return [
        (external_id, name, "", GEONAMES_SOURCE)
        for external_id, bucket in names.items()
        for name in bucket.values()
    ]


class Gazetteer:
    """GeoNames places by country and folded name, for partner places outside LAU."""

    def __init__(self, geonames: list[GeoPlace]):
        self.places: dict[str, Place] = {}
        self.index = PlaceIndex()
        for geo in geonames:
            place = Place(
                external_id=f"gn:{geo.geonameid}",
                name=geo.name,
                country=geo.country,
                kind="other",
                source=GEONAMES_SOURCE,
                population=geo.population or None,
                latitude=round(geo.latitude, 5),
                longitude=round(geo.longitude, 5),
                keys={fold(to_latin(geo.name))} - {""},
                other_keys={fold(to_latin(name)) for name in geo.alternates} - {""},
            )
            self.places[place.external_id] = place
            self.index.add(place)
