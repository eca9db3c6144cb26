"""Partnerships from the twinning lists: Wikipedia (main source) and Wikidata P190 (2017)."""

import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.text import slugify

from atlas.lib.text import fold
from atlas.lib.translit import to_latin

from .countries import CountryNormaliser
from .gazetteer import GEONAMES_SOURCE, Gazetteer
from .names import clean, is_not_municipal, variants
from .places import Place, PlaceIndex
from .report import Report

HEKMAN_FILE = "twinning/hekman_twincities/twin_cities.csv"
ROGORIDO_DIR = "twinning/rogorido_sistercities"
WIKIPEDIA = "wikipedia-twin-towns"
WIKIDATA = "wikidata-p190-2017"
# A GeoNames place or a list place further than this from the list's own point is another
# place of the same name.
SAME_PLACE_KM = 50
NEARBY_KM = 15
SECTION = "twinning list places"


@dataclass
class Pair:
    a: str
    b: str
    kind: str = "twinning"
    sources: set[str] = field(default_factory=set)

    @property
    def external_id(self) -> str:
        return f"pair:{self.a}~{self.b}~{self.kind}"


LIST_SLUG_LENGTH = 22


def list_slug(name: str) -> str:
    """The slug part of a list place's id, short enough that a pair of two such ids fits
    the 80 characters of a partnership's id: a long one is cut and keeps a short hash.

    >>> list_slug("Colorado Springs")
    'colorado-springs'
    >>> list_slug("Lev HaSharon Regional Council")
    'lev-hasharon-re-9320f3'
    """
    slug = slugify(fold(to_latin(name))) or "place"
    if len(slug) <= LIST_SLUG_LENGTH:
        return slug
    digest = hashlib.sha1(slug.encode("utf-8")).hexdigest()[:6]
    return f"{slug[: LIST_SLUG_LENGTH - 7].rstrip('-')}-{digest}"


def _coordinate(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


class Resolver:
    """Finds the place a list means by a name, a country string and the list's point:
    an atlas municipality in the covered countries, else a GeoNames place, else a place
    known only from the list."""

    def __init__(
        self,
        index: PlaceIndex,
        gazetteer: Gazetteer,
        covered: set[str],
        countries: CountryNormaliser,
        report: Report,
    ):
        self.index = index
        self.gazetteer = gazetteer
        self.covered = covered
        self.countries = countries
        self.report = report
        self.other_places: dict[str, Place] = {}
        self._cache: dict[tuple, tuple[Place | None, str, str]] = {}

    def resolve(
        self,
        name: str,
        country_text: str,
        latitude: float | None,
        longitude: float | None,
        source: str,
    ) -> Place | None:
        key = (name, country_text, latitude, longitude)
        if key not in self._cache:
            self._cache[key] = self._resolve(name, country_text, latitude, longitude, source)
        place, outcome, example = self._cache[key]
        if place is None:
            self.report.unmatched(SECTION, outcome, example)
        else:
            self.report.matched(f"{SECTION}: {outcome}")
        return place

    def _resolve(self, name, country_text, latitude, longitude, source):
        name = clean(name)
        example = f"{name} ({clean(country_text)})"
        if not name or (name[0] == "Q" and name[1:].isdigit()):
            return None, "no name (empty or a bare Wikidata id)", example
        code = self.countries.code(country_text, longitude)
        if code is None and "," in name:
            code = self.countries.code(name.rsplit(",", 1)[1], longitude)
            name = name.rsplit(",", 1)[0].strip() if code else name
        if code is None:
            return None, "country string not recognised", example
        names = variants(name)
        if code in self.covered:
            place = self.index.find(code, names, latitude, longitude, "rural" in name.lower())
            if place is not None:
                return place, "atlas municipality", example
            if is_not_municipal(name):
                return None, "a district or region, not a municipality", example
        if latitude is not None and longitude is not None:
            # Lists mislabel countries (Wikidata's Danish file holds Swedish towns): a
            # municipality of that name within a few km of the list's point is the place.
            for other in sorted(self.covered - {code}):
                place = self.index.find(other, names, latitude, longitude, max_other_km=NEARBY_KM)
                if place is not None and (place.distance_km(latitude, longitude) or 0) <= NEARBY_KM:
                    return (
                        place,
                        "atlas municipality in another country than the list says",
                        example,
                    )
        place = self.gazetteer.index.find(
            code, names, latitude, longitude, max_other_km=SAME_PLACE_KM
        )
        if place is not None:
            distance = place.distance_km(latitude, longitude)
            if distance is None or distance <= SAME_PLACE_KM:
                self.other_places[place.external_id] = place
                outcome = "GeoNames place"
                if code in self.covered:
                    outcome += " in a covered country (no LAU unit of that name)"
                return place, outcome, example
        place = self._list_place(name, code, latitude, longitude, source)
        outcome = "place known only from the list"
        if code in self.covered:
            outcome += " in a covered country (no LAU unit of that name)"
        return place, outcome, example

    def _list_place(self, name, code, latitude, longitude, source) -> Place:
        base = f"list:{code}:{list_slug(name)}"
        external_id, number = base, 1
        while external_id in self.other_places:
            existing = self.other_places[external_id]
            distance = existing.distance_km(latitude, longitude)
            if distance is None or distance <= SAME_PLACE_KM:
                return existing
            number += 1
            external_id = f"{base}-{number}"
        place = Place(
            external_id=external_id,
            name=name,
            country=code,
            kind="other",
            source=source,
            latitude=round(latitude, 5) if latitude is not None else None,
            longitude=round(longitude, 5) if longitude is not None else None,
        )
        self.other_places[external_id] = place
        return place


class PairCollector:
    """Unordered pairs, each once, with every source that lists it."""

    def __init__(self, report: Report):
        self.pairs: dict[tuple[str, str], Pair] = {}
        self.report = report

    def add(self, a: Place | None, b: Place | None, source: str, example: str) -> None:
        section = f"pairs from {source}"
        if a is None or b is None:
            self.report.unmatched(section, "a place was not found", example)
            return
        if a.external_id == b.external_id:
            self.report.unmatched(section, "both names resolve to the same place", example)
            return
        first, second = sorted((a.external_id, b.external_id))
        pair = self.pairs.get((first, second))
        if pair is None:
            pair = self.pairs[first, second] = Pair(first, second)
            self.report.matched(section)
        elif source in pair.sources:
            self.report.unmatched(
                section, "listed again (same pair, other spelling or order)", example
            )
        else:
            self.report.matched(section)
        pair.sources.add(source)


def read_hekman(raw: Path, resolver: Resolver, pairs: PairCollector, report: Report) -> None:
    count = 0
    with (raw / HEKMAN_FILE).open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            count += 1
            a, b = [
                resolver.resolve(
                    row[f"city{side}"],
                    row[f"country{side}"],
                    _coordinate(row[f"lat{side}"]),
                    _coordinate(row[f"lng{side}"]),
                    WIKIPEDIA,
                )
                for side in "12"
            ]
            example = (
                f"line {count + 1}: {row['city1']} ({row['country1']}) - "
                f"{row['city2']} ({row['country2']})"
            )
            pairs.add(a, b, WIKIPEDIA, example)
    report.read(HEKMAN_FILE, count)


def read_rogorido(raw: Path, resolver: Resolver, pairs: PairCollector, report: Report) -> None:
    for path in sorted((raw / ROGORIDO_DIR).glob("*.tsv")):
        count = 0
        with path.open(encoding="utf-8", newline="") as file:
            for row in csv.DictReader(file, delimiter="\t"):
                count += 1
                origin = resolver.resolve(
                    row["origincityLabel"],
                    row["origincountry"],
                    _coordinate(row["originlat"]),
                    _coordinate(row["originlong"]),
                    WIKIDATA,
                )
                sister = resolver.resolve(
                    row["sistercityLabel"],
                    row["destination_countryLabel"],
                    _coordinate(row["destinationlat"]),
                    _coordinate(row["destinationlong"]),
                    WIKIDATA,
                )
                example = (
                    f"{path.name} line {count + 1}: {row['origincityLabel']} - "
                    f"{row['sistercityLabel']} ({row['destination_countryLabel']})"
                )
                pairs.add(origin, sister, WIKIDATA, example)
        report.read(f"{ROGORIDO_DIR}/{path.name}", count)


__all__ = ["GEONAMES_SOURCE", "PairCollector", "Resolver", "read_hekman", "read_rogorido"]
