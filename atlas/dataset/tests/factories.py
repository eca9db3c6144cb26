"""Small hand-made data sets for the loader tests: gzip CSVs in the format of
docs/dataset.md, a tiny curated TOML, and a snapshot of everything the loader writes."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path
from typing import Any

from atlas.dataset.loader.dataset import FILES
from atlas.dataset.loader.sync import through_model
from atlas.dataset.loader.tables import TABLES

COLUMNS = {
    "sources.csv.gz": (
        "key", "name", "url", "licence", "licence_url", "attribution", "description", "retrieved",
    ),
    "countries.csv.gz": ("code", "name_en", "eu_member", "covered"),
    **{filename: columns for filename, columns, _ in FILES if filename not in (
        "sources.csv.gz", "countries.csv.gz")},
}  # fmt: skip


def source(key: str, **values: Any) -> dict[str, Any]:
    return {"key": key, "name": key.title(), "licence": "CC BY 4.0", **values}


def country(code: str, name: str, eu: bool = True) -> dict[str, Any]:
    return {"code": code, "name_en": name, "eu_member": int(eu), "covered": 0}


def place(external_id: str, name: str, country: str, **values: Any) -> dict[str, Any]:
    slug = values.pop("slug", name.lower().replace(" ", "-"))
    return {
        "external_id": external_id,
        "slug": slug,
        "name": name,
        "country": country,
        "kind": "municipality",
        "source": "lau",
        **values,
    }


def pair(a: str, b: str, **values: Any) -> dict[str, Any]:
    kind = values.get("kind", "twinning")
    return {
        "external_id": f"pair:{min(a, b)}~{max(a, b)}~{kind}",
        "a": a,
        "b": b,
        "kind": kind,
        "status": "unknown",
        "sources": "wiki",
        **values,
    }


def small_dataset() -> dict[str, list[dict[str, Any]]]:
    """Kamnik and Kranj with their partners, as the twinning lists give them."""
    return {
        "sources.csv.gz": [source("lau"), source("wiki", licence="CC BY-SA 4.0")],
        "countries.csv.gz": [
            country("AT", "Austria"),
            country("DE", "Germany"),
            country("SI", "Slovenia"),
        ],
        "municipalities.csv.gz": [
            place("lau:AT_20201", "Villach", "AT", latitude=46.61325, longitude=13.84819),
            place("lau:AT_61120", "Trofaiach", "AT", population=11119),
            place("lau:DE_09188117", "Andechs", "DE"),
            place("lau:SI_043", "Kamnik", "SI", nuts3="SI041", population=29925),
            place("lau:SI_052", "Kranj", "SI", nuts3="SI042"),
        ],
        "names.csv.gz": [
            {"municipality": "lau:SI_052", "name": "Mestna občina Kranj", "source": "lau"},
        ],
        "networks.csv.gz": [
            {
                "external_id": "net:nuts:SI041",
                "slug": "osrednjeslovenska",
                "name": "Osrednjeslovenska",
                "kind": "statistical_region",
                "code": "SI041",
                "countries": "SI",
                "source": "lau",
            },
        ],
        "memberships.csv.gz": [
            {"network": "net:nuts:SI041", "municipality": "lau:SI_043", "source": "lau"},
        ],
        "partnerships.csv.gz": [
            pair("lau:AT_61120", "lau:SI_043"),
            pair("lau:DE_09188117", "lau:SI_043"),
        ],
    }


def write_dataset(folder: Path, tables: dict[str, list[dict[str, Any]]]) -> Path:
    """Write each table as a gzip CSV with the full header of its file."""
    folder.mkdir(parents=True, exist_ok=True)
    for filename, rows in tables.items():
        columns = COLUMNS[filename]
        with gzip.open(folder / filename, "wt", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return folder


CURATED = """\
[[sources]]
key = "seed-kamnik"
name = "Občina Kamnik — Regionalno in mednarodno mreženje"
licence = "Facts from a public document"

[[themes]]
slug = "culture"
en = "Culture"
sl = "Kultura"
sk = "Kultúra"
cs = "Kultura"
de = "Kultur"

[[themes]]
slug = "sport"
en = "Sport"
sl = "Šport"
sk = "Šport"
cs = "Sport"
de = "Sport"

[[networks]]
id = "net:nuts:SI041"
code = "SI041"
slug = "osrednjeslovenska"
name = "Osrednjeslovenska statistična regija"
kind = "statistical_region"
stated_member_count = 26
source = "seed-kamnik"
members = ["SI:Kamnik"]

[[networks]]
id = "net:historic-towns-si"
slug = "zdruzenje-zgodovinskih-mest-slovenije"
name = "Združenje zgodovinskih mest Slovenije"
kind = "association"
founded = 2001
countries = ["SI"]
source = "seed-kamnik"
members = ["SI:Kamnik", { municipality = "SI:kranj", role = "founder" }]

[[partnerships]]
a = "SI:Kamnik"
b = "AT:Trofaiach"
status = "active"
start_year = 1999
themes = ["culture", "sport"]
sources = ["seed-kamnik"]

[[names]]
municipality = "AT:Villach"
name = "Beljak"
language = "sl"
source = "seed-kamnik"

[[programmes]]
slug = "europe-for-citizens-2007-2013"
name = "Europe for Citizens 2007-2013"
funder = "European Commission"

[[projects]]
id = "project:eko-trznica"
slug = "eko-trznica"
title = "Eko tržnica"
funded_by = "net:historic-towns-si"
programme = "europe-for-citizens-2007-2013"
start_date = 2011-02-01
end_date = 2012-04-30
themes = ["culture"]
source = "seed-kamnik"
partners = [{ partner = "SI:Kamnik", role = "lead" }, "net:nuts:SI041"]
"""


def write_curated(path: Path, text: str = CURATED) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def snapshot() -> dict[str, list[tuple]]:
    """Every row the loader can write, including many-to-many links, for before/after."""
    result = {}
    for table in TABLES:
        model = table.model
        result[table.name] = list(model._default_manager.order_by("pk").values_list())
        for many in table.many:
            through, _, _ = through_model(table, many.name)
            rows = through._default_manager.order_by("pk").values_list()
            result[f"{table.name}.{many.name}"] = list(rows)
    return result
