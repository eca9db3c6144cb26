"""What every insights page is made of: a figure is a chart, the table of its numbers, a CSV
download of that table and a sentence saying what it means, put together from the snapshot
(`atlas.insights.snapshot`) in the visitor's language. Here too: numbers and country names
in words, links to towns and countries. The CSV of a figure is built by the same table
function as the page (each page's module has its own), without the page's limit on rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from django.urls import get_script_prefix, reverse
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries as country_names

from atlas.insights.snapshot import Insights
from atlas.insights.tables import Column, Link, Percent, Table
from atlas.lib.charts import Datum, Svg, bar_chart, column_chart
from atlas.lib.text import fold

CHART_ROWS = 30


@dataclass(frozen=True)
class Chart:
    title: str  # shown above the chart, and its accessible name
    svg: Svg


def bars(
    data: list[Datum], chart_id: str, title: str, empty: str, max_value: float | None = None
) -> Chart:
    """Horizontal bars, described by their largest and smallest values."""
    return Chart(
        title,
        bar_chart(
            data,
            chart_id=chart_id,
            title=title,
            description=range_text(data),
            empty_text=empty,
            max_value=max_value,
        ),
    )


def counts(table: Table, label: int = 0, count: int = 1) -> list[Datum]:
    """A bar or column per row of a table: the text of its `label` cell ("unknown", drawn
    apart, for a None) and the number in its `count` cell."""
    return [
        Datum(
            str(row[label] or _("unknown")),
            row[count],
            integer(row[count]),
            unknown=row[label] is None,
        )
        for row in table.rows
    ]


def columns(data: list[Datum], chart_id: str, title: str, note: str, empty: str) -> Chart:
    """Vertical columns (years, decades, sizes), described by the figure's note."""
    return Chart(
        title,
        column_chart(data, chart_id=chart_id, title=title, description=note, empty_text=empty),
    )


@dataclass
class Figure:
    id: str
    title: str
    table: Table  # the CSV it links to is the one named after the table, with every column
    charts: list[Chart] = field(default_factory=list)
    note: str = ""
    # "side": the chart with its table beside it; "stack": the table under the chart
    # (wide tables); "table": a table without a chart.
    layout: str = "side"
    country: str | None = None  # the code of the country whose CSV it is
    query: str = ""  # the page's parameters, which the CSV takes too

    @property
    def csv_url(self) -> str:
        if self.country:
            return reverse("insights-country-csv", args=[self.country.lower(), self.table.name])
        address = reverse("insights-csv", args=[self.table.name])
        return f"{address}?{self.query}" if self.query else address


# --- Words and numbers ---------------------------------------------------------------


def integer(value: float) -> str:
    """A count (or a heat map's cell) with the language's thousands separator."""
    return number_format(value, 0, force_grouping=True)


def percent(value: float | None) -> str:
    """A share in per cent with one decimal; a share that is not nil but would round to
    0.0 % (or to 100.0 % without being whole) says so, rather than hide it."""
    if value is None:
        return _("unknown")
    if 0 < value < 0.05:
        return "<\u00a0" + number_format(0.1, 1) + "\u00a0%"
    if 99.95 <= value < 100:
        return ">\u00a0" + number_format(99.9, 1) + "\u00a0%"
    return number_format(round(value, 1), 1, force_grouping=True) + "\u00a0%"


def maybe_percent(value: float | None) -> Percent | None:
    return None if value is None else Percent(value)


def rate(value: float | None) -> str:
    if value is None:
        return _("unknown")
    # number_format cuts decimals off a float; round it first.
    return number_format(round(value, 1), 1, force_grouping=True)


def sentences(*texts: str) -> str:
    """The sentences that say something, one after the other."""
    return " ".join(text for text in texts if text)


def country_name(insights: Insights, code: str) -> str:
    """The country's name in the active language (the English one where Django's list has
    none, as for Kosovo)."""
    figures = insights.countries.get(code)
    return names_in(get_language()).get(code) or (figures.name_en if figures else "") or code


@lru_cache(maxsize=16)
def names_in(language: str) -> dict[str, str]:
    """Every country's name in `language` (the active one): looking one name up in
    django-countries translates the whole list, which a table of thousands of rows feels."""
    return {code: str(name) for code, name in country_names}


PLACEHOLDER = "x0placeholder0x"


@lru_cache(maxsize=64)
def url_pattern(name: str, language: str, prefix: str) -> str:
    return reverse(name, args=[PLACEHOLDER])


def url_of(name: str, argument: str) -> str:
    """`reverse(name, args=[argument])`, fast enough for the 20,000 rows of a CSV."""
    return url_pattern(name, get_language(), get_script_prefix()).replace(PLACEHOLDER, argument)


def country_link(insights: Insights, code: str) -> Link:
    return Link(country_name(insights, code), url_of("insights-country", code.lower()))


def country_columns(name: str | None = None) -> list[Column]:
    """A country's code (in the CSV only) and its name, linked to its page."""
    return [Column("country", _("Code")), Column("country_name", name or _("Country"))]


def town_link(insights: Insights, node: int) -> Link:
    place = insights.places[node]
    return Link(place.name, url_of("municipality", place.slug))


def town_label(insights: Insights, node: int) -> str:
    place = insights.places[node]
    return f"{place.name} ({place.country})"


def town_columns(side: str, name: str) -> list[Column]:
    """One town of a pair ("a" or "b"), and its country."""
    return [Column(f"municipality_{side}", name), Column(f"country_{side}", _("Country"))]


def by_name(insights: Insights, codes: Iterable[str]) -> list[str]:
    return sorted(codes, key=lambda code: fold(country_name(insights, code)))


def range_text(data: list[Datum]) -> str:
    """A chart's description: its largest and smallest values in words (the table beside
    the chart has them all)."""
    if not data:
        return ""
    ordered = sorted(data, key=lambda d: -d.value)
    first, last = ordered[0], ordered[-1]
    if len(ordered) == 1:
        return _("%(label)s: %(value)s.") % {"label": first.label, "value": first.shown}
    return _(
        "From %(first)s (%(first_value)s) to %(last)s (%(last_value)s); every value is in "
        "the table beside the chart."
    ) % {
        "first": first.label,
        "first_value": first.shown,
        "last": last.label,
        "last_value": last.shown,
    }


def limited(data: list[Datum], limit: int = CHART_ROWS) -> tuple[list[Datum], str]:
    """At most `limit` bars, and a sentence saying so when some were left out."""
    if len(data) <= limit:
        return data, ""
    return data[:limit], _(
        "The chart shows the first %(shown)s of %(total)s; the table has all."
    ) % {
        "shown": integer(limit),
        "total": integer(len(data)),
    }


def no_data() -> str:
    return _("No data to show yet.")


def without(table: Table, *keys: str) -> Table:
    """The table without some columns, which the page does not need (the CSV has them)."""
    keep = [i for i, column in enumerate(table.columns) if column.key not in keys]
    return Table(
        table.name,
        table.caption,
        [table.columns[i] for i in keep],
        [[row[i] for i in keep] for row in table.rows],
        table.empty,
        table.more,
    )
