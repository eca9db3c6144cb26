"""Municipalities from Eurostat LAU 2020, with Slovak city parts under synthetic whole cities."""

import csv
import re
from collections import defaultdict
from pathlib import Path

from atlas.lib.text import fold, unique_slug
from atlas.lib.translit import to_latin

from .countries import EUROSTAT_TO_ISO
from .names import own_keys
from .places import Place
from .report import Report

LAU_DIR = "municipalities/edjnet_lau_centres"
GURS_FILE = "municipalities/si_gurs_rpe/OB.csv"
RUIAN_FILE = "municipalities/cz_souradnice_mest/souradnice.csv"
LAU_SOURCE = "eurostat-lau-2020"

# Bratislava and Košice are in LAU only as their city parts ("mestská časť").
_CITY_PART = re.compile(r"^(?P<city>Bratislava|Košice)\s*-\s*mestská časť\s+(?P<part>.+)$")
# German LAU names carry the kind of authority after a comma ("Flensburg, Stadt"); British
# ones invert unitary authorities ("Bristol, City of").
_UK_SUFFIX = re.compile(r",\s*(City|County) of$")


def display_name(name: str, country: str) -> str:
    """The name to show: the LAU name without its administrative suffix.

    >>> display_name("Flensburg, Stadt", "DE"), display_name("Bristol, City of", "GB")
    ('Flensburg', 'Bristol')
    """
    if country == "DE" and "," in name:
        return name.split(",")[0].strip()
    if country == "GB":
        return _UK_SUFFIX.sub("", name).strip()
    return name.strip()


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def read_lau(raw: Path, report: Report) -> list[Place]:
    """Every LAU unit of every country file, as places with kind municipality or city part,
    plus one synthetic whole city per set of city parts."""
    places: list[Place] = []
    parts_of: dict[tuple[str, str], list[Place]] = defaultdict(list)
    for path in sorted((raw / LAU_DIR).glob("*.csv")):
        count = 0
        with path.open(encoding="utf-8", newline="") as file:
            for row in csv.DictReader(file):
                count += 1
                country = EUROSTAT_TO_ISO.get(row["country"], row["country"])
                population = _number(row["population"])
                latitude, longitude = _number(row["latitude"]), _number(row["longitude"])
                place = Place(
                    external_id=f"lau:{row['gisco_id']}",
                    name=display_name(row["lau_name"], country),
                    country=country,
                    kind="municipality",
                    source=LAU_SOURCE,
                    population=round(population) if population is not None else None,
                    latitude=round(latitude, 5) if latitude is not None else None,
                    longitude=round(longitude, 5) if longitude is not None else None,
                    lau_code=row["lau_id"],
                    nuts3=row["nuts_3"],
                )
                place.keys = own_keys(row["lau_name"]) | own_keys(place.name)
                match = _CITY_PART.match(row["lau_name"]) if country == "SK" else None
                if match:
                    city, part = match["city"], match["part"]
                    place.kind = "city_part"
                    place.parent = f"city:SK:{fold(city)}"
                    place.keys = {fold(f"{city} {part}"), fold(f"{part} {city}")}
                    place.other_keys = {fold(part)}
                    parts_of[city, place.parent].append(place)
                places.append(place)
        report.read(f"{LAU_DIR}/{path.name}", count)
    for (city, external_id), parts in sorted(parts_of.items()):
        places.append(whole_city(city, external_id, parts))
        report.note(f"{city}: {len(parts)} city parts grouped under {external_id}")
    return places


def whole_city(name: str, external_id: str, parts: list[Place]) -> Place:
    """A city that LAU lists only as its parts: population summed, centre weighted by it."""
    population = sum(part.population or 0 for part in parts)
    weight = population or len(parts)

    def weighted(attribute: str) -> float:
        total = sum(
            getattr(part, attribute) * ((part.population or 0) if population else 1)
            for part in parts
        )
        return round(total / weight, 5)

    return Place(
        external_id=external_id,
        name=name,
        country=parts[0].country,
        kind="municipality",
        source=LAU_SOURCE,
        population=population,
        latitude=weighted("latitude"),
        longitude=weighted("longitude"),
        nuts3=parts[0].nuts3 if len({part.nuts3 for part in parts}) == 1 else "",
        keys=own_keys(name),
    )


def slovenian_long_names(raw: Path, places: list[Place], report: Report) -> list[tuple]:
    """("lau:SI_…", "Mestna občina …", "sl", source) for the urban municipalities (OB_TIP D)
    of the GURS register, matched to LAU by the municipality number."""
    by_code = {place.lau_code: place for place in places if place.country == "SI"}
    names = []
    count = 0
    with (raw / GURS_FILE).open(encoding="utf-8-sig", newline="") as file:
        for row in csv.DictReader(file):
            count += 1
            place = by_code.get(row["OB_ID"].zfill(3))
            if place is None:
                report.unmatched("GURS register", "no LAU unit with this number", row["OB_UIME"])
                continue
            report.matched("GURS register")
            if row["OB_TIP"] == "D":
                names.append(
                    (place.external_id, f"Mestna občina {row['OB_UIME']}", "sl", "gurs-rpe")
                )
    report.read(GURS_FILE, count)
    return names


def latin_names(places: list[Place], names: list[tuple]) -> list[tuple]:
    """A Latin spelling for each name written in Greek or Cyrillic ("Битола" is also
    "Bitola"), so that people who type Latin letters find it, unless a source gave one."""
    known = {(external_id, fold(name)) for external_id, name, *_ in names}
    rows = []
    for place in places:
        latin = to_latin(place.name)
        if latin != place.name and (place.external_id, fold(latin)) not in known:
            rows.append((place.external_id, latin, "", place.source))
    return rows


def cross_check_ruian(raw: Path, places: list[Place], report: Report) -> dict[str, str]:
    """Compare Czech LAU codes with the RÚIAN list; return its region names by NUTS 3 code."""
    codes = {place.lau_code for place in places if place.country == "CZ"}
    regions: dict[str, str] = {}
    count = 0
    with (raw / RUIAN_FILE).open(encoding="utf-8-sig", newline="") as file:
        for row in csv.DictReader(file):
            count += 1
            regions[row["Kód kraje"]] = row["Kraj"]
            if row["Kód obce"] in codes:
                report.matched("RÚIAN cross-check")
            else:
                report.unmatched("RÚIAN cross-check", "code not in LAU 2020", row["Obec"])
    report.read(RUIAN_FILE, count)
    return regions


def assign_slugs(places: list[Place]) -> None:
    """Slugs unique over the file: the most populous of same-named places gets the plain
    slug, then the country, NUTS 3 and LAU codes are added as far as needed."""
    taken: set[str] = set()
    order = sorted(places, key=lambda place: (-(place.population or 0), place.external_id))
    for place in order:
        place.slug = unique_slug(
            to_latin(place.name), taken, place.country, place.nuts3, place.lau_code
        )
