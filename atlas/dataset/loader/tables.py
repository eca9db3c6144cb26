"""What the loader writes, table by table: the stable key each record is matched on and
the columns compared and written, all expressed with stable ids (a source's key, a
municipality's external id) rather than database ids, so that the wanted state can be
compared with the database before anything is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models

from atlas.directory.models import (
    Country,
    FundingProgramme,
    Membership,
    Municipality,
    MunicipalityName,
    Network,
    Partnership,
    Project,
    ProjectPartner,
    Source,
    Theme,
)


@dataclass(frozen=True)
class Column:
    """One compared value: `lookup` reads it from the database in stable-id terms,
    `field` is the model field written; `ref` names the table a stable id points into."""

    name: str
    lookup: str
    field: str
    ref: str | None = None


def col(name: str, ref: str | None = None, lookup: str | None = None) -> Column:
    if ref is None:
        return Column(name, lookup or name, name)
    return Column(name, lookup or f"{name}__{STABLE_ID[ref]}", name, ref)


@dataclass(frozen=True)
class Many:
    """A many-to-many set, written through its through table."""

    name: str
    ref: str


@dataclass(frozen=True)
class Table:
    name: str
    noun: str
    model: type[models.Model]
    key: tuple[Column, ...]
    columns: tuple[Column, ...]
    many: tuple[Many, ...] = ()
    unique: tuple[str, ...] = ()
    # The key is an unordered pair plus a kind: stored with the lower pk first.
    pair: bool = False

    def key_of(self, values: tuple) -> Any:
        if self.pair:
            a, b, kind = values
            return (*sorted((a, b)), kind)
        return values[0] if len(values) == 1 else tuple(values)


# The field other tables refer to a table by.
STABLE_ID = {
    "sources": "key",
    "countries": "code",
    "themes": "slug",
    "municipalities": "external_id",
    "networks": "external_id",
    "programmes": "slug",
    "projects": "external_id",
}

TABLES: tuple[Table, ...] = (
    Table(
        "sources",
        "source",
        Source,
        key=(col("key"),),
        columns=tuple(
            col(name)
            for name in (
                "name",
                "url",
                "licence",
                "licence_url",
                "attribution",
                "description",
                "retrieved",
            )
        ),
    ),
    Table(
        "countries",
        "country",
        Country,
        key=(col("code"),),
        columns=(col("name_en"), col("eu_member"), col("covered")),
    ),
    Table(
        "themes",
        "theme",
        Theme,
        key=(col("slug"),),
        columns=tuple(
            col(name)
            for name in ("name_en", "name_sl", "name_sk", "name_cs", "name_de", "position")
        ),
    ),
    Table(
        "municipalities",
        "municipality",
        Municipality,
        key=(col("external_id"),),
        columns=(
            col("slug"),
            col("name"),
            col("search_key"),
            col("country", "countries", lookup="country_id"),
            col("kind"),
            col("parent", "municipalities"),
            col("lau_code"),
            col("nuts3"),
            col("population"),
            col("latitude"),
            col("longitude"),
            col("website"),
            col("source", "sources"),
        ),
        unique=("slug",),
    ),
    Table(
        "names",
        "other name",
        MunicipalityName,
        key=(col("municipality", "municipalities"), col("name"), col("language")),
        columns=(col("search_key"), col("source", "sources")),
    ),
    Table(
        "networks",
        "network",
        Network,
        key=(col("external_id"),),
        columns=(
            col("slug"),
            col("name"),
            col("name_en"),
            col("acronym"),
            col("kind"),
            col("code"),
            col("founded"),
            col("website"),
            col("description"),
            col("stated_member_count"),
            col("parent", "networks"),
            col("source", "sources"),
        ),
        many=(Many("countries", "countries"),),
        unique=("slug",),
    ),
    Table(
        "memberships",
        "membership",
        Membership,
        key=(col("network", "networks"), col("municipality", "municipalities")),
        columns=(col("role"), col("start_year"), col("end_year"), col("source", "sources")),
    ),
    Table(
        "partnerships",
        "partnership",
        Partnership,
        key=(
            Column("a", "municipality_a__external_id", "municipality_a", "municipalities"),
            Column("b", "municipality_b__external_id", "municipality_b", "municipalities"),
            col("kind"),
        ),
        columns=(
            col("external_id"),
            col("status"),
            col("start_year"),
            col("start_date"),
            col("end_year"),
            col("end_date"),
            col("notes"),
        ),
        many=(Many("sources", "sources"), Many("themes", "themes")),
        unique=("external_id",),
        pair=True,
    ),
    Table(
        "programmes",
        "funding programme",
        FundingProgramme,
        key=(col("slug"),),
        columns=tuple(col(name) for name in ("name", "funder", "period", "website", "description")),
    ),
    Table(
        "projects",
        "project",
        Project,
        key=(col("external_id"),),
        columns=(
            col("slug"),
            col("title"),
            col("acronym"),
            col("programme", "programmes"),
            col("funded_by", "networks"),
            col("start_date"),
            col("end_date"),
            col("budget_eur"),
            col("description"),
            col("website"),
            col("source", "sources"),
        ),
        many=(Many("themes", "themes"),),
        unique=("slug",),
    ),
    Table(
        "project_partners",
        "project partner",
        ProjectPartner,
        key=(
            col("project", "projects"),
            col("municipality", "municipalities"),
            col("network", "networks"),
        ),
        columns=(col("role"),),
    ),
)
TABLE = {table.name: table for table in TABLES}


@dataclass(slots=True)
class Record:
    """The wanted state of one row, in stable-id terms, and where it was stated."""

    values: dict[str, Any]
    file: str
    line: int | str = ""
    many: dict[str, set[str]] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return (
            f"{self.file}, {self.line}"
            if isinstance(self.line, str)
            else (f"{self.file}, line {self.line}")
        )
