"""Build the dataset in data/ from the raw open data: the steps in order."""

import hashlib
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from atlas.lib.text import unique_slug

from . import basemap, gazetteer, municipalities, networks, twinning
from .countries import EU_MEMBERS, CountryNormaliser, load_country_names
from .places import Place, PlaceIndex
from .report import Report
from .sources import SOURCES, licences_markdown
from .writer import write_csv_gz, write_json_gz

COUNTRIES_FILE = "gazetteer/geonames_cities500_europe/geonames_countries.json"
OUTPUT_FILES = (
    "sources.csv.gz",
    "countries.csv.gz",
    "municipalities.csv.gz",
    "names.csv.gz",
    "partnerships.csv.gz",
    "networks.csv.gz",
    "memberships.csv.gz",
    "basemap.json.gz",
    "LICENSES.md",
    "build-report.txt",
    "build.json",
)
# Names that count as the country's own (not an "other" place) even without LAU data.
EXTRA_COUNTRY_NAMES = {"XK": "Kosovo"}


def build(raw: Path, out: Path, with_basemap: bool = True) -> Report:
    """Read the raw files under `raw` and (re)write the dataset files in `out`."""
    report = Report()
    country_names = {**load_country_names(raw / COUNTRIES_FILE), **EXTRA_COUNTRY_NAMES}
    report.read(COUNTRIES_FILE, len(country_names))
    normaliser = CountryNormaliser(country_names)

    places = municipalities.read_lau(raw, report)
    covered = {place.country for place in places}
    index = PlaceIndex(places)
    names = municipalities.slovenian_long_names(raw, places, report)
    czech_regions = municipalities.cross_check_ruian(raw, places, report)

    geonames = gazetteer.read_geonames(raw, report)
    names += gazetteer.attach_names(geonames, places, index, report)
    names += municipalities.latin_names(places, names)
    resolver = twinning.Resolver(index, gazetteer.Gazetteer(geonames), covered, normaliser, report)
    collector = twinning.PairCollector(report)
    twinning.read_hekman(raw, resolver, collector, report)
    twinning.read_rogorido(raw, resolver, collector, report)

    all_places = places + sorted(resolver.other_places.values(), key=lambda p: p.external_id)
    by_id = {place.external_id: place for place in all_places}
    clique_networks, clique_members = networks.extract_cliques(
        collector.pairs, index, by_id, report
    )
    region_networks, region_members = networks.statistical_regions(places, report, czech_regions)
    covenant_networks, covenant_members = networks.covenant(raw, index, covered, report)

    municipalities.assign_slugs(all_places)
    network_list = clique_networks + region_networks + covenant_networks
    taken: set[str] = set()
    for network in network_list:
        network.slug = unique_slug(network.name, taken, network.code, max_length=100)

    out.mkdir(parents=True, exist_ok=True)
    pairs = list(collector.pairs.values())
    membership_list = _unique_memberships(clique_members + region_members + covenant_members)
    _count(report, places, all_places, pairs, by_id, names, network_list, membership_list)
    _write(
        out, report, all_places, names, pairs, network_list, membership_list, country_names, covered
    )
    if with_basemap:
        write_json_gz(out / "basemap.json.gz", basemap.build_basemap(raw, report))
    (out / "LICENSES.md").write_text(licences_markdown(), encoding="utf-8")
    text = report.render()
    (out / "build-report.txt").write_text(text, encoding="utf-8")
    build_info = {
        "built_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "raw_files": _raw_files(raw),
        "report": report.as_dict(),
    }
    (out / "build.json").write_text(
        json.dumps(build_info, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    return report


def _unique_memberships(memberships: list[networks.Membership]) -> list[networks.Membership]:
    seen: dict[tuple[str, str], networks.Membership] = {}
    for membership in memberships:
        seen.setdefault((membership.network, membership.municipality), membership)
    return list(seen.values())


def _count(report, places, all_places, pairs, by_id, names, network_list, membership_list):
    municipalities_by_country = Counter(p.country for p in places if p.kind == "municipality")
    parts_by_country = Counter(p.country for p in places if p.kind == "city_part")
    pairs_by_country: Counter = Counter()
    touched: dict[str, set[str]] = {}
    for pair in pairs:
        for country in {by_id[pair.a].country, by_id[pair.b].country}:
            pairs_by_country[country] += 1
        for end in (pair.a, pair.b):
            place = by_id[end]
            if place.kind != "other":
                touched.setdefault(place.country, set()).add(end)
    report.counts.update(
        {
            "places": len(all_places),
            "municipalities (LAU, incl. whole cities)": sum(municipalities_by_country.values()),
            "city parts": sum(parts_by_country.values()),
            "other places (partners outside LAU)": sum(p.kind == "other" for p in all_places),
            "other names": len(names),
            "partnerships": len(pairs),
            "partnerships in both lists": sum(len(pair.sources) > 1 for pair in pairs),
            "networks": len(network_list),
            "memberships": len(membership_list),
            "municipalities by country": dict(sorted(municipalities_by_country.items())),
            "city parts by country": dict(sorted(parts_by_country.items())),
            "partnerships touching a country": dict(sorted(pairs_by_country.items())),
            "atlas municipalities with a partnership, by country": {
                country: len(ids) for country, ids in sorted(touched.items())
            },
        }
    )


def _write(
    out, report, all_places, names, pairs, network_list, membership_list, country_names, covered
):
    write_csv_gz(
        out / "sources.csv.gz",
        ["key", "name", "url", "licence", "licence_url", "attribution", "description", "retrieved"],
        [
            (
                s.key,
                s.name,
                s.url,
                s.licence,
                s.licence_url,
                s.attribution,
                s.description,
                s.retrieved,
            )
            for s in SOURCES
        ],
    )
    referenced = {place.country for place in all_places}
    for network in network_list:
        referenced |= network.countries
    unknown = sorted(code for code in referenced if code not in country_names)
    if unknown:
        report.note(f"countries without a GeoNames name: {', '.join(unknown)}")
    write_csv_gz(
        out / "countries.csv.gz",
        ["code", "name_en", "eu_member", "covered"],
        [
            (code, country_names.get(code, code), code in EU_MEMBERS, code in covered)
            for code in referenced
        ],
    )
    write_csv_gz(
        out / "municipalities.csv.gz",
        [
            "external_id",
            "slug",
            "name",
            "country",
            "kind",
            "parent",
            "lau_code",
            "nuts3",
            "population",
            "latitude",
            "longitude",
            "website",
            "source",
        ],
        [
            (
                p.external_id,
                p.slug,
                p.name,
                p.country,
                p.kind,
                p.parent,
                p.lau_code,
                p.nuts3,
                p.population,
                p.latitude,
                p.longitude,
                p.website,
                p.source,
            )
            for p in all_places
        ],
    )
    write_csv_gz(out / "names.csv.gz", ["municipality", "name", "language", "source"], names)
    write_csv_gz(
        out / "partnerships.csv.gz",
        [
            "external_id",
            "a",
            "b",
            "kind",
            "status",
            "start_year",
            "start_date",
            "end_year",
            "end_date",
            "themes",
            "sources",
            "notes",
        ],
        [
            (
                pair.external_id,
                pair.a,
                pair.b,
                pair.kind,
                "unknown",
                None,
                None,
                None,
                None,
                None,
                pair.sources,
                "",
            )
            for pair in pairs
        ],
    )
    write_csv_gz(
        out / "networks.csv.gz",
        [
            "external_id",
            "slug",
            "name",
            "name_en",
            "acronym",
            "kind",
            "code",
            "founded",
            "website",
            "description",
            "stated_member_count",
            "countries",
            "parent",
            "source",
        ],
        [
            (
                n.external_id,
                n.slug,
                n.name,
                n.name_en,
                n.acronym,
                n.kind,
                n.code,
                n.founded,
                n.website,
                n.description,
                n.stated_member_count,
                n.countries,
                n.parent,
                n.source,
            )
            for n in network_list
        ],
    )
    write_csv_gz(
        out / "memberships.csv.gz",
        ["network", "municipality", "role", "start_year", "end_year", "source"],
        [
            (m.network, m.municipality, m.role, m.start_year, m.end_year, m.source)
            for m in membership_list
        ],
    )


def _raw_files(raw: Path) -> list[dict]:
    """Every raw file with its size and SHA-256, paths relative to the raw folder."""
    files = []
    for path in sorted(raw.rglob("*")):
        if path.is_file():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            files.append(
                {
                    "path": path.relative_to(raw).as_posix(),
                    "bytes": path.stat().st_size,
                    "sha256": digest,
                }
            )
    return files


__all__ = ["OUTPUT_FILES", "Place", "build"]
