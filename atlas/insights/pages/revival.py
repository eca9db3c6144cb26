"""The revival list: active partnerships with no activity recorded for some years, the ones
worth a call to the partner town before they fall asleep for good, and their count per
country. The overview and each country's page give the count of the default list."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import cast

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from atlas.directory.models import Partnership
from atlas.insights.pages.figure import (
    Figure,
    bars,
    by_name,
    country_columns,
    country_link,
    country_name,
    counts,
    integer,
    limited,
    sentences,
    town_columns,
    without,
)
from atlas.insights.snapshot import Insights
from atlas.insights.tables import Both, Column, Link, Missing, Table
from atlas.lib.text import fold

DEFAULT_YEARS = 5
MAX_YEARS = 100
PER_PAGE = 50


class RevivalForm(forms.Form):
    years = forms.IntegerField(
        label=gettext_lazy("No recorded activity for at least this many years"),
        min_value=1,
        max_value=MAX_YEARS,
        required=False,
        error_messages={
            "invalid": gettext_lazy("Enter the number of years as a whole number, e.g. 5."),
            "min_value": gettext_lazy("Enter at least %(limit_value)s year."),
            "max_value": gettext_lazy("Enter at most %(limit_value)s years."),
        },
    )
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)

    def __init__(self, *args, countries: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["years"].widget.attrs.update(placeholder=str(DEFAULT_YEARS), size=4)
        country = cast(forms.ChoiceField, self.fields["country"])
        country.choices = [("", _("All countries")), *countries]
        # The choices are the countries with a partnership; a code typed by hand gets a
        # clearer message than "not one of the available choices".
        country.error_messages["invalid_choice"] = _("Choose a country from the list.")

    @property
    def chosen_years(self) -> int:
        return self.cleaned_data.get("years") or DEFAULT_YEARS

    @property
    def chosen_country(self) -> str:
        return self.cleaned_data.get("country") or ""


def country_choices(insights: Insights) -> list[tuple[str, str]]:
    codes = [c.code for c in insights.countries.values() if c.partnerships]
    return [(code, country_name(insights, code)) for code in by_name(insights, codes)]


def context(insights: Insights, form: RevivalForm, page_number: str | None) -> dict:
    """The page of a valid form."""
    partnerships = silent_partnerships(form.chosen_years, form.chosen_country)
    page = Paginator(
        partnerships.select_related("municipality_a", "municipality_b"), PER_PAGE
    ).get_page(page_number)
    query = urlencode(
        {k: v for k, v in (("years", form.chosen_years), ("country", form.chosen_country)) if v}
    )
    return {
        "form": form,
        "insights": insights,
        "years": form.chosen_years,
        # Its own plural: "for 1 year", "for 3 years" take other forms in our languages.
        "duration": ngettext(
            "for %(years)s year or more", "for %(years)s years or more", form.chosen_years
        )
        % {"years": form.chosen_years},
        "total_text": integer(page.paginator.count),
        "country_name": country_name(insights, form.chosen_country) if form.chosen_country else "",
        "page": page,
        "table": without(revival_table(page.object_list), "municipality_a", "municipality_b"),
        "summary_figure": summary_figure(insights, silent_per_country(partnerships), query),
        "csv_query": query,
    }


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier (28 February for a 29th in a year without one).

    >>> years_before(date(2024, 2, 29), 5)
    datetime.date(2019, 2, 28)
    """
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def silent_partnerships(years: int, country: str = "", today: date | None = None) -> QuerySet:
    """Active partnerships, begun at least `years` ago or at an unknown date, whose latest
    recorded activity is older than that, or that have none recorded: the longest silent
    first (those with none at all, oldest first), then by start."""
    cutoff = years_before(today or date.today(), years)
    partnerships = Partnership.objects.filter(status=Partnership.Status.ACTIVE).filter(
        Q(last_activity__isnull=True) | Q(last_activity__lt=cutoff),
        Q(start_date__lte=cutoff)
        | Q(start_date__isnull=True, start_year__lte=cutoff.year)
        | Q(start_date__isnull=True, start_year__isnull=True),
    )
    if country:
        partnerships = partnerships.in_country(country)
    return partnerships.order_by(
        F("last_activity").asc(nulls_first=True),
        F("start_year").asc(nulls_last=True),
        "pk",
    )


def silent_per_country(partnerships: QuerySet) -> Counter[str]:
    """How many of `partnerships` each country has (on either side, each counted once)."""
    counts: Counter[str] = Counter()
    for code_a, code_b, n in (
        partnerships.order_by()
        .values_list("municipality_a__country_id", "municipality_b__country_id")
        .annotate(n=Count("pk"))
    ):
        for code in {code_a, code_b}:
            counts[code] += n
    return counts


def revival_table(partnerships, today: date | None = None) -> Table:
    """The list as a table (the page shows a page of it, the CSV all of it)."""
    today = today or date.today()
    columns = [
        Column("partnership_id", _("Partnership")),
        *town_columns("a", _("Town")),
        *town_columns("b", _("Partner town")),
        Column("start_year", _("Since"), numeric=True),
        Column("last_activity", _("Last recorded activity"), numeric=True),
        Column("years_without_activity", _("Years without a recorded activity"), numeric=True),
    ]
    rows = []
    for partnership in partnerships:
        a, b = partnership.municipality_a, partnership.municipality_b
        last = partnership.last_activity
        rows.append(
            [
                Both(
                    partnership.pk,
                    Link(f"{a.name} – {b.name}", reverse("partnership", args=[partnership.pk])),
                ),
                a.name,
                a.country_id,
                b.name,
                b.country_id,
                str(partnership.start_year) if partnership.start_year else None,
                last or Missing(_("none recorded")),
                silent_years(last, today) if last else Missing("–"),
            ]
        )
    return Table(
        "revival",
        _("Active partnerships without a recent recorded activity"),
        columns,
        rows,
        _("No active partnership has gone this long without a recorded activity."),
    )


def silent_years(last: date | None, today: date) -> int | None:
    """Whole years since the last activity; None when none is recorded.

    >>> silent_years(date(2019, 6, 1), date(2025, 5, 31)), silent_years(None, date(2025, 1, 1))
    (5, None)
    """
    if last is None:
        return None
    return today.year - last.year - ((today.month, today.day) < (last.month, last.day))


def countries_table(insights: Insights, per_country: Counter[str]) -> Table:
    columns = [*country_columns(), Column("partnerships", _("Partnerships"), numeric=True)]
    ordered = sorted(
        per_country.items(), key=lambda item: (-item[1], fold(country_name(insights, item[0])))
    )
    rows = [[code, country_link(insights, code), n] for code, n in ordered]
    return Table(
        "revival-countries",
        _("Partnerships on the revival list, per country"),
        columns,
        rows,
        _("No active partnership has gone this long without a recorded activity."),
    )


def summary_figure(insights: Insights, per_country: Counter[str], query: str) -> Figure:
    table = countries_table(insights, per_country)
    data, more = limited(counts(table, 1, 2))
    title = _("Partnerships on the revival list, per country")
    return Figure(
        "revival-countries",
        _("Per country"),
        without(table, "country"),
        [bars(data, "chart-revival", title, table.empty)],
        sentences(_("A partnership between two countries counts for both."), more),
        query=query,
    )
