"""The raw sources, their licences and the attribution the site must show."""

from dataclasses import dataclass

CC_BY = ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/")


@dataclass(frozen=True)
class Source:
    key: str
    name: str
    url: str
    licence: str
    licence_url: str
    attribution: str
    description: str
    retrieved: str  # ISO date when known, else empty
    files: str


SOURCES = (
    Source(
        key="eurostat-lau-2020",
        name=(
            "Eurostat LAU 2020 municipalities with NUTS 2021 codes and population-weighted centres"
        ),
        url="https://github.com/EDJNet/lau_centres",
        licence="CC BY 4.0 (Eurostat); EuroGeographics and JRC terms",
        licence_url=CC_BY[1],
        attribution=(
            "© European Union, Eurostat (LAU and NUTS codes, population), CC BY 4.0; "
            "© EuroGeographics for the administrative boundaries; population grid 2018 "
            "© European Commission, Joint Research Centre (JRC); centres computed by EDJNet "
            "(lau_centres). Check the EuroGeographics terms before commercial use."
        ),
        description=(
            "Local administrative units (LAU 2020) of 33 European countries (not France) "
            "with NUTS 3 code, population 2018 and population-weighted centre."
        ),
        retrieved="",
        files="municipalities/edjnet_lau_centres/",
    ),
    Source(
        key="gurs-rpe",
        name="Register prostorskih enot (RPE): občine",
        url="https://github.com/stefanb/gurs-rpe",
        licence=CC_BY[0],
        licence_url=CC_BY[1],
        attribution="© Geodetska uprava Republike Slovenije (GURS), CC BY 4.0",
        description="The official register of Slovenia's 212 municipalities and their types.",
        retrieved="2026-07-19",
        files="municipalities/si_gurs_rpe/",
    ),
    Source(
        key="ruian-souradnice-mest",
        name="Souřadnice měst a obcí ČR (RÚIAN codes, 2018)",
        url="https://github.com/33bcdd/souradnice-mest",
        licence="free to use, no formal licence",
        licence_url="",
        attribution="souradnice-mest by 33bcdd; municipality codes from RÚIAN (ČÚZK)",
        description=(
            "Czech municipalities with RÚIAN code and region; used only to cross-check the "
            "Czech LAU codes and region names, nothing of it is published."
        ),
        retrieved="",
        files="municipalities/cz_souradnice_mest/",
    ),
    Source(
        key="pycountry-iso3166-2",
        name="ISO 3166-2 subdivisions (pycountry / Debian iso-codes)",
        url="https://pypi.org/project/pycountry/",
        licence="LGPL-2.1",
        licence_url="https://www.gnu.org/licenses/old-licenses/lgpl-2.1.html",
        attribution="Debian iso-codes, via pycountry, LGPL-2.1",
        description="Subdivision codes and names; consulted, nothing of it is published.",
        retrieved="2026-02-16",
        files="municipalities/pycountry_iso3166_2/",
    ),
    Source(
        key="geonames",
        name="GeoNames cities500 (Europe) with alternate names",
        url="https://www.geonames.org/",
        licence=CC_BY[0],
        licence_url=CC_BY[1],
        attribution="GeoNames, geonames.org, CC BY 4.0",
        description=(
            "Populated places of Europe with alternate names: other names and exonyms of "
            "municipalities, and partner places outside the LAU countries."
        ),
        retrieved="",
        files="gazetteer/geonames_cities500_europe/",
    ),
    Source(
        key="wikipedia-twin-towns",
        name='Wikipedia "List of twin towns and sister cities in …" (scraped by Hekman/twincities)',
        url="https://github.com/Hekman/twincities",
        licence="CC BY-SA 4.0 (pairs); ODbL 1.0 (part of the coordinates)",
        licence_url="https://creativecommons.org/licenses/by-sa/4.0/",
        attribution=(
            "Twin town pairs from English Wikipedia, Wikipedia contributors, CC BY-SA 4.0; "
            "part of the coordinates © OpenStreetMap contributors, ODbL 1.0"
        ),
        description=(
            "Twin town and sister city pairs from 81 Wikipedia country lists, geocoded "
            "through the Wikipedia API and OpenStreetMap Nominatim."
        ),
        retrieved="",
        files="twinning/hekman_twincities/",
    ),
    Source(
        key="wikidata-p190-2017",
        name="Wikidata P190 twinned administrative bodies of EU cities (2017)",
        url="https://github.com/rogorido/sistercities",
        licence="CC0 1.0",
        licence_url="https://creativecommons.org/publicdomain/zero/1.0/",
        attribution="Wikidata, CC0 (query results by rogorido/sistercities, 2017)",
        description="Twinning statements (P190) of cities in 25 EU countries, May-July 2017.",
        retrieved="",
        files="twinning/rogorido_sistercities/",
    ),
    Source(
        key="gcom-mycovenant-2024",
        name="Global Covenant of Mayors - MyCovenant 2024",
        url="https://data.jrc.ec.europa.eu/",
        licence=CC_BY[0],
        licence_url=CC_BY[1],
        attribution="Global Covenant of Mayors - MyCovenant 2024, European Commission JRC",
        description=(
            "Covenant of Mayors signatories with their coordinating and supporting bodies and "
            "year of adhesion (5th release, January 2024), © European Union (JRC)."
        ),
        retrieved="",
        files="networks/gcom_mycovenant_2024/",
    ),
    Source(
        key="natural-earth",
        name="Natural Earth 4.1.0 admin-0 countries (world-atlas 2.0.2 TopoJSON)",
        url="https://www.naturalearthdata.com/",
        licence="Public domain",
        licence_url="https://www.naturalearthdata.com/about/terms-of-use/",
        attribution="Made with Natural Earth (public domain)",
        description="Country outlines at 1:50m for the static maps (data/basemap.json.gz).",
        retrieved="",
        files="basemap/world_atlas/",
    ),
)


DERIVED_FROM = (
    (
        "municipalities.csv.gz",
        "eurostat-lau-2020, geonames, wikipedia-twin-towns, wikidata-p190-2017",
    ),
    ("names.csv.gz", "geonames, gurs-rpe"),
    ("partnerships.csv.gz", "wikipedia-twin-towns (CC BY-SA 4.0 as a whole), wikidata-p190-2017"),
    ("networks.csv.gz", "eurostat-lau-2020, wikipedia-twin-towns, gcom-mycovenant-2024"),
    ("memberships.csv.gz", "eurostat-lau-2020, wikipedia-twin-towns, gcom-mycovenant-2024"),
    ("basemap.json.gz", "natural-earth"),
)


def licences_markdown() -> str:
    """data/LICENSES.md: each source, its licence and the attribution to show."""
    lines = [
        "# Licences of the built dataset",
        "",
        "The files in `data/` are built by `python manage.py build_dataset` from the raw open",
        "data listed below. Show the attribution of every source whose facts a page displays;",
        "the site's sources page lists them all.",
        "",
        "**`partnerships.csv.gz` is licensed CC BY-SA 4.0 as a whole**: its pairs are derived",
        "from Wikipedia's lists of twin towns (CC BY-SA 4.0, Wikipedia contributors), so any",
        "redistribution of it must be share-alike and attribute Wikipedia. Pairs that come",
        "only from Wikidata are CC0. Coordinates of places known only from the lists are",
        "partly from OpenStreetMap (ODbL 1.0, © OpenStreetMap contributors).",
        "",
        "| file | derived from |",
        "|---|---|",
        *(f"| `{name}` | {derived} |" for name, derived in DERIVED_FROM),
        "",
    ]
    for source in SOURCES:
        lines += [
            f"## {source.name}",
            "",
            f"- key: `{source.key}`",
            f"- origin: {source.url} (raw folder `{source.files}`)",
            f"- licence: {source.licence}"
            + (f" <{source.licence_url}>" if source.licence_url else ""),
            f"- attribution: {source.attribution}",
            "",
        ]
    return "\n".join(lines)
