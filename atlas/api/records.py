"""How the atlas's records look in the API's answers: plain dicts in the shapes of
`atlas.api.schemas`, with links to the site's page and to the API's own address of each.

A `Context` is made per request: it knows the absolute address of the site and keeps the
sources of the records it wrote, for the answer's attribution."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from atlas.board.models import Entry
from atlas.directory.models import (
    Activity,
    FundingProgramme,
    Membership,
    Municipality,
    MunicipalityProfile,
    Network,
    Partnership,
    Project,
    ProjectPartner,
    Source,
)
from atlas.exports.licence import LICENCE, LICENCE_URL

# A value no slug or id has, put in an address once and replaced for each record: one
# `reverse` per kind of address instead of one per record.
PLACEHOLDER = "31415926535897"


class Context:
    def __init__(self, request: HttpRequest) -> None:
        self.root = request.build_absolute_uri("/").rstrip("/")
        self._templates: dict[str, str] = {}
        self.sources: dict[int, Source] = {}

    def link(self, name: str, key: object) -> str:
        """The absolute address of URL `name` with one argument (a slug or an id)."""
        template = self._templates.get(name)
        if template is None:
            template = self._templates[name] = self.root + reverse(name, args=[PLACEHOLDER])
        return template.replace(PLACEHOLDER, str(key))

    def address(self, name: str) -> str:
        return self.root + reverse(name)

    # --- Licence and attribution ------------------------------------------------------------

    def source(self, source: Source) -> dict[str, Any]:
        self.sources[source.pk] = source
        return {
            "key": source.key,
            "name": source.name,
            "licence": source.licence,
            "licence_url": source.licence_url,
        }

    def credits(self, sources: list[Source] | None = None) -> dict[str, Any]:
        """The answer's licence and attribution: the attributions of the sources of its
        records (or of `sources`), as the exports give them."""
        used = sources if sources is not None else list(self.sources.values())
        names = sorted({(source.name, source.attribution) for source in used})
        return {
            "license": {"name": LICENCE, "url": LICENCE_URL},
            "attribution": "; ".join(
                (attribution or name).rstrip(". ") for name, attribution in names
            ),
        }

    # --- References -------------------------------------------------------------------------

    def municipality_ref(self, place: Municipality) -> dict[str, Any]:
        return {
            "id": place.pk,
            "slug": place.slug,
            "name": place.name,
            "country": place.country_id,
            "latitude": place.latitude,
            "longitude": place.longitude,
            "url": self.link("municipality", place.slug),
            "api_url": self.link("api:municipality", place.slug),
        }

    def network_ref(self, network: Network) -> dict[str, Any]:
        return {
            "id": network.pk,
            "slug": network.slug,
            "name": network.name,
            "kind": network.kind,
            "url": self.link("network", network.slug),
            "api_url": self.link("api:network", network.slug),
        }

    def project_ref(self, project: Project) -> dict[str, Any]:
        return {
            "id": project.pk,
            "slug": project.slug,
            "title": project.title,
            "url": self.link("project", project.slug),
            "api_url": self.link("api:project", project.slug),
        }

    def programme_ref(self, programme: FundingProgramme | None) -> dict[str, Any] | None:
        if programme is None:
            return None
        return {
            "slug": programme.slug,
            "name": programme.name,
            "funder": programme.funder,
            "period": programme.period,
        }

    # --- Records ----------------------------------------------------------------------------

    def municipality(self, place: Municipality) -> dict[str, Any]:
        """Needs `source` and `parent` selected and `partner_count` annotated."""
        return {
            **self.municipality_ref(place),
            "kind": place.kind,
            "parent": self.municipality_ref(place.parent) if place.parent else None,
            "lau_code": place.lau_code,
            "nuts3": place.nuts3,
            "population": place.population,
            "website": place.website,
            "partner_count": place.partner_count,  # type: ignore[attr-defined]
            "source": self.source(place.source),
        }

    def partner_of(self, partnership: Partnership, place: Municipality) -> dict[str, Any]:
        return {
            "id": partnership.pk,
            "api_url": self.link("api:partnership", partnership.pk),
            "kind": partnership.kind,
            "status": partnership.status,
            "start_year": partnership.start_year,
            "end_year": partnership.end_year,
            "partner": self.municipality_ref(partnership.partner_of(place)),
        }

    def membership_of(self, membership: Membership) -> dict[str, Any]:
        return {
            "id": membership.pk,
            "network": self.network_ref(membership.network),
            "role": membership.role,
            "start_year": membership.start_year,
            "end_year": membership.end_year,
        }

    def project_role(self, role: ProjectPartner) -> dict[str, Any]:
        return {"project": self.project_ref(role.project), "role": role.role}

    def profile(self, profile: MunicipalityProfile | None) -> dict[str, Any] | None:
        """What coordinators say publicly; their contact stays on the site, for staff."""
        if profile is None or profile.deleted_at is not None:
            return None
        return {
            "description": profile.description,
            "website": profile.website,
            "office_languages": list(profile.office_languages or []),
            "themes": [theme.slug for theme in profile.themes.all()],
            "seeking": profile.seeking,
        }

    def partnership(self, partnership: Partnership) -> dict[str, Any]:
        """Needs both municipalities selected and `sources` and `themes` prefetched."""
        return {
            "id": partnership.pk,
            "url": self.link("partnership", partnership.pk),
            "api_url": self.link("api:partnership", partnership.pk),
            "municipality_a": self.municipality_ref(partnership.municipality_a),
            "municipality_b": self.municipality_ref(partnership.municipality_b),
            "kind": partnership.kind,
            "status": partnership.status,
            "start_year": partnership.start_year,
            "start_date": partnership.start_date,
            "end_year": partnership.end_year,
            "end_date": partnership.end_date,
            "last_activity": partnership.last_activity,
            "themes": sorted(theme.slug for theme in partnership.themes.all()),
            "notes": partnership.notes,
            "sources": [
                self.source(source)
                for source in sorted(partnership.sources.all(), key=lambda s: s.key)
            ],
        }

    def activity(self, activity: Activity) -> dict[str, Any]:
        return {
            "date": activity.date,
            "title": activity.title,
            "kind": activity.kind,
            "participants": activity.participants,
            "link": activity.link,
        }

    def network(self, network: Network) -> dict[str, Any]:
        """Needs `parent` and `source` selected, `countries` prefetched and
        `member_count` annotated."""
        return {
            **self.network_ref(network),
            "name_en": network.name_en,
            "acronym": network.acronym,
            "code": network.code,
            "founded": network.founded,
            "website": network.website,
            "description": network.description,
            "parent": self.network_ref(network.parent) if network.parent else None,
            "countries": sorted(country.code for country in network.countries.all()),
            "member_count": network.member_count,  # type: ignore[attr-defined]
            "stated_member_count": network.stated_member_count,
            "source": self.source(network.source),
            "members_api_url": f"{self.address('api:memberships')}?network={network.slug}",
        }

    def membership(self, membership: Membership) -> dict[str, Any]:
        """Needs `network`, `municipality` and `source` selected."""
        return {
            "id": membership.pk,
            "api_url": self.link("api:membership", membership.pk),
            "network": self.network_ref(membership.network),
            "municipality": self.municipality_ref(membership.municipality),
            "role": membership.role,
            "start_year": membership.start_year,
            "end_year": membership.end_year,
            "source": self.source(membership.source),
        }

    def project(self, project: Project) -> dict[str, Any]:
        """Needs `programme`, `funded_by` and `source` selected, `themes` and `partners`
        (with their municipality and network) prefetched."""
        return {
            **self.project_ref(project),
            "acronym": project.acronym,
            "programme": self.programme_ref(project.programme),
            "funded_by": self.network_ref(project.funded_by) if project.funded_by else None,
            "start_date": project.start_date,
            "end_date": project.end_date,
            "budget_eur": float(project.budget_eur) if project.budget_eur is not None else None,
            "description": project.description,
            "website": project.website,
            "themes": sorted(theme.slug for theme in project.themes.all()),
            "partners": [
                {
                    "role": partner.role,
                    "municipality": (
                        self.municipality_ref(partner.municipality)
                        if partner.municipality
                        else None
                    ),
                    "network": self.network_ref(partner.network) if partner.network else None,
                }
                for partner in project.partners.all()
            ],
            "source": self.source(project.source),
        }

    def board_entry(self, entry: Entry) -> dict[str, Any]:
        """Needs `municipality` and `programme` selected, `themes` and `countries`
        prefetched. Who posted it is not said: the municipality speaks."""
        return {
            "id": entry.pk,
            "url": self.link("board-entry", entry.pk),
            "api_url": self.link("api:board-entry", entry.pk),
            "kind": entry.kind,
            "purpose": entry.purpose,
            "state": "closed" if entry.is_closed else "open",
            "title": entry.title,
            "text": entry.text,
            "language": entry.language,
            "municipality": self.municipality_ref(entry.municipality),
            "themes": sorted(theme.slug for theme in entry.themes.all()),
            "wished_countries": sorted(country.code for country in entry.countries.all()),
            "population_min": entry.population_min,
            "population_max": entry.population_max,
            "working_languages": entry.working_language_codes,
            "deadline": entry.deadline,
            "programme": self.programme_ref(entry.programme),
            "published_at": entry.published_at,
        }
