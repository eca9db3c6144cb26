from datetime import date

from django.http import Http404, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from atlas.dataset.build_info import dataset_build_info
from atlas.directory.conditional import data_answer
from atlas.insights.pages import country as country_page
from atlas.insights.pages import coverage as coverage_page
from atlas.insights.pages import network as network_page
from atlas.insights.pages import overview as overview_page
from atlas.insights.pages import revival as revival_page
from atlas.insights.pages.downloads import COUNTRY_TABLES, TABLES
from atlas.insights.snapshot import CountryFigures, Insights, current_insights
from atlas.insights.tables import Table

# Bump when a CSV's columns change, so that cached copies are not reused.
CSV_VERSION = 1


@require_safe
def overview(request):
    context = overview_page.context(current_insights())
    return render(request, "insights/overview.html", {**context, "build": dataset_build_info()})


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
    context = country_page.context(insights, figures)
    return render(request, "insights/country.html", {**context, "build": dataset_build_info()})


@require_safe
def network(request):
    return render(request, "insights/network.html", network_page.context(current_insights()))


@require_safe
def coverage(request):
    context = coverage_page.context(current_insights())
    return render(request, "insights/coverage.html", {**context, "build": dataset_build_info()})


@require_safe
def revival(request):
    insights = current_insights()
    form = revival_page.RevivalForm(request.GET, countries=revival_page.country_choices(insights))
    if not form.is_valid():
        context = {"form": form, "insights": insights}
        return render(request, "insights/revival.html", context, status=400)
    context = revival_page.context(insights, form, request.GET.get("page"))
    return render(request, "insights/revival.html", context)


@require_safe
def revival_csv(request, name: str):
    insights = current_insights()
    form = revival_page.RevivalForm(request.GET, countries=revival_page.country_choices(insights))
    if not form.is_valid():
        return JsonResponse(
            {
                "error": _("The parameters are not valid."),
                "fields": {field: list(errors) for field, errors in form.errors.items()},
            },
            status=400,
        )
    partnerships = revival_page.silent_partnerships(form.chosen_years, form.chosen_country)
    if name == "revival-countries":
        table = revival_page.countries_table(
            insights, revival_page.silent_per_country(partnerships)
        )
    else:
        table = revival_page.revival_table(
            partnerships.select_related("municipality_a", "municipality_b")
        )
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
    build = TABLES.get(name)
    if build is None:
        raise Http404
    insights = current_insights()
    return csv_response(request, build(insights), insights, f"insights-{name}.csv")


@require_safe
def country_csv(request, code: str, name: str):
    build = COUNTRY_TABLES.get(name)
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
