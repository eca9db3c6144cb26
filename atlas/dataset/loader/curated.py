"""Hand-written facts from `data/curated/seeds.toml`, laid over the built files.

The TOML schema is documented at the top of the file itself and in docs/dataset.md. In
short: `[[sources]]`, `[[themes]]`, `[[networks]]` (with `members`), `[[partnerships]]`,
`[[names]]`, `[[programmes]]` and `[[projects]]` (with `partners`). Municipalities are
named `"CC:Name"` (or by stable id); networks by their `id`. A curated record with the
stable key of a built one enriches it: the values it gives win, lists are added to."""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from atlas.directory.models import (
    FundingProgramme,
    Membership,
    Municipality,
    MunicipalityName,
    Network,
    Partnership,
    Project,
    ProjectPartner,
    Theme,
)
from atlas.lib.text import fold

from .dataset import Dataset, display_path, source_values
from .fields import Fields, RowError, max_length, model_field
from .tables import TABLE, Record, Table

STABLE_PREFIXES = ("lau:", "city:", "gn:", "list:")

SECTIONS: dict[str, set[str]] = {
    "sources": {
        "key", "name", "url", "licence", "licence_url", "attribution", "description",
        "retrieved",
    },
    "themes": {"slug", "en", "sl", "sk", "cs", "de"},
    "networks": {
        "id", "slug", "name", "name_en", "acronym", "kind", "code", "founded", "website",
        "description", "stated_member_count", "countries", "parent", "source", "members",
        "same_as", "top_level",
    },
    "names": {"municipality", "name", "language", "source"},
    "partnerships": {
        "a", "b", "kind", "status", "start_year", "start_date", "end_year", "end_date",
        "themes", "sources", "notes",
    },
    "programmes": {"slug", "name", "funder", "period", "website", "description"},
    "projects": {
        "id", "slug", "title", "acronym", "programme", "funded_by", "start_date", "end_date",
        "budget_eur", "description", "website", "themes", "source", "partners",
    },
}  # fmt: skip
MEMBER_KEYS = {"municipality", "role", "start_year", "end_year", "source"}
PARTNER_KEYS = {"partner", "role"}


def blank_values(table: Table) -> dict[str, Any]:
    """The values of a new row before anything is said: the model's defaults."""
    values: dict[str, Any] = {}
    for column in (*table.key, *table.columns):
        field = model_field(table.model, column.field)
        if field.has_default():
            values[column.name] = field.get_default()
        else:
            values[column.name] = None if field.null else ""
    return values


class Places:
    """Finds a municipality from `"CC:Name"`: the exact name within the country, then the
    folded name, then a folded part of a bilingual name ("Koper/Capodistria"), then a
    folded other name. Built from the records read and the rows already stored."""

    def __init__(self, data: Dataset):
        self.data = data
        # Filled on first use, once all the built records are in.
        self.indexed = False
        self.country_of: dict[str, str] = {}
        self.by_name: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.by_fold: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.by_part: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.by_other: dict[tuple[str, str], set[str]] = defaultdict(set)

    def _index(self) -> None:
        self.indexed = True
        places = {
            external_id: (country, name)
            for external_id, country, name in Municipality.objects.order_by().values_list(
                "external_id", "country_id", "name"
            )
        }
        for external_id, record in self.data.records["municipalities"].items():
            places[external_id] = (record.values["country"], record.values["name"])
        self.country_of = {external_id: country for external_id, (country, _) in places.items()}
        for external_id, (country, name) in places.items():
            self.by_name[country, name].append(external_id)
            self.by_fold[country, fold(name)].append(external_id)
            if "/" in name:
                for part in name.split("/"):
                    self.by_part[country, fold(part)].append(external_id)
        for (external_id, name, _), _record in self.data.records["names"].items():
            if home := self.country_of.get(external_id):
                self.by_other[home, fold(name)].add(external_id)

    def find(self, reference: str) -> str:
        if reference.startswith(STABLE_PREFIXES):
            if not self.indexed:
                self._index()
            if reference not in self.country_of:
                raise RowError(f"unknown municipality {reference!r}")
            return reference
        country, separator, name = reference.partition(":")
        if not separator or len(country) != 2 or not country.isupper() or not name.strip():
            raise RowError(f"{reference!r} is not a municipality reference like 'SI:Kamnik'")
        if not self.indexed:
            self._index()
        name = name.strip()
        for index, key in (
            (self.by_name, (country, name)),
            (self.by_fold, (country, fold(name))),
            (self.by_part, (country, fold(name))),
            (self.by_other, (country, fold(name))),
        ):
            found = sorted(set(index.get(key, ())))
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise RowError(
                    f"municipality {reference!r} is ambiguous ({', '.join(found)}); "
                    "use one of these stable ids instead"
                )
        raise RowError(f"unknown municipality {reference!r}")


def read_curated(path: Path, data: Dataset) -> None:
    """Lay the curated facts of `path` over `data`, collecting the problems."""
    label = display_path(path)
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError:
        data.error(label, "file not found")
        return
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        data.error(label, f"not valid TOML ({error})")
        return
    for section in document:
        if section not in SECTIONS:
            data.error(label, f"unknown section [[{section}]]")
    Curated(label, document, data).apply()


class Curated:
    def __init__(self, label: str, document: dict[str, Any], data: Dataset):
        self.label = label
        self.document = document
        self.data = data
        self.places = Places(data)
        # A curated network id -> the stable id it ended up under (a built region's).
        self.network_ids: dict[str, str] = {}
        # Members and parents may name networks listed further down: resolved last.
        self.deferred: list[tuple[dict[str, Any], Record]] = []

    def entries(self, section: str) -> Iterator[tuple[dict[str, Any], Fields, Record]]:
        entries = self.document.get(section, [])
        if not isinstance(entries, list):
            self.data.error(self.label, f"{section} must be written as [[{section}]] tables")
            return
        for number, entry in enumerate(entries, start=1):
            hint = ""
            if isinstance(entry, dict):
                hint = next(
                    (str(entry[k]) for k in ("id", "key", "slug", "name") if k in entry), ""
                )
                if section in ("partnerships",):
                    hint = f"{entry.get('a', '?')} - {entry.get('b', '?')}"
            record = Record(
                {}, self.label, f"[[{section}]] #{number}" + (f" ({hint})" if hint else "")
            )
            try:
                if not isinstance(entry, dict):
                    raise RowError("expected a table")
                unknown = sorted(set(entry) - SECTIONS[section])
                if unknown:
                    raise RowError(
                        f"unknown field {', '.join(unknown)} "
                        f"(expected some of {', '.join(sorted(SECTIONS[section]))})"
                    )
                yield entry, Fields(entry), record
            except RowError as error:
                self.data.error(record.where, str(error))

    def apply(self) -> None:
        for section, handler in (
            ("sources", self.source),
            ("themes", self.theme),
            ("networks", self.network),
            ("names", self.name),
            ("partnerships", self.partnership),
            ("programmes", self.programme),
            ("projects", self.project),
        ):
            for entry, fields, record in self.entries(section):
                try:
                    handler(entry, fields, record)
                except RowError as error:
                    self.data.error(record.where, str(error))
        for entry, record in self.deferred:
            try:
                self.members(entry, record)
            except RowError as error:
                self.data.error(record.where, str(error))

    # -- helpers ---------------------------------------------------------------------

    def overlay(
        self,
        table: str,
        key: Any,
        values: dict[str, Any],
        record: Record,
        defaults: dict[str, Any],
        many: dict[str, set[str]] | None = None,
    ) -> Record:
        """Lay `values` (None means "not said") over the built record with `key`, or over
        `defaults` for a new one. Sets are added to."""
        base = self.data.records[table].get(key)
        given = {name: value for name, value in values.items() if value not in (None, "")}
        if base is None:
            record.values = {**blank_values(TABLE[table]), **defaults, **given}
            record.many = {name: set(items) for name, items in (many or {}).items()}
            self.data.records[table][key] = record
            return record
        if base.file == self.label:
            raise RowError(f"the same {TABLE[table].noun} is already stated at {base.line}")
        base.values.update(given)
        for name, items in (many or {}).items():
            base.many[name] = base.many.get(name, set()) | set(items)
        base.file, base.line = record.file, record.line
        return base

    def network_id(self, reference: str) -> str:
        if not reference.startswith("net:"):
            raise RowError(f"{reference!r} is not a network id (net:…)")
        return self.network_ids.get(reference, reference)

    def ref(self, record: Record, table: str, value: str | None) -> None:
        self.data.ref(record, table, value)

    # -- sections --------------------------------------------------------------------

    def source(self, entry: dict[str, Any], f: Fields, record: Record) -> None:
        values = source_values(f)
        key = values.pop("key")
        self.overlay("sources", key, values, record, {"key": key})

    def theme(self, entry: dict[str, Any], f: Fields, record: Record) -> None:
        slug = f.slug("slug", required=True, limit=max_length(Theme, "slug"))
        values: dict[str, Any] = {
            f"name_{language}": f.text(language, required=True, limit=80)
            for language in ("en", "sl", "sk", "cs", "de")
        }
        values["position"] = len(self.data.records["themes"]) + 1
        self.overlay("themes", slug, values, record, {"slug": slug})

    def network(self, entry: dict[str, Any], f: Fields, record: Record) -> None:
        curated_id = f.text("id", required=True, limit=max_length(Network, "external_id"))
        if not curated_id.startswith("net:"):
            raise RowError(f"id {curated_id!r} must start with 'net:'")
        if curated_id in self.network_ids:
            raise RowError(f"network {curated_id!r} is listed twice")
        code = f.text("code", limit=max_length(Network, "code"))
        values = {
            "name": f.text("name", required=True, limit=max_length(Network, "name")),
            "name_en": f.text("name_en", limit=max_length(Network, "name_en")),
            "acronym": f.text("acronym", limit=max_length(Network, "acronym")),
            "kind": f.choice("kind", Network.Kind, required=True),
            "code": code,
            "founded": f.year("founded"),
            "website": f.url("website"),
            "description": f.text("description"),
            "stated_member_count": f.integer("stated_member_count", minimum=0),
            "parent": f.text("parent") or None,
        }
        slug = f.slug("slug", required=True, limit=max_length(Network, "slug"))
        source = f.text("source", required=True)
        countries = f.items("countries")
        for country in countries:
            Fields({"countries": country}).country("countries")
        # A network the built files already have (named by `same_as`, or a region matched
        # by its NUTS code) is enriched under its own id and slug; the curated id becomes
        # another name for it.
        external_id = curated_id
        same_as = f.text("same_as")
        if curated_id not in self.data.records["networks"]:
            if same_as in self.data.records["networks"]:
                external_id = same_as
            elif code:
                external_id = self.built_network_with_code(code) or curated_id
        self.network_ids[curated_id] = external_id
        defaults = {"external_id": external_id, "slug": slug, "source": source}
        merged = self.overlay(
            "networks", external_id, values, record, defaults, {"countries": set(countries)}
        )
        if entry.get("top_level") is True:
            # An independent network that the built files list as part of another (the
            # Alliance in the Alps as a Covenant of Mayors supporter) stands on its own.
            merged.values["parent"] = None
        self.ref(merged, "sources", merged.values["source"])
        for country in countries:
            self.ref(merged, "countries", country)
        self.deferred.append((entry, merged))

    def built_network_with_code(self, code: str) -> str | None:
        found = [
            external_id
            for external_id, record in self.data.records["networks"].items()
            if record.values.get("code") == code and record.file != self.label
        ]
        if not found:
            found = list(Network.objects.filter(code=code).values_list("external_id", flat=True))
        if len(found) > 1:
            raise RowError(f"code {code!r} matches several networks ({', '.join(found)})")
        return found[0] if found else None

    def members(self, entry: dict[str, Any], network: Record) -> None:
        if parent := entry.get("parent"):
            network.values["parent"] = self.network_id(parent)
            self.ref(network, "networks", network.values["parent"])
        members = entry.get("members", [])
        if not isinstance(members, list):
            raise RowError("members must be a list")
        external_id = network.values["external_id"]
        for member in members:
            if isinstance(member, str):
                member = {"municipality": member}
            if not isinstance(member, dict) or set(member) - MEMBER_KEYS:
                raise RowError(
                    f"a member is 'CC:Name' or a table with {', '.join(sorted(MEMBER_KEYS))}, "
                    f"not {member!r}"
                )
            f = Fields(member)
            municipality = self.places.find(f.text("municipality", required=True))
            values = {
                "role": f.choice("role", Membership.Role) or None,
                "start_year": f.year("start_year"),
                "end_year": f.year("end_year"),
            }
            source = f.text("source") or entry.get("source")
            record = Record({}, self.label, f"{network.line}, member {member['municipality']}")
            merged = self.overlay(
                "memberships",
                (external_id, municipality),
                values,
                record,
                {"network": external_id, "municipality": municipality, "source": source},
            )
            start, end = merged.values["start_year"], merged.values["end_year"]
            if start and end and end < start:
                raise RowError(f"member {member['municipality']}: ends before it starts")
            self.ref(merged, "sources", merged.values["source"])

    def name(self, entry: dict[str, Any], f: Fields, record: Record) -> None:
        municipality = self.places.find(f.text("municipality", required=True))
        name = f.text("name", required=True, limit=max_length(Municipality, "name"))
        language = f.text("language", limit=max_length(MunicipalityName, "language"))
        source = f.text("source", required=True)
        key = (municipality, name, language)
        merged = self.overlay(
            "names",
            key,
            {},
            record,
            {
                "municipality": municipality,
                "name": name,
                "language": language,
                "search_key": fold(name)[: max_length(MunicipalityName, "search_key")],
                "source": source,
            },
        )
        self.ref(merged, "sources", merged.values["source"])

    def partnership(self, entry: dict[str, Any], f: Fields, record: Record) -> None:
        a = self.places.find(f.text("a", required=True))
        b = self.places.find(f.text("b", required=True))
        if a == b:
            raise RowError("a partnership needs two different municipalities")
        a, b = sorted((a, b))
        kind = f.choice("kind", Partnership.Kind, Partnership.Kind.TWINNING)
        values: dict[str, Any] = {
            "status": f.choice("status", Partnership.Status) or None,
            "start_year": f.year("start_year"),
            "start_date": f.date("start_date"),
            "end_year": f.year("end_year"),
            "end_date": f.date("end_date"),
            "notes": f.text("notes"),
        }
        if values["start_date"] and not values["start_year"]:
            values["start_year"] = values["start_date"].year
        sources, themes = f.items("sources"), f.items("themes")
        if not sources:
            raise RowError("sources is required: say which document states it")
        merged = self.overlay(
            "partnerships",
            (a, b, kind),
            values,
            record,
            # Named the way the pipeline names pairs, in case it finds this one later.
            {"a": a, "b": b, "kind": kind, "external_id": f"pair:{a}~{b}~{kind}"},
            {"sources": set(sources), "themes": set(themes)},
        )
        start, end = merged.values["start_year"], merged.values["end_year"]
        if start and end and end < start:
            raise RowError(f"end_year {end} is before start_year {start}")
        for key in sources:
            self.ref(merged, "sources", key)
        for slug in themes:
            self.ref(merged, "themes", slug)

    def programme(self, entry: dict[str, Any], f: Fields, record: Record) -> None:
        slug = f.slug("slug", required=True, limit=max_length(FundingProgramme, "slug"))
        values = {
            "name": f.text("name", required=True, limit=max_length(FundingProgramme, "name")),
            "funder": f.text("funder", limit=max_length(FundingProgramme, "funder")),
            "period": f.text("period", limit=max_length(FundingProgramme, "period")),
            "website": f.url("website"),
            "description": f.text("description"),
        }
        self.overlay(
            "programmes",
            slug,
            values,
            record,
            {"slug": slug},
        )

    def project(self, entry: dict[str, Any], f: Fields, record: Record) -> None:
        external_id = f.text("id", required=True, limit=max_length(Project, "external_id"))
        if not external_id.startswith("project:"):
            raise RowError(f"id {external_id!r} must start with 'project:'")
        funded_by = f.text("funded_by")
        values: dict[str, Any] = {
            "slug": f.slug("slug", required=True, limit=max_length(Project, "slug")),
            "title": f.text("title", required=True, limit=max_length(Project, "title")),
            "acronym": f.text("acronym", limit=max_length(Project, "acronym")),
            "programme": f.text("programme") or None,
            "funded_by": self.network_id(funded_by) if funded_by else None,
            "start_date": f.date("start_date"),
            "end_date": f.date("end_date"),
            "budget_eur": f.decimal("budget_eur"),
            "description": f.text("description"),
            "website": f.url("website"),
            "source": f.text("source", required=True),
        }
        if (
            values["start_date"]
            and values["end_date"]
            and values["end_date"] < values["start_date"]
        ):
            raise RowError("end_date is before start_date")
        themes = f.items("themes")
        merged = self.overlay(
            "projects",
            external_id,
            values,
            record,
            {"external_id": external_id},
            {"themes": set(themes)},
        )
        self.ref(merged, "sources", values["source"])
        self.ref(merged, "programmes", values["programme"])
        self.ref(merged, "networks", values["funded_by"])
        for slug in themes:
            self.ref(merged, "themes", slug)
        partners = entry.get("partners", [])
        if not isinstance(partners, list):
            raise RowError("partners must be a list")
        for partner in partners:
            if isinstance(partner, str):
                partner = {"partner": partner}
            if (
                not isinstance(partner, dict)
                or set(partner) - PARTNER_KEYS
                or "partner" not in partner
            ):
                raise RowError(
                    "a partner is 'CC:Name', 'net:…' or a table with partner and role, "
                    f"not {partner!r}"
                )
            pf = Fields(partner)
            name = pf.text("partner", required=True)
            role = pf.choice("role", ProjectPartner.Role, ProjectPartner.Role.PARTNER)
            if name.startswith("net:"):
                municipality, network = None, self.network_id(name)
            else:
                municipality, network = self.places.find(name), None
            partner_record = Record({}, self.label, f"{record.line}, partner {name}")
            self.overlay(
                "project_partners",
                (external_id, municipality, network),
                {"role": role},
                partner_record,
                {"project": external_id, "municipality": municipality, "network": network},
            )
            self.ref(partner_record, "networks", network)
