"""What the API takes and gives, as the OpenAPI schema describes it.

Parameters are typed here (codes as enums, years and limits with bounds), so the schema
says what a client may send; what needs the data to check (a theme that exists, a period
that does not end before it starts) is checked by the site's own forms in the views.
Codes are the values of the models' choices, written out: they are part of the API's
contract, and a test checks that they still match the models."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from atlas.directory.forms import EARLIEST_YEAR, LATEST_YEAR

COUNTRY_PATTERN = r"^[A-Za-z]{2}$"
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
DEFAULT_LIMIT, MAX_LIMIT = 50, 500

MunicipalityKind = Literal["municipality", "city_part", "other"]
PartnershipKind = Literal["twinning", "friendship", "cooperation", "project"]
PartnershipStatus = Literal["active", "dormant", "ended", "unknown"]
NetworkKind = Literal[
    "association",
    "alliance",
    "local_action_group",
    "statistical_region",
    "development_partnership",
    "thematic_network",
    "initiative",
]
MembershipRole = Literal["member", "founder", "lead", "signatory", "observer"]
ProjectRole = Literal["lead", "partner"]
EntryKind = Literal["request", "offer"]
EntryPurpose = Literal["twinning", "funding_call", "thematic_network", "exchange", "school_youth"]
EntryState = Literal["open", "closed"]
SizeBand = Literal["small", "medium", "large", "city"]
Scope = Literal["domestic", "international"]
MatchKind = Literal[
    "exact", "other_name_exact", "prefix", "other_name_prefix", "words", "contains", "typo"
]


def country_field(description: str) -> Any:
    return Field(None, description=description, pattern=COUNTRY_PATTERN, examples=["SI"])


def slug_field(description: str) -> Any:
    return Field(None, description=description, pattern=SLUG_PATTERN, max_length=140)


def weight(description: str) -> Any:
    return Field(None, ge=0, le=3, description=f"{description} 0 (off) to 3 (a lot).")


# --- Parameters -----------------------------------------------------------------------------


class PageParams(Schema):
    cursor: str | None = Field(
        None,
        description="Where the page starts: the `cursor` of the previous page's `next` "
        "address. Leave it out for the first page.",
        max_length=500,
    )
    limit: int = Field(
        DEFAULT_LIMIT,
        ge=1,
        le=MAX_LIMIT,
        description=f"How many results a page has, 1 to {MAX_LIMIT}.",
    )


class MunicipalityParams(PageParams):
    country: str | None = country_field("Only municipalities of this country (ISO 3166-1 code).")
    kind: MunicipalityKind | None = Field(
        None,
        description="Only this kind of place: an LAU `municipality`, a `city_part` that "
        "Eurostat lists separately (Bratislava, Košice), or an `other` partner place.",
    )
    network: str | None = slug_field("Only the members of this network (its slug).")
    twinned: bool | None = Field(
        None,
        description="`true`: only places with at least one partnership; `false`: only "
        "places without any.",
    )


class PartnershipParams(PageParams):
    country: str | None = country_field("Only partnerships with a partner in this country.")
    municipality: str | None = slug_field("Only the partnerships of this municipality (its slug).")
    kind: PartnershipKind | None = Field(None, description="Only this kind of partnership.")
    status: PartnershipStatus | None = Field(None, description="Only partnerships in this state.")
    theme: str | None = slug_field("Only partnerships with this area of cooperation (its slug).")
    since: int | None = Field(
        None,
        ge=EARLIEST_YEAR,
        le=LATEST_YEAR,
        description="Only partnerships that started in this year or later.",
    )
    until: int | None = Field(
        None,
        ge=EARLIEST_YEAR,
        le=LATEST_YEAR,
        description="Only partnerships that started in this year or earlier.",
    )
    scope: Scope | None = Field(
        None,
        description="`domestic`: both partners in the same country; `international`: in "
        "two countries.",
    )


class NetworkParams(PageParams):
    kind: NetworkKind | None = Field(None, description="Only this kind of network.")
    country: str | None = country_field("Only networks active in this country.")
    parent: str | None = slug_field("Only the sub-networks of this network (its slug).")
    top_level: bool | None = Field(
        None,
        description="`true`: only networks that are not part of another, as the site's "
        "list of networks shows by default.",
    )


class MembershipParams(PageParams):
    network: str | None = slug_field("Only the members of this network (its slug).")
    municipality: str | None = slug_field("Only the memberships of this municipality (its slug).")
    country: str | None = country_field("Only members in this country.")
    role: MembershipRole | None = Field(None, description="Only members with this role.")


class ProjectParams(PageParams):
    programme: str | None = slug_field("Only projects funded by this programme (its slug).")
    network: str | None = slug_field(
        "Only projects in which this network takes part or which it co-funds (its slug)."
    )
    municipality: str | None = slug_field("Only projects in which this municipality takes part.")
    theme: str | None = slug_field("Only projects on this theme (its slug).")


class BoardParams(PageParams):
    kind: EntryKind | None = Field(
        None, description="`request`: a partner is sought; `offer`: to host, join or share."
    )
    purpose: EntryPurpose | None = Field(None, description="Only entries with this purpose.")
    theme: str | None = slug_field("Only entries on this area of cooperation (its slug).")
    country: str | None = country_field("Only entries posted from this country.")
    wished_country: str | None = country_field(
        "Only entries that welcome partners from this country (entries that name no "
        "country welcome any)."
    )
    size: SizeBand | None = Field(
        None,
        description="Only entries of municipalities of this size: `small` (under 5,000 "
        "inhabitants), `medium` (5,000 to 20,000), `large` (20,000 to 100,000) or `city`.",
    )
    language: str | None = Field(
        None,
        description="Only entries that can be worked on in this language (ISO 639-1 code).",
        pattern=r"^[a-z]{2}$",
    )
    state: Literal["open", "closed", "all"] | None = Field(
        None,
        description="`open` (the default): published entries before their deadline and "
        "not closed; `closed`; or `all` published entries.",
    )


class SearchParams(PageParams):
    q: str = Field(
        description="What to search for: a name in any language or spelling, with or "
        "without accents (“skofja loka”, “Beljak”, “Mestna občina Kranj”).",
        min_length=1,
        max_length=200,
    )


class SuggestionParams(PageParams):
    same_size: int | None = weight("How much a similar population counts.")
    shared_themes: int | None = weight("How much shared areas of cooperation count.")
    shared_languages: int | None = weight("How much a shared official or working language counts.")
    near: int | None = weight("How much being near counts.")
    far: int | None = weight("How much being far away counts.")
    neighbouring_country: int | None = weight("How much a neighbouring country counts.")
    shared_networks: int | None = weight("How much networks in common count.")
    partners_of_partners: int | None = weight(
        "How much being twinned with the town's partners counts."
    )
    new_country: int | None = weight("How much a country where the town has no partner yet counts.")


# --- Parts of answers ------------------------------------------------------------------------


class ErrorItem(Schema):
    parameter: str | None = Field(
        description="The query or path parameter at fault; null when the request as a whole is."
    )
    message: str


class Error(Schema):
    """Every error answer (400, 404, 405, 429, 500) has this shape."""

    status: int = Field(description="The HTTP status code, repeated.")
    errors: list[ErrorItem]


class Licence(Schema):
    name: str
    url: str


class Source(Schema):
    key: str
    name: str
    licence: str
    licence_url: str


class MunicipalityRef(Schema):
    id: int
    slug: str
    name: str
    country: str = Field(description="ISO 3166-1 code.")
    latitude: float | None
    longitude: float | None
    url: str = Field(description="The page on the site.")
    api_url: str = Field(description="This record in the API.")


class NetworkRef(Schema):
    id: int
    slug: str
    name: str
    kind: NetworkKind
    url: str = Field(description="The page on the site.")
    api_url: str = Field(description="This record in the API.")


class ProjectRef(Schema):
    id: int
    slug: str
    title: str
    url: str = Field(description="The page on the site.")
    api_url: str = Field(description="This record in the API.")


class ProgrammeRef(Schema):
    slug: str
    name: str
    funder: str
    period: str


# --- Records ---------------------------------------------------------------------------------


class Municipality(MunicipalityRef):
    kind: MunicipalityKind
    parent: MunicipalityRef | None = Field(description="The city a city part belongs to.")
    lau_code: str
    nuts3: str
    population: int | None
    website: str
    partner_count: int
    source: Source


class OtherName(Schema):
    name: str
    language: str


class PartnerOf(Schema):
    """One partnership as seen from one of its two municipalities."""

    id: int
    api_url: str
    kind: PartnershipKind
    status: PartnershipStatus
    start_year: int | None
    end_year: int | None
    partner: MunicipalityRef


class MembershipOf(Schema):
    id: int
    network: NetworkRef
    role: MembershipRole
    start_year: int | None
    end_year: int | None


class ProjectRoleOf(Schema):
    project: ProjectRef
    role: ProjectRole


class Profile(Schema):
    """What the municipality's coordinators say about it (its contact is not public)."""

    description: str
    website: str
    office_languages: list[str]
    themes: list[str]
    seeking: str


class MunicipalityDetail(Municipality):
    other_names: list[OtherName]
    region: NetworkRef | None = Field(description="Its NUTS 3 statistical region.")
    parts: list[MunicipalityRef]
    partnerships: list[PartnerOf]
    memberships: list[MembershipOf]
    projects: list[ProjectRoleOf]
    profile: Profile | None
    suggestions_api_url: str


class Partnership(Schema):
    id: int
    municipality_a: MunicipalityRef
    municipality_b: MunicipalityRef
    kind: PartnershipKind
    status: PartnershipStatus
    start_year: int | None
    start_date: dt.date | None
    end_year: int | None
    end_date: dt.date | None
    last_activity: dt.date | None
    themes: list[str]
    notes: str
    sources: list[Source]
    url: str = Field(description="The page on the site.")
    api_url: str = Field(description="This record in the API.")


class Activity(Schema):
    date: dt.date
    title: str
    kind: Literal["visit", "exchange", "joint_project", "meeting", "event"]
    participants: str
    link: str


class PartnershipDetail(Partnership):
    activities: list[Activity]


class Network(NetworkRef):
    name_en: str
    acronym: str
    code: str
    founded: int | None
    website: str
    description: str
    parent: NetworkRef | None
    countries: list[str]
    member_count: int
    stated_member_count: int | None
    source: Source
    members_api_url: str


class NetworkDetail(Network):
    children: list[NetworkRef]
    projects: list[ProjectRoleOf]
    funded_projects: list[ProjectRef]


class Membership(Schema):
    id: int
    api_url: str
    network: NetworkRef
    municipality: MunicipalityRef
    role: MembershipRole
    start_year: int | None
    end_year: int | None
    source: Source


class ProjectPartner(Schema):
    role: ProjectRole
    municipality: MunicipalityRef | None
    network: NetworkRef | None


class Project(ProjectRef):
    acronym: str
    programme: ProgrammeRef | None
    funded_by: NetworkRef | None
    start_date: dt.date | None
    end_date: dt.date | None
    budget_eur: float | None
    description: str
    website: str
    themes: list[str]
    partners: list[ProjectPartner]
    source: Source


class BoardEntry(Schema):
    id: int
    kind: EntryKind
    purpose: EntryPurpose
    state: EntryState
    title: str
    text: str
    language: str = Field(description="The language the entry is written in.")
    municipality: MunicipalityRef
    themes: list[str]
    wished_countries: list[str]
    population_min: int | None
    population_max: int | None
    working_languages: list[str]
    deadline: dt.date
    programme: ProgrammeRef | None
    published_at: dt.datetime
    url: str = Field(description="The page on the site.")
    api_url: str = Field(description="This record in the API.")


class SearchPlace(MunicipalityRef):
    match: MatchKind = Field(description="How the best of its names matched the query.")
    matched_name: str = Field(description="The other name that matched; empty for its own.")
    region: str
    population: int | None
    partner_count: int


class Suggestion(Schema):
    municipality: MunicipalityRef
    population: int | None
    score: float
    distance_km: float | None
    reasons: list[str] = Field(description="Why it is suggested, the weightiest first.")
    contributions: dict[str, float] = Field(
        description="What each factor added to the score (weight × how well it applies)."
    )
    partners_of_partners: int
    shared_themes: list[str]
    shared_networks: list[str]


# --- Answers -----------------------------------------------------------------------------


class Answer(Schema):
    license: Licence | None = Field(
        description="The licence of the data in this answer as a whole; null for the "
        "board's entries, which are the municipalities' own notices."
    )
    attribution: str = Field(description="Whom to credit when reusing this data.")


class Page(Answer):
    count: int = Field(description="How many results there are in all, on every page.")
    next: str | None = Field(description="The address of the next page; null on the last.")


class MunicipalityPage(Page):
    results: list[Municipality]


class PartnershipPage(Page):
    results: list[Partnership]


class NetworkPage(Page):
    results: list[Network]


class MembershipPage(Page):
    results: list[Membership]


class ProjectPage(Page):
    results: list[Project]


class BoardPage(Page):
    results: list[BoardEntry]


class SearchAnswer(Page):
    query: str
    truncated: bool = Field(
        description="More places matched than a search collects (1,000): type more of the name."
    )
    suggestion: str = Field(description="“Did you mean”: set when only typos matched.")
    results: list[SearchPlace] = Field(description="Municipalities, best match first.")
    networks: list[NetworkRef] = Field(description="The best 20 networks.")
    projects: list[ProjectRef] = Field(description="The best 20 projects.")


class SuggestionPage(Page):
    municipality: MunicipalityRef
    weights: dict[str, int]
    results: list[Suggestion]


class MunicipalityAnswer(Answer):
    result: MunicipalityDetail


class PartnershipAnswer(Answer):
    result: PartnershipDetail


class NetworkAnswer(Answer):
    result: NetworkDetail


class MembershipAnswer(Answer):
    result: Membership


class ProjectAnswer(Answer):
    result: Project


class BoardEntryAnswer(Answer):
    result: BoardEntry


class Index(Answer):
    name: str
    version: str
    documentation: str
    openapi: str
    endpoints: dict[str, str]
