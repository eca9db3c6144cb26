from collections import Counter

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext

from atlas.accounts.access import annotate_visitor_rights
from atlas.dataset.build_info import dataset_build_info
from atlas.directory.forms import NetworkFilterForm, PartnershipFilterForm, SearchForm
from atlas.directory.maps import partner_map_svg
from atlas.directory.models import (
    Country,
    Membership,
    Municipality,
    Network,
    Partnership,
    Project,
    ProjectPartner,
    Source,
)
from atlas.directory.process_cache import BuiltFromData
from atlas.directory.search import OTHER_RESULTS, PlaceResult, find
from atlas.lib.text import fold

FOCUS_COUNTRIES = ("SI", "SK", "CZ")
# Local authorities only: not city parts, nor partner places known only from twinning lists.
MUNICIPALITY_COUNT = Count(
    "municipalities", filter=Q(municipalities__kind=Municipality.Kind.MUNICIPALITY)
)

RESULTS_PER_PAGE = 25
# The autocomplete shows eight results.
SUGGESTIONS = 8


def paginate(request, queryset, per_page: int):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def home_figures(stamp) -> dict:
    """The home page's counts, which only a change of the data changes."""
    focus = Country.objects.filter(code__in=FOCUS_COUNTRIES).annotate(
        municipality_count=MUNICIPALITY_COUNT
    )
    return {
        "counts": {
            "municipalities": Municipality.objects.count(),
            "partnerships": Partnership.objects.count(),
            "networks": Network.objects.count(),
            "countries": Country.objects.filter(municipalities__isnull=False).distinct().count(),
        },
        "focus_countries": sorted(focus, key=lambda c: FOCUS_COUNTRIES.index(c.code)),
    }


_home_figures = BuiltFromData(home_figures)


def home(request):
    return render(request, "directory/home.html", {"form": SearchForm(), **_home_figures.get()})


def search(request):
    form = SearchForm(request.GET or None)
    context = {"form": form, "query": request.GET.get("q", "")}
    if form.is_valid():
        results = find(form.cleaned_data["q"])
        page = paginate(request, results.municipalities, RESULTS_PER_PAGE)
        page.object_list = results.municipality_page(list(page.object_list))
        context.update(
            searched=True,
            results=results,
            page=page,
            networks=results.network_list(OTHER_RESULTS),
            projects=results.project_list(OTHER_RESULTS),
            suggestion_url="?" + urlencode({"q": results.suggestion}),
        )
    return render(request, "directory/search.html", context)


def search_suggest(request):
    """The autocomplete's answer: the best few places, networks and projects as JSON.
    A missing, empty or overlong query is a 400 with the form's message."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"error": form.errors["q"][0]}, status=400)
    query = form.cleaned_data["q"]
    results = find(query, limit=SUGGESTIONS)
    others = [
        *({"type": "network", **network_json(n)} for n in results.network_list(SUGGESTIONS)),
        *({"type": "project", **project_json(p)} for p in results.project_list(SUGGESTIONS)),
    ]
    # Places first; networks and projects get two places at least when they match, and
    # whatever places leave free.
    matches = results.municipalities[: SUGGESTIONS - min(2, len(others))]
    places = [municipality_json(m) for m in results.municipality_page(matches)]
    return JsonResponse(
        {
            "query": query,
            "results": places + others[: SUGGESTIONS - len(places)],
            "suggestion": results.suggestion,
            "search_url": f"{reverse('search')}?{urlencode({'q': query})}",
        }
    )


def municipality_json(result: PlaceResult) -> dict:
    municipality = result.municipality
    return {
        "type": "municipality",
        "name": municipality.name,
        "matched_name": result.match_name,
        "country": municipality.country.name,
        "country_code": municipality.country_id,
        "flag": municipality.country.flag,
        "region": result.region_name,
        "population": municipality.population,
        "partners": result.partner_count,
        "detail": " · ".join(result.details),
        "url": municipality.get_absolute_url(),
    }


def network_json(network: Network) -> dict:
    return {
        "name": network.name,
        "detail": str(network.get_kind_display()),
        "url": network.get_absolute_url(),
    }


def project_json(project: Project) -> dict:
    detail = project.programme.name if project.programme else gettext("project")
    return {"name": project.title, "detail": detail, "url": project.get_absolute_url()}


def municipality_detail(request, slug: str):
    municipality = get_object_or_404(
        annotate_visitor_rights(
            Municipality.objects.select_related("country", "parent", "source", "profile"),
            request.user,
        ).prefetch_related("profile__themes"),
        slug=slug,
    )
    partnerships = list(municipality.partnerships().with_places())
    partners = sorted(
        ((p, p.partner_of(municipality)) for p in partnerships),
        key=lambda pair: (pair[1].country.name, fold(pair[1].name)),
    )
    memberships = municipality.memberships.select_related("network").order_by("network__name")
    project_roles = (
        ProjectPartner.objects.filter(municipality=municipality)
        .select_related("project__programme")
        .order_by("project__title")
    )
    context = {
        "municipality": municipality,
        "may_edit": municipality.may_edit,  # type: ignore[attr-defined]
        "sees_contacts": municipality.sees_contacts,  # type: ignore[attr-defined]
        "other_names": municipality.other_names.all(),
        "partners": partners,
        "memberships": memberships,
        "project_roles": project_roles,
        "parts": municipality.parts.order_by("name"),
        "region": municipality.region,
        "map_svg": partner_map_svg(municipality, [partner for _, partner in partners]),
    }
    return render(request, "directory/municipality_detail.html", context)


def network_list(request):
    form = NetworkFilterForm(request.GET)
    networks = (
        Network.objects.select_related("parent")
        .annotate(member_count=Count("memberships"))
        .order_by("name")
    )
    if form.is_valid() and form.cleaned_data["kind"]:
        networks = networks.filter(kind=form.cleaned_data["kind"])
    if not (form.is_valid() and form.cleaned_data["include_parts"]):
        networks = networks.filter(parent__isnull=True)
    context = {"form": form, "page": paginate(request, networks, 50)}
    return render(request, "directory/network_list.html", context)


def network_detail(request, slug: str):
    network = get_object_or_404(Network.objects.select_related("parent", "source"), slug=slug)
    members = (
        Membership.objects.filter(network=network)
        .select_related("municipality__country")
        .order_by("municipality__name")
    )
    context = {
        "network": network,
        "page": paginate(request, members, 100),
        "children": network.children.annotate(member_count=Count("memberships")).order_by("name"),
        "countries": sorted(network.countries.all(), key=lambda c: c.name),
        "project_roles": ProjectPartner.objects.filter(network=network)
        .select_related("project")
        .order_by("project__title"),
        "funded_projects": network.funded_projects.order_by("title"),
    }
    return render(request, "directory/network_detail.html", context)


def partnership_list(request):
    form = PartnershipFilterForm(request.GET)
    partnerships = Partnership.objects.with_places()
    partnerships = form.filter(partnerships) if form.is_valid() else partnerships.none()
    context = {"form": form, "page": paginate(request, partnerships, 50)}
    return render(request, "directory/partnership_list.html", context)


def partnership_detail(request, pk: int):
    """One partnership with what the two towns did together (deleted ones are 404)."""
    partnership = get_object_or_404(Partnership.objects.with_places(), pk=pk)
    context = {
        "partnership": partnership,
        "towns": [partnership.municipality_a, partnership.municipality_b],
        "activities": partnership.activities.all(),
    }
    return render(request, "directory/partnership_detail.html", context)


def project_list(request):
    projects = Project.objects.select_related("programme", "funded_by").prefetch_related(
        "partners__municipality", "partners__network"
    )
    return render(request, "directory/project_list.html", {"page": paginate(request, projects, 50)})


def project_detail(request, slug: str):
    project = get_object_or_404(
        Project.objects.select_related("programme", "funded_by", "source"), slug=slug
    )
    partners = project.partners.select_related("municipality__country", "network")
    context = {"project": project, "partners": partners, "themes": project.themes.all()}
    return render(request, "directory/project_detail.html", context)


def country_list(request):
    countries = (
        Country.objects.filter(covered=True)
        .annotate(municipality_count=MUNICIPALITY_COUNT)
        .order_by("code")
    )
    context = {"countries": sorted(countries, key=lambda c: fold(c.name))}
    return render(request, "directory/country_list.html", context)


def country_detail(request, code: str):
    if code != code.lower():
        raise Http404
    country = get_object_or_404(Country, code=code.upper())
    twinned = list(
        Municipality.objects.in_country(country.code)
        .with_partner_counts()
        .filter(partner_count__gt=0)
        .order_by("nuts3", "name")
    )
    region_names = dict(
        Network.objects.filter(
            kind=Network.Kind.STATISTICAL_REGION, code__in={m.nuts3 for m in twinned}
        ).values_list("code", "name")
    )
    regions: dict[str, list[Municipality]] = {}
    for municipality in twinned:
        regions.setdefault(municipality.nuts3, []).append(municipality)
    context = {
        "country": country,
        "municipality_count": country.municipalities.filter(
            kind=Municipality.Kind.MUNICIPALITY
        ).count(),
        "twinned_count": len(twinned),
        "regions": [
            (code, region_names.get(code, code), members) for code, members in regions.items()
        ],
        "top_partner_countries": top_partner_countries(country),
    }
    return render(request, "directory/country_detail.html", context)


def top_partner_countries(country: Country, limit: int = 10) -> list[tuple[Country, int]]:
    """The countries its municipalities are most often partnered with."""
    counter: Counter[str] = Counter()
    pairs = Partnership.objects.in_country(country.code).values_list(
        "municipality_a__country_id", "municipality_b__country_id"
    )
    for code_a, code_b in pairs:
        counter[code_b if code_a == country.code else code_a] += 1
    codes = [code for code, _ in counter.most_common(limit)]
    countries = Country.objects.in_bulk(codes)
    return [(countries[code], counter[code]) for code in codes]


def about_data(request):
    # Two grouped counts: annotating both on Source would multiply the joined rows.
    municipality_counts = dict(
        Municipality.objects.order_by().values_list("source").annotate(n=Count("pk"))
    )
    partnership_counts = dict(
        Partnership.sources.through.objects.order_by().values_list("source").annotate(n=Count("pk"))
    )
    sources = [
        (source, municipality_counts.get(source.pk, 0), partnership_counts.get(source.pk, 0))
        for source in Source.objects.all()
    ]
    per_country = (
        Country.objects.filter(Q(covered=True) | Q(code__in=FOCUS_COUNTRIES))
        .annotate(municipality_count=MUNICIPALITY_COUNT)
        .order_by("code")
    )
    pair_counts: Counter[str] = Counter()
    for code_a, code_b in Partnership.objects.values_list(
        "municipality_a__country_id", "municipality_b__country_id"
    ):
        pair_counts[code_a] += 1
        if code_b != code_a:
            pair_counts[code_b] += 1
    context = {
        "sources": sources,
        "countries": [(c, pair_counts[c.code]) for c in sorted(per_country, key=lambda c: c.name)],
        "build": dataset_build_info(),
    }
    return render(request, "directory/about_data.html", context)
