from datetime import date

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from atlas.dataset.build_info import dataset_build_info
from atlas.directory.conditional import data_answer
from atlas.insights import sections
from atlas.insights.figures import CountryFigures, Insights, current_insights
from atlas.insights.revival import (
    DEFAULT_YEARS,
    RevivalForm,
    revival_table,
    silent_partnerships,
    silent_per_country,
)
from atlas.insights.sections import without
from atlas.insights.tables import Column, Table
from atlas.lib.charts import Datum
from atlas.lib.text import fold

REVIVAL_PER_PAGE = 50
# Bump when a CSV's columns change, so that cached copies are not reused.
CSV_VERSION = 1


@require_safe
def overview(request):
    insights = current_insights()
    revival_count = silent_partnerships(DEFAULT_YEARS).count()
    context = {
        "insights": insights,
        "key_figures": sections.key_figures(insights),
        "countries_figure": sections.countries_figure(insights),
        "matrix_figure": sections.matrix_figure(insights),
        "pairs_figure": sections.pairs_figure(insights),
        "decades_figure": sections.decades_figure(insights),
        "memberships_figure": sections.membership_years_figure(insights),
        "activities_figure": sections.activities_figure(insights),
        "country_links": country_links(insights),
        "network": insights.network,
        "towns_text": sections.integer(insights.network.towns),
        "largest_text": sections.integer(max(insights.network.component_sizes, default=0)),
        "clustering": sections.percent(insights.network.census.clustering * 100),
        "revival_count": revival_count,
        "revival_text": sections.integer(revival_count),
        "revival_years": DEFAULT_YEARS,
        "source_count": sum(1 for s in insights.sources if s.places or s.partnerships),
        "build": dataset_build_info(),
    }
    return render(request, "insights/overview.html", context)


def country_links(insights: Insights) -> list[tuple[str, str, str]]:
    """The covered countries by name, with their share of twinned municipalities, for the
    list of country pages."""
    return [
        (
            code,
            sections.country_name(insights, code),
            sections.percent(insights.countries[code].share_twinned),
        )
        for code in sections.by_name(insights, (c.code for c in insights.covered))
    ]


def find_country(insights: Insights, code: str) -> CountryFigures:
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        raise Http404
    figures = insights.countries.get(code.upper())
    if figures is None:
        raise Http404
    return figures


@require_safe
def country(request, code: str):
    insights = current_insights()
    figures = find_country(insights, code)
    if code != code.lower():
        return redirect("insights-country", code.lower(), permanent=True)
    code = figures.code
    sources = sections.country_sources_table(insights, code)
    revival_count = silent_partnerships(DEFAULT_YEARS, code).count()
    context = {
        "insights": insights,
        "country": figures,
        "code": code.lower(),
        "flag": "".join(chr(0x1F1E6 + ord(letter) - ord("A")) for letter in code),
        "country_name": sections.country_name(insights, code),
        "key_figures": sections.key_figures(insights, figures),
        "partner_countries_figure": sections.partner_countries_figure(insights, code),
        "regions_figure": sections.regions_figure(insights, code)
        if figures.municipalities
        else None,
        "decades_figure": sections.decades_figure(insights, code),
        "memberships_figure": sections.membership_years_figure(insights, code),
        "towns_figure": sections.towns_figure(insights, code),
        "sources_figure": sections.Figure(
            id="sources",
            title=_("How the data was gathered"),
            table=sections.without(sources, "source"),
            csv_url=sections.csv_url("sources", code),
            layout="table",
        ),
        "coverage": {
            "population_known": sections.percent(
                sections.ratio(figures.population_known, figures.municipalities)
            ),
            "coordinates_known": sections.percent(
                sections.ratio(figures.with_coordinates, figures.municipalities)
            ),
            "start_known": sections.percent(
                sections.ratio(figures.start_known, figures.partnerships)
            ),
            "with_activity": sections.percent(
                sections.ratio(figures.with_activity, figures.partnerships)
            ),
        },
        "revival_count": revival_count,
        "revival_text": sections.integer(revival_count),
        "revival_years": DEFAULT_YEARS,
        "build": dataset_build_info(),
    }
    return render(request, "insights/country.html", context)


@require_safe
def network(request):
    insights = current_insights()
    census = insights.network.census
    context = {
        "insights": insights,
        "triads_closed": sections.integer(census.closed),
        "triads_open": sections.integer(census.open),
        "clustering": sections.percent(census.clustering * 100),
        "summary_figure": sections.network_summary_figure(insights),
        "towns_figure": sections.towns_figure(insights),
        "components_figure": sections.components_figure(insights),
        "largest_components": sections.largest_components_table(insights),
        "opportunities_figure": sections.Figure(
            id="opportunities",
            title=_("Partners of partners"),
            table=sections.opportunities_table(insights, sections.PAGE_OPPORTUNITIES),
            csv_url=sections.csv_url("opportunities"),
            layout="table",
            note=_(
                "Pairs of towns that are not partners but share at least two partner towns, "
                "most shared partners first. A partner town with more than 100 partners is "
                "not counted as shared: it says little about the two."
            ),
        ),
        "brokers_figure": sections.brokers_figure(insights),
        "bridges_figure": sections.Figure(
            id="bridges",
            title=_("Bridges between countries"),
            table=sections.bridges_table(insights, sections.PAGE_BRIDGES),
            csv_url=sections.csv_url("bridges"),
            layout="table",
            note=_(
                "A bridge is a partnership without which its two towns would no longer be "
                "linked by any chain of partnerships. Listed here are those across a border "
                "between two towns that both have other partners: each holds two groups of "
                "towns together on its own."
            ),
        ),
    }
    return render(request, "insights/network.html", context)


@require_safe
def coverage(request):
    insights = current_insights()
    context = {
        "insights": insights,
        "coverage_figure": sections.coverage_figure(insights),
        "sources_figure": sections.sources_figure(insights),
        "build": dataset_build_info(),
    }
    return render(request, "insights/coverage.html", context)


def country_choices(insights: Insights) -> list[tuple[str, str]]:
    codes = [c.code for c in insights.countries.values() if c.partnerships]
    return [
        (code, sections.country_name(insights, code)) for code in sections.by_name(insights, codes)
    ]


@require_safe
def revival(request):
    insights = current_insights()
    form = RevivalForm(request.GET, countries=country_choices(insights))
    context: dict = {"form": form, "insights": insights}
    if not form.is_valid():
        return render(request, "insights/revival.html", context, status=400)
    partnerships = silent_partnerships(form.chosen_years, form.chosen_country)
    page = Paginator(
        partnerships.select_related("municipality_a", "municipality_b"), REVIVAL_PER_PAGE
    ).get_page(request.GET.get("page"))
    per_country = silent_per_country(partnerships)
    query = urlencode(
        {k: v for k, v in (("years", form.chosen_years), ("country", form.chosen_country)) if v}
    )
    context.update(
        years=form.chosen_years,
        # Its own plural: "for 1 year", "for 3 years" take other forms in our languages.
        duration=ngettext(
            "for %(years)s year or more", "for %(years)s years or more", form.chosen_years
        )
        % {"years": form.chosen_years},
        total_text=sections.integer(page.paginator.count),
        country_name=sections.country_name(insights, form.chosen_country)
        if form.chosen_country
        else "",
        page=page,
        table=without(revival_table(page.object_list), "municipality_a", "municipality_b"),
        summary_figure=revival_summary_figure(insights, per_country, query),
        csv_query=query,
    )
    return render(request, "insights/revival.html", context)


def revival_countries_table(insights: Insights, per_country) -> Table:
    columns = [
        Column("country", _("Code")),
        Column("country_name", _("Country")),
        Column("partnerships", _("Partnerships"), numeric=True),
    ]
    ordered = sorted(
        per_country.items(),
        key=lambda item: (-item[1], fold(sections.country_name(insights, item[0]))),
    )
    rows = [[code, sections.country_link(insights, code), n] for code, n in ordered]
    return Table(
        "revival-countries",
        _("Partnerships on the revival list, per country"),
        columns,
        rows,
        _("No active partnership has gone this long without a recorded activity."),
    )


def revival_summary_figure(insights: Insights, per_country, query: str) -> sections.Figure:
    table = revival_countries_table(insights, per_country)
    data, more = sections.limited(
        [Datum(row[1].text, row[2], sections.integer(row[2])) for row in table.rows]
    )
    suffix = f"?{query}" if query else ""
    return sections.Figure(
        id="revival-countries",
        title=_("Per country"),
        table=sections.without(table, "country"),
        csv_url=sections.csv_url("revival-countries") + suffix,
        charts=[
            sections.chart_bars(
                data,
                chart_id="chart-revival",
                title=_("Partnerships on the revival list, per country"),
                description=sections.range_text(data),
                empty_text=_(
                    "No active partnership has gone this long without a recorded activity."
                ),
            )
        ],
        note=" ".join(
            filter(
                None,
                [_("A partnership between two countries counts for both."), more],
            )
        ),
    )


@require_safe
def revival_csv(request, name: str):
    insights = current_insights()
    form = RevivalForm(request.GET, countries=country_choices(insights))
    if not form.is_valid():
        return JsonResponse(
            {
                "error": _("The parameters are not valid."),
                "fields": {field: list(errors) for field, errors in form.errors.items()},
            },
            status=400,
        )
    partnerships = silent_partnerships(form.chosen_years, form.chosen_country)
    if name == "revival-countries":
        table = revival_countries_table(insights, silent_per_country(partnerships))
    else:
        table = revival_table(partnerships.select_related("municipality_a", "municipality_b"))
    return csv_response(
        request,
        table,
        insights,
        f"insights-{table.name}.csv",
        form.chosen_years,
        form.chosen_country,
        date.today().isoformat(),  # the cut-off moves with the calendar
    )


@require_safe
def table_csv(request, name: str):
    build = sections.TABLES.get(name)
    if build is None:
        raise Http404
    insights = current_insights()
    return csv_response(request, build(insights), insights, f"insights-{name}.csv")


@require_safe
def country_csv(request, code: str, name: str):
    build = sections.COUNTRY_TABLES.get(name)
    insights = current_insights()
    figures = find_country(insights, code)
    if build is None or code != code.lower():
        raise Http404
    return csv_response(
        request, build(insights, figures.code), insights, f"insights-{code}-{name}.csv"
    )


def csv_response(
    request, table: Table, insights: Insights, filename: str, *key
) -> HttpResponseBase:
    """The table as a CSV download, with an ETag and Last-Modified from the data stamp: the
    file changes only when the data (or the language of its names) does. The stamp the
    figures were built at is part of the ETag too, should the data change meanwhile."""

    def download() -> HttpResponse:
        response = HttpResponse("".join(table.csv_lines()), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    version = ("insights", CSV_VERSION, filename, get_language(), insights.stamp.isoformat())
    return data_answer(request, (*version, *key), download)
