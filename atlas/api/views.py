"""The API's endpoints: GET only, each a thin view over the site's own querysets, forms
and rankings, so that the API and the site give the same answers. See docs/api.md."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any

from django import forms
from django.db.models import Count, Manager, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import etag
from ninja import Path, Query

from atlas.api import schemas
from atlas.api.api import api, reads_board
from atlas.api.edge import ApiError, error_response
from atlas.api.paging import Keyset, Ranking
from atlas.api.records import Context
from atlas.board.forms import BoardFilterForm
from atlas.board.models import FILTERS as BOARD_FILTERS
from atlas.board.models import Entry
from atlas.directory.forms import SearchForm
from atlas.directory.models import (
    FundingProgramme,
    Membership,
    Municipality,
    Network,
    Partnership,
    Project,
    ProjectPartner,
    Source,
    Theme,
)
from atlas.directory.search import OTHER_RESULTS, Tier, find
from atlas.exports.forms import (
    MembershipExportForm,
    MunicipalityExportForm,
    NetworkExportForm,
    PartnershipExportForm,
)
from atlas.lib.http import weak_etag
from atlas.matchmaking.forms import WeightsForm
from atlas.matchmaking.suggest import FACTORS, current_snapshot, suggestions_page

ERRORS: dict[int, Any] = {
    304: None,
    400: schemas.Error,
    404: schemas.Error,
    429: schemas.Error,
    500: schemas.Error,
}

MUNICIPALITIES = Keyset("municipalities")
PARTNERSHIPS = Keyset("partnerships")
NETWORKS = Keyset("networks")
MEMBERSHIPS = Keyset("memberships")
PROJECTS = Keyset("projects")
BOARD = Keyset("board", ("-published_at", "-pk"))
SEARCH = Ranking("search")
SUGGESTIONS = Ranking("suggestions")

MATCH_KINDS = {
    Tier.EXACT: "exact",
    Tier.OTHER_EXACT: "other_name_exact",
    Tier.PREFIX: "prefix",
    Tier.OTHER_PREFIX: "other_name_prefix",
    Tier.WORDS: "words",
    Tier.CONTAINS: "contains",
    Tier.FUZZY: "typo",
}

SlugPath = Path(..., pattern=schemas.SLUG_PATTERN, max_length=140, description="Its slug.")
IdPath = Path(..., description="Its id.")


# --- Helpers ---------------------------------------------------------------------------------


def form_errors(form: forms.Form) -> ApiError:
    return ApiError(
        400,
        [
            (None if field == "__all__" else field, str(message))
            for field, messages in form.errors.items()
            for message in messages
        ],
    )


def valid(form_class: type[forms.Form], **values: Any) -> Any:
    """The site's form for these values (None left out), validated; 400 when not valid."""
    form = form_class({name: str(value) for name, value in values.items() if value is not None})
    if not form.is_valid():
        raise form_errors(form)
    return form


def one(queryset: Manager | QuerySet, parameter: str, message: str, **lookup: Any) -> Any:
    """The record a filter names; 400 when there is none."""
    found = queryset.filter(**lookup).first()
    if found is None:
        raise ApiError.one(400, message, parameter)
    return found


def municipality_named(slug: str) -> Municipality:
    """The municipality a `municipality` filter names; 400 when there is none."""
    message = _("There is no municipality with this slug.")
    return one(Municipality.objects, "municipality", message, slug=slug)


def network_named(slug: str, parameter: str = "network") -> Network:
    """The network a filter names; 400 when there is none."""
    return one(Network.objects, parameter, _("There is no such network."), slug=slug)


def record(queryset: QuerySet, parameter: str, message: str, **lookup: Any) -> Any:
    """The record an address names; 404 when there is none."""
    found = queryset.filter(**lookup).first()
    if found is None:
        raise ApiError.one(404, message, parameter)
    return found


def next_address(request: HttpRequest, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    query = request.GET.copy()
    query["cursor"] = cursor
    return f"{request.build_absolute_uri(request.path)}?{query.urlencode()}"


def keyset_page(
    request: HttpRequest,
    queryset: QuerySet,
    keyset: Keyset,
    params: schemas.PageParams,
    build: Any,
    counted: QuerySet | None = None,
) -> dict[str, Any]:
    """A page of a list: how many there are in all, the page's results and the next
    page's address. Two queries, plus the prefetches of the page."""
    count = (counted if counted is not None else queryset).count()
    rows, cursor = keyset.page(queryset, params.cursor, params.limit)
    return {
        "count": count,
        "next": next_address(request, cursor),
        "results": [build(row) for row in rows],
    }


def all_sources() -> list[Source]:
    return list(Source.objects.all())


# --- The index and the schema ----------------------------------------------------------------


@api.get(
    "/",
    response={200: schemas.Index, **ERRORS},
    url_name="index",
    operation_id="index",
    summary="What the API has",
    tags=["index"],
)
def index(request: HttpRequest) -> dict[str, Any]:
    """The API's addresses, its documentation and the data's licence."""
    context = Context(request)
    names = [
        "municipalities",
        "partnerships",
        "networks",
        "memberships",
        "projects",
        "board",
        "search",
    ]
    return {
        "name": "Twinning Atlas API",
        "version": api.version,
        "documentation": context.address("api-docs"),
        "openapi": context.address("api:openapi"),
        "endpoints": {name: context.address(f"api:{name}") for name in names},
        **context.credits(all_sources()),
    }


# --- Municipalities --------------------------------------------------------------------------


@api.get(
    "/municipalities/",
    response={200: schemas.MunicipalityPage, **ERRORS},
    url_name="municipalities",
    operation_id="listMunicipalities",
    summary="Municipalities",
    tags=["municipalities"],
)
def municipalities(request: HttpRequest, params: Query[schemas.MunicipalityParams]):
    """Every municipality and partner place, by id, with its number of partnerships."""
    form = valid(MunicipalityExportForm, country=params.country, kind=params.kind)
    places = form.filter(Municipality.objects.all())
    if params.network:
        network = network_named(params.network)
        places = places.filter(
            pk__in=Membership.objects.filter(network=network).values("municipality")
        )
    places = places.with_partner_counts()
    if params.twinned is not None:
        places = places.filter(**{"partner_count__gt" if params.twinned else "partner_count": 0})
    context = Context(request)
    page = keyset_page(
        request,
        places.select_related("parent", "source"),
        MUNICIPALITIES,
        params,
        context.municipality,
    )
    return {**page, **context.credits()}


@api.get(
    "/municipalities/{slug:slug}/",
    response={200: schemas.MunicipalityAnswer, **ERRORS},
    url_name="municipality",
    operation_id="getMunicipality",
    summary="A municipality",
    tags=["municipalities"],
)
def municipality(request: HttpRequest, slug: str = SlugPath):
    """A municipality with its other names, partnerships, networks, projects and what its
    coordinators say about it."""
    place = record(
        Municipality.objects.with_partner_counts()
        .select_related("parent", "source", "profile")
        .prefetch_related("profile__themes"),
        "slug",
        _("There is no municipality with this slug."),
        slug=slug,
    )
    context = Context(request)
    partnerships = place.partnerships().select_related("municipality_a", "municipality_b")
    memberships = place.memberships.select_related("network", "source").order_by("network__name")
    roles = (
        ProjectPartner.objects.filter(municipality=place)
        .select_related("project")
        .order_by("project__title")
    )
    partnership_list = list(partnerships.prefetch_related("sources").order_by("pk"))
    for partnership in partnership_list:
        for source in partnership.sources.all():
            context.source(source)
    membership_list = list(memberships)
    for membership in membership_list:
        context.source(membership.source)
    region = place.region
    result = {
        **context.municipality(place),
        "other_names": [
            {"name": name.name, "language": name.language} for name in place.other_names.all()
        ],
        "region": context.network_ref(region) if region else None,
        "parts": [context.municipality_ref(part) for part in place.parts.order_by("name")],
        "partnerships": [context.partner_of(p, place) for p in partnership_list],
        "memberships": [context.membership_of(m) for m in membership_list],
        "projects": [context.project_role(role) for role in roles],
        "profile": context.profile(getattr(place, "profile", None)),
        "suggestions_api_url": context.link("api:suggestions", place.slug),
    }
    return {"result": result, **context.credits()}


@api.get(
    "/municipalities/{slug:slug}/suggestions/",
    response={200: schemas.SuggestionPage, **ERRORS},
    url_name="suggestions",
    operation_id="listPartnerSuggestions",
    summary="Partner suggestions for a municipality",
    tags=["municipalities"],
)
def suggestions(
    request: HttpRequest,
    params: Query[schemas.SuggestionParams],
    slug: str = SlugPath,
):
    """The site's partner suggestions (the page “Suggested partners”), best first, with
    the reasons and what each factor added. Each factor's weight is 0 (off) to 3; a
    factor left out keeps its default. At most 200 suggestions."""
    town = record(
        Municipality.objects.all(),
        "slug",
        _("There is no municipality with this slug."),
        slug=slug,
    )
    given = {factor: getattr(params, factor) for factor in FACTORS}
    weights = valid(WeightsForm, **given).weights()
    snapshot = current_snapshot()
    seeker = snapshot.seeker(town)
    ranked = snapshot.rank(seeker, weights)
    offset = SUGGESTIONS.offset(params.cursor)
    end = offset + params.limit
    found = suggestions_page(snapshot, seeker, weights, ranked[offset:end])
    theme_slugs = dict(Theme.objects.values_list("pk", "slug"))
    context = Context(request)
    results = [
        {
            "municipality": context.municipality_ref(suggestion.municipality),
            "population": suggestion.municipality.population,
            "score": round(suggestion.score, 3),
            "distance_km": (
                round(suggestion.distance_km, 1) if suggestion.distance_km is not None else None
            ),
            "reasons": suggestion.reasons,
            "contributions": {
                factor: round(value, 3) for factor, value in suggestion.contributions.items()
            },
            "partners_of_partners": suggestion.partners_of_partners,
            "shared_themes": [theme_slugs[t] for t in suggestion.shared_themes if t in theme_slugs],
            "shared_networks": [snapshot.network_names[n] for n in suggestion.shared_networks],
        }
        for suggestion in found
        if suggestion.municipality is not None
    ]
    return {
        "municipality": context.municipality_ref(town),
        "weights": weights,
        "count": len(ranked),
        "next": next_address(request, SUGGESTIONS.cursor(end) if end < len(ranked) else None),
        "results": results,
        **context.credits(all_sources()),
    }


# --- Partnerships ----------------------------------------------------------------------------


@api.get(
    "/partnerships/",
    response={200: schemas.PartnershipPage, **ERRORS},
    url_name="partnerships",
    operation_id="listPartnerships",
    summary="Partnerships",
    tags=["partnerships"],
)
def partnerships(request: HttpRequest, params: Query[schemas.PartnershipParams]):
    """Every partnership between two municipalities, by id: the same ones, with the same
    filters, as the site's list of partnerships, the map and the exports."""
    filters = params.model_dump(include=set(PartnershipExportForm.base_fields))
    form = valid(PartnershipExportForm, **filters)
    found = Partnership.objects.matching(**form.cleaned_data, scope=params.scope or "")
    if params.municipality:
        found = found.involving(municipality_named(params.municipality))
    context = Context(request)
    page = keyset_page(
        request,
        found.select_related("municipality_a", "municipality_b").prefetch_related(
            "sources", "themes"
        ),
        PARTNERSHIPS,
        params,
        context.partnership,
    )
    return {**page, **context.credits()}


@api.get(
    "/partnerships/{id}/",
    response={200: schemas.PartnershipAnswer, **ERRORS},
    url_name="partnership",
    operation_id="getPartnership",
    summary="A partnership",
    tags=["partnerships"],
)
def partnership(request: HttpRequest, id: int = IdPath):
    """A partnership with what the two municipalities did together."""
    found = record(
        Partnership.objects.select_related("municipality_a", "municipality_b").prefetch_related(
            "sources", "themes"
        ),
        "id",
        _("There is no partnership with this id."),
        pk=id,
    )
    context = Context(request)
    result = {
        **context.partnership(found),
        "activities": [context.activity(activity) for activity in found.activities.all()],
    }
    return {"result": result, **context.credits()}


# --- Networks and memberships ----------------------------------------------------------------


def with_member_counts(networks: QuerySet) -> QuerySet:
    """Members that are not deleted, as the exports count them."""
    return networks.annotate(
        member_count=Count("memberships", filter=Q(memberships__deleted_at__isnull=True))
    )


@api.get(
    "/networks/",
    response={200: schemas.NetworkPage, **ERRORS},
    url_name="networks",
    operation_id="listNetworks",
    summary="Networks",
    tags=["networks"],
)
def networks(request: HttpRequest, params: Query[schemas.NetworkParams]):
    """Every network, by id, sub-networks included unless `top_level` is true."""
    form = valid(NetworkExportForm, kind=params.kind)
    found = form.filter(Network.objects.all())
    if params.country:
        found = found.filter(countries=params.country.upper())
    if params.parent:
        parent = network_named(params.parent, "parent")
        found = found.filter(parent=parent)
    if params.top_level is not None:
        found = found.filter(parent__isnull=params.top_level)
    context = Context(request)
    page = keyset_page(
        request,
        with_member_counts(found).select_related("parent", "source").prefetch_related("countries"),
        NETWORKS,
        params,
        context.network,
        counted=found,
    )
    return {**page, **context.credits()}


@api.get(
    "/networks/{slug:slug}/",
    response={200: schemas.NetworkAnswer, **ERRORS},
    url_name="network",
    operation_id="getNetwork",
    summary="A network",
    tags=["networks"],
)
def network(request: HttpRequest, slug: str = SlugPath):
    """A network with its sub-networks and projects. Its members are a list of their own:
    follow `members_api_url`."""
    found = record(
        with_member_counts(Network.objects.all())
        .select_related("parent", "source")
        .prefetch_related("countries"),
        "slug",
        _("There is no network with this slug."),
        slug=slug,
    )
    context = Context(request)
    roles = (
        ProjectPartner.objects.filter(network=found)
        .select_related("project")
        .order_by("project__title")
    )
    result = {
        **context.network(found),
        "children": [context.network_ref(child) for child in found.children.order_by("name")],
        "projects": [context.project_role(role) for role in roles],
        "funded_projects": [
            context.project_ref(project) for project in found.funded_projects.order_by("title")
        ],
    }
    return {"result": result, **context.credits()}


@api.get(
    "/memberships/",
    response={200: schemas.MembershipPage, **ERRORS},
    url_name="memberships",
    operation_id="listMemberships",
    summary="Memberships",
    tags=["networks"],
)
def memberships(request: HttpRequest, params: Query[schemas.MembershipParams]):
    """Every membership of a municipality in a network, by id."""
    form = valid(MembershipExportForm, network=params.network, country=params.country)
    found = form.filter(Membership.objects.all())
    if params.municipality:
        place = municipality_named(params.municipality)
        found = found.filter(municipality=place)
    if params.role:
        found = found.filter(role=params.role)
    context = Context(request)
    page = keyset_page(
        request,
        found.select_related("network", "municipality", "source"),
        MEMBERSHIPS,
        params,
        context.membership,
    )
    return {**page, **context.credits()}


@api.get(
    "/memberships/{id}/",
    response={200: schemas.MembershipAnswer, **ERRORS},
    url_name="membership",
    operation_id="getMembership",
    summary="A membership",
    tags=["networks"],
)
def membership(request: HttpRequest, id: int = IdPath):
    found = record(
        Membership.objects.select_related("network", "municipality", "source"),
        "id",
        _("There is no membership with this id."),
        pk=id,
    )
    context = Context(request)
    return {"result": context.membership(found), **context.credits()}


# --- Projects --------------------------------------------------------------------------------


def projects_with_parts(projects: QuerySet) -> QuerySet:
    return projects.select_related("programme", "funded_by", "source").prefetch_related(
        "themes",
        Prefetch(
            "partners",
            queryset=ProjectPartner.objects.select_related("municipality", "network"),
        ),
    )


@api.get(
    "/projects/",
    response={200: schemas.ProjectPage, **ERRORS},
    url_name="projects",
    operation_id="listProjects",
    summary="Projects",
    tags=["projects"],
)
def projects(request: HttpRequest, params: Query[schemas.ProjectParams]):
    """Every cooperation project, by id, with its programme and partners."""
    found = Project.objects.all()
    if params.programme:
        programme = one(
            FundingProgramme.objects,
            "programme",
            _("There is no such funding programme."),
            slug=params.programme,
        )
        found = found.filter(programme=programme)
    if params.network:
        network = network_named(params.network)
        taking_part = ProjectPartner.objects.filter(network=network).values("project")
        found = found.filter(Q(funded_by=network) | Q(pk__in=taking_part))
    if params.municipality:
        place = municipality_named(params.municipality)
        found = found.filter(
            pk__in=ProjectPartner.objects.filter(municipality=place).values("project")
        )
    if params.theme:
        theme = one(
            Theme.objects, "theme", _("There is no such area of cooperation."), slug=params.theme
        )
        found = found.filter(themes=theme)
    context = Context(request)
    page = keyset_page(request, projects_with_parts(found), PROJECTS, params, context.project)
    return {**page, **context.credits()}


@api.get(
    "/projects/{slug:slug}/",
    response={200: schemas.ProjectAnswer, **ERRORS},
    url_name="project",
    operation_id="getProject",
    summary="A project",
    tags=["projects"],
)
def project(request: HttpRequest, slug: str = SlugPath):
    found = record(
        projects_with_parts(Project.objects.all()),
        "slug",
        _("There is no project with this slug."),
        slug=slug,
    )
    context = Context(request)
    return {"result": context.project(found), **context.credits()}


# --- The partner-search board ----------------------------------------------------------------


BOARD_NOTICE = "Notices of the Twinning Atlas partner-search board, posted by the municipalities"


def board_credits() -> dict[str, Any]:
    return {"license": None, "attribution": BOARD_NOTICE}


def entries_with_parts(entries: QuerySet) -> QuerySet:
    return entries.select_related("municipality", "programme").prefetch_related(
        "themes", "countries"
    )


@api.get(
    "/board/",
    response={200: schemas.BoardPage, **ERRORS},
    url_name="board",
    operation_id="listBoardEntries",
    summary="Partner-search board",
    tags=["board"],
)
@reads_board
def board(request: HttpRequest, params: Query[schemas.BoardParams]):
    """The board's published entries, newest first, with the board's filters: open ones
    unless `state` says otherwise. Entries waiting for approval or hidden by a moderator
    are never shown."""
    values = {name: getattr(params, name) for name in BOARD_FILTERS}
    for name in ("country", "wished_country"):
        if values[name]:
            values[name] = values[name].upper()
    if values["state"] == "open":
        values["state"] = None  # the form's empty choice: open entries
    form = valid(BoardFilterForm, **values)
    context = Context(request)
    page = keyset_page(
        request, entries_with_parts(form.entries()), BOARD, params, context.board_entry
    )
    return {**page, **board_credits()}


@api.get(
    "/board/{id}/",
    response={200: schemas.BoardEntryAnswer, **ERRORS},
    url_name="board-entry",
    operation_id="getBoardEntry",
    summary="A board entry",
    tags=["board"],
)
@reads_board
def board_entry(request: HttpRequest, id: int = IdPath):
    """A published entry, open or closed."""
    entry = record(
        entries_with_parts(Entry.objects.published()),
        "id",
        _("There is no published board entry with this id."),
        pk=id,
    )
    return {"result": Context(request).board_entry(entry), **board_credits()}


# --- Search ----------------------------------------------------------------------------------


@api.get(
    "/search/",
    response={200: schemas.SearchAnswer, **ERRORS},
    url_name="search",
    operation_id="search",
    summary="Search",
    tags=["search"],
)
def search(request: HttpRequest, params: Query[schemas.SearchParams]):
    """The site's search: municipalities by any of their names, forgiving accents, word
    order and typos, best match first (at most 1,000); and the best networks and
    projects."""
    query = valid(SearchForm, q=params.q).cleaned_data["q"]
    results = find(query)
    offset = SEARCH.offset(params.cursor)
    end = offset + params.limit
    context = Context(request)
    places = [
        {
            **context.municipality_ref(place.municipality),
            "match": MATCH_KINDS[place.tier],
            "matched_name": place.match_name,
            "region": place.region_name,
            "population": place.municipality.population,
            "partner_count": place.partner_count,
        }
        for place in results.municipality_page(results.municipalities[offset:end])
    ]
    more = end < len(results.municipalities)
    return {
        "query": query,
        "count": len(results.municipalities),
        "truncated": results.truncated,
        "suggestion": results.suggestion,
        "next": next_address(request, SEARCH.cursor(end) if more else None),
        "results": places,
        "networks": [context.network_ref(n) for n in results.network_list(OTHER_RESULTS)],
        "projects": [context.project_ref(p) for p in results.project_list(OTHER_RESULTS)],
        **context.credits(all_sources()),
    }


# --- Not part of the schema: the schema itself, and addresses that do not exist -----------


@lru_cache(maxsize=1)
def openapi_body() -> bytes:
    """The OpenAPI schema as JSON: it changes only with the code."""
    return json.dumps(api.get_openapi_schema(), ensure_ascii=False).encode()


def openapi_etag(request: HttpRequest) -> str:
    return weak_etag("openapi", hashlib.sha256(openapi_body()).hexdigest())


@cache_control(public=True, no_cache=True)
@etag(openapi_etag)
def openapi(request: HttpRequest) -> HttpResponseBase:
    """The OpenAPI 3.1 schema of the API (/api/v1/openapi.json)."""
    return HttpResponse(openapi_body(), content_type="application/json")


def unknown_address(request: HttpRequest, rest: str = "") -> HttpResponseBase:
    """Any other address under /api/v1/: a JSON 404, or a redirect when only the final
    slash is missing (as the site's pages do)."""
    if not request.path_info.endswith("/"):
        try:
            match = resolve(request.path_info + "/")
        except Resolver404:
            match = None
        if match is not None and match.url_name != "unknown":
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(
                request.path + "/" + (f"?{query}" if query else "")
            )
    message = _("There is no such address in the API. Its addresses are listed at %(index)s.")
    index_address = request.build_absolute_uri(reverse("api:index"))
    return error_response(404, [(None, message % {"index": index_address})])
