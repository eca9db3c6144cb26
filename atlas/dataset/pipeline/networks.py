"""Networks: twinning cliques (Douzelage, the Charter), the Covenant of Mayors with its
coordinators and supporters, and the NUTS 3 statistical regions."""

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from atlas.lib.text import unique_slug

from .names import variants
from .places import Place, PlaceIndex
from .report import Report
from .twinning import WIKIPEDIA, Pair

COVENANT_FILE = "networks/gcom_mycovenant_2024/gcom_signatories_2024.csv"
COVENANT_SOURCE = "gcom-mycovenant-2024"
COVENANT_ID = "net:covenant-of-mayors"
LAU_SOURCE = "eurostat-lau-2020"


@dataclass
class Network:
    external_id: str
    name: str
    kind: str
    source: str
    name_en: str = ""
    acronym: str = ""
    code: str = ""
    founded: int | None = None
    website: str = ""
    description: str = ""
    stated_member_count: int | None = None
    countries: set[str] = field(default_factory=set)
    parent: str = ""
    slug: str = ""


@dataclass(frozen=True)
class Membership:
    network: str
    municipality: str
    role: str
    source: str
    start_year: int | None = None
    end_year: int | None = None


@dataclass(frozen=True)
class CliqueSpec:
    """A network whose members the twinning lists show as all twinned with all."""

    external_id: str
    name: str
    kind: str
    seed: tuple[str, str]  # a known member: country and name
    stated_member_count: int
    founded: int | None = None
    website: str = ""
    acronym: str = ""
    description: str = ""


CLIQUES = (
    CliqueSpec(
        external_id="net:douzelage",
        name="Douzelage",
        kind="thematic_network",
        seed=("CZ", "Sušice"),
        stated_member_count=28,
        founded=1991,
        website="https://www.douzelage.eu/",
        description=(
            "A town twinning association of one small town from each member state of the "
            "European Union, in which every town is twinned with every other."
        ),
    ),
    CliqueSpec(
        external_id="net:charter-european-rural-communities",
        name="Charter of European Rural Communities",
        kind="association",
        seed=("SI", "Moravče"),
        stated_member_count=32,
        founded=1989,
        website="https://www.charter-rural.eu/",
        description=(
            "A town twinning association of rural communities, one from each member state of "
            "the European Union, in which every community is twinned with every other."
        ),
    ),
)


def grow_clique(seed: str, neighbours: dict[str, set[str]], missing: int = 1) -> set[str]:
    """A maximal set of places, all paired with each other, that contains `seed`: add the
    candidate paired with most of the remaining candidates, until none is left. Then add
    the places paired with all of that core but at most `missing` of it, because the
    Wikipedia lists now and then lack one pair of a network (Bucine-Lefkara in the
    Charter); a former member that kept a few of its pairs misses more of them."""
    clique = {seed}
    candidates = set(neighbours.get(seed, ()))
    while candidates:
        best = max(sorted(candidates), key=lambda node: len(neighbours[node] & candidates))
        clique.add(best)
        candidates &= neighbours[best]
    if len(clique) < 3:
        return clique
    core = set(clique)
    around = set().union(*(neighbours[member] for member in core)) - core
    clique |= {node for node in around if len(core - neighbours[node]) <= missing}
    return clique


def extract_cliques(
    pairs: dict[tuple[str, str], Pair],
    index: PlaceIndex,
    places: dict[str, Place],
    report: Report,
    specs: tuple[CliqueSpec, ...] = CLIQUES,
) -> tuple[list[Network], list[Membership]]:
    """Turn each clique of the lists into a network with memberships and drop its pairs."""
    networks, memberships = [], []
    for spec in specs:
        neighbours: dict[str, set[str]] = defaultdict(set)
        for a, b in pairs:
            neighbours[a].add(b)
            neighbours[b].add(a)
        country, name = spec.seed
        seed = index.find(country, variants(name))
        if seed is None or seed.external_id not in neighbours:
            report.note(f"{spec.name}: seed member {name} ({country}) not found in the pairs")
            continue
        members = grow_clique(seed.external_id, neighbours)
        dropped = [key for key in pairs if key[0] in members and key[1] in members]
        for key in dropped:
            del pairs[key]
        report.counts[f"{spec.name} members found"] = len(members)
        report.counts[f"{spec.name} pairs dropped"] = len(dropped)
        report.note(
            f"{spec.name}: {len(members)} towns all twinned with each other found from "
            f"{name} ({country}) (the network states {spec.stated_member_count}); "
            f"{len(dropped)} pairs among them dropped from the partnerships: "
            + ", ".join(sorted(f"{places[m].name} ({places[m].country})" for m in members))
        )
        networks.append(
            Network(
                external_id=spec.external_id,
                name=spec.name,
                name_en=spec.name,
                kind=spec.kind,
                source=WIKIPEDIA,
                founded=spec.founded,
                website=spec.website,
                description=spec.description,
                stated_member_count=spec.stated_member_count,
                countries={places[m].country for m in members},
            )
        )
        memberships += [Membership(spec.external_id, m, "member", WIKIPEDIA) for m in members]
    return networks, memberships


# Official names of the NUTS 3 regions in the local language, with English names.
REGION_NAMES = {
    "SI031": ("Pomurska", "Mura"),
    "SI032": ("Podravska", "Drava"),
    "SI033": ("Koroška", "Carinthia"),
    "SI034": ("Savinjska", "Savinja"),
    "SI035": ("Zasavska", "Central Sava"),
    "SI036": ("Posavska", "Lower Sava"),
    "SI037": ("Jugovzhodna Slovenija", "Southeast Slovenia"),
    "SI038": ("Primorsko-notranjska", "Littoral-Inner Carniola"),
    "SI041": ("Osrednjeslovenska", "Central Slovenia"),
    "SI042": ("Gorenjska", "Upper Carniola"),
    "SI043": ("Goriška", "Gorizia"),
    "SI044": ("Obalno-kraška", "Coastal-Karst"),
    "SK010": ("Bratislavský kraj", "Bratislava Region"),
    "SK021": ("Trnavský kraj", "Trnava Region"),
    "SK022": ("Trenčiansky kraj", "Trenčín Region"),
    "SK023": ("Nitriansky kraj", "Nitra Region"),
    "SK031": ("Žilinský kraj", "Žilina Region"),
    "SK032": ("Banskobystrický kraj", "Banská Bystrica Region"),
    "SK041": ("Prešovský kraj", "Prešov Region"),
    "SK042": ("Košický kraj", "Košice Region"),
    "CZ010": ("Hlavní město Praha", "Prague"),
    "CZ020": ("Středočeský kraj", "Central Bohemian Region"),
    "CZ031": ("Jihočeský kraj", "South Bohemian Region"),
    "CZ032": ("Plzeňský kraj", "Plzeň Region"),
    "CZ041": ("Karlovarský kraj", "Karlovy Vary Region"),
    "CZ042": ("Ústecký kraj", "Ústí nad Labem Region"),
    "CZ051": ("Liberecký kraj", "Liberec Region"),
    "CZ052": ("Královéhradecký kraj", "Hradec Králové Region"),
    "CZ053": ("Pardubický kraj", "Pardubice Region"),
    "CZ063": ("Kraj Vysočina", "Vysočina Region"),
    "CZ064": ("Jihomoravský kraj", "South Moravian Region"),
    "CZ071": ("Olomoucký kraj", "Olomouc Region"),
    "CZ072": ("Zlínský kraj", "Zlín Region"),
    "CZ080": ("Moravskoslezský kraj", "Moravian-Silesian Region"),
}
REGION_COUNTRIES = ("SI", "SK", "CZ")


def statistical_regions(
    places: list[Place], report: Report, czech_names: dict[str, str] | None = None
) -> tuple[list[Network], list[Membership]]:
    """The NUTS 3 regions of Slovenia, Slovakia and Czechia, every municipality a member
    (city parts too, as they are LAU units of their own)."""
    names = dict(REGION_NAMES)
    for code, name in (czech_names or {}).items():
        if code in names and name != names[code][0]:
            report.note(f"NUTS 3 {code}: RÚIAN calls it {name}, the atlas {names[code][0]}")
    networks, memberships = {}, []
    for place in places:
        if place.country not in REGION_COUNTRIES or not place.nuts3 or place.kind == "other":
            continue
        if place.external_id.startswith("city:"):
            continue
        code = place.nuts3
        if code not in networks:
            name, name_en = names.get(code, (code, ""))
            networks[code] = Network(
                external_id=f"net:nuts:{code}",
                name=name,
                name_en=name_en,
                kind="statistical_region",
                code=code,
                source=LAU_SOURCE,
                description=f"NUTS 3 statistical region {code} (NUTS 2021).",
                countries={place.country},
            )
        memberships.append(Membership(f"net:nuts:{code}", place.external_id, "member", LAU_SOURCE))
    report.counts["statistical regions"] = len(networks)
    return list(networks.values()), memberships


def covenant(
    raw: Path, index: PlaceIndex, covered: set[str], report: Report
) -> tuple[list[Network], list[Membership]]:
    """The Covenant of Mayors, its signatories in the atlas, and one sub-network for each
    coordinating or supporting body with the signatories it coordinates or supports."""
    section = "Covenant of Mayors signatories"
    signed: dict[str, int | None] = {}
    bodies: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    countries_of: dict[str, set[str]] = defaultdict(set)
    signatory_countries: set[str] = set()
    count = 0
    with (raw / COVENANT_FILE).open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            count += 1
            name = row["organisation_name"].strip()
            code = row["country_code"].strip().upper()
            code = {"EL": "GR", "UK": "GB"}.get(code, code)
            example = f"line {count + 1}: {name} ({code})"
            if row["group_profile"] == "True":
                report.unmatched(section, "a group of several signatories (skipped)", example)
                continue
            if code not in covered:
                report.unmatched(section, "country without LAU data", example)
                continue
            latitude: float | None
            longitude: float | None
            try:
                latitude = float(row["organisation_latitude"])
                longitude = float(row["organisation_longitude"])
            except ValueError:
                latitude = longitude = None
            place = index.find(code, variants(name), latitude, longitude, max_other_km=25)
            if place is None:
                report.unmatched(section, "no municipality of that name in the country", example)
                continue
            report.matched(section)
            signatory_countries.add(code)
            year = (
                int(row["date_of_adhesion"][:4]) if row["date_of_adhesion"][:4].isdigit() else None
            )
            previous = signed.get(place.external_id, year)
            signed[place.external_id] = min(filter(None, (previous, year)), default=None)
            for column, role in (
                ("coordinator_name", "coordinator"),
                ("supporter_name", "supporter"),
            ):
                body = " ".join(row[column].split())
                if body and body != "-":
                    bodies[body][role].add(place.external_id)
                    countries_of[body].add(code)
    report.read(COVENANT_FILE, count)
    networks = [
        Network(
            external_id=COVENANT_ID,
            name="Covenant of Mayors for Climate & Energy",
            name_en="Covenant of Mayors for Climate & Energy",
            acronym="CoM",
            kind="initiative",
            source=COVENANT_SOURCE,
            founded=2008,
            website="https://eu-mayors.ec.europa.eu/",
            description=(
                "The European Commission's initiative in which local authorities commit to "
                "climate and energy targets; members are its signatories."
            ),
            countries=signatory_countries,
        )
    ]
    memberships = [
        Membership(COVENANT_ID, external_id, "signatory", COVENANT_SOURCE, start_year=year)
        for external_id, year in signed.items()
    ]
    taken: set[str] = set()
    for body in sorted(bodies):
        roles = bodies[body]
        slug = unique_slug(body, taken, max_length=60)
        external_id = f"net:com-{slug}"
        # Coordinators (regions, provinces, ministries) and supporters (energy agencies,
        # associations, networks) each gather a group of signatories inside the Covenant:
        # the group is a part of the initiative, whatever the body is on its own.
        kind = "initiative"
        what = " and ".join(
            f"{label} Covenant of Mayors signatories"
            for role, label in (("coordinator", "coordinates"), ("supporter", "supports"))
            if role in roles
        )
        networks.append(
            Network(
                external_id=external_id,
                name=body,
                kind=kind,
                source=COVENANT_SOURCE,
                parent=COVENANT_ID,
                description=f"A body that {what}.",
                countries=countries_of[body],
            )
        )
        members = set().union(*roles.values())
        memberships += [Membership(external_id, m, "member", COVENANT_SOURCE) for m in members]
    report.counts["Covenant signatories in the atlas"] = len(signed)
    report.counts["Covenant coordinators and supporters"] = len(bodies)
    return networks, memberships
