"""What the insights pages show: each figure is a chart, the table of its numbers, a CSV
download of that table and a sentence saying what it means, put together from the snapshot
in `figures.py` in the visitor's language. The CSV of a figure is built by the same table
function as the page, without the page's limit on rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from django.urls import get_script_prefix, reverse
from django.utils.formats import number_format
from django.utils.text import get_text_list
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django_countries import countries as country_names

from atlas.insights.figures import CountryFigures, Insights, RegionFigures, ratio
from atlas.insights.tables import Both, Column, Link, Missing, Percent, Table
from atlas.lib.charts import Datum, Svg, bar_chart, column_chart, heat_map
from atlas.lib.text import fold

MATRIX_COUNTRIES = 15
TOP_PAIRS = 20
CHART_ROWS = 30
PAGE_TOWNS = 20
PAGE_OPPORTUNITIES = 30
PAGE_BROKERS = 20
PAGE_BRIDGES = 30
COUNTRY_PARTNERS_CHART = 15


@dataclass(frozen=True)
class Chart:
    title: str  # shown above the chart, and its accessible name
    svg: Svg


def chart_bars(data: list[Datum], **options) -> Chart:
    return Chart(options["title"], bar_chart(data, **options))


def chart_columns(data: list[Datum], **options) -> Chart:
    return Chart(options["title"], column_chart(data, **options))


def chart_matrix(rows: list[str], cols: list[str], values: list[list[int]], **options) -> Chart:
    return Chart(options["title"], heat_map(rows, cols, values, **options))


@dataclass
class Figure:
    id: str
    title: str
    table: Table
    csv_url: str
    charts: list[Chart] = field(default_factory=list)
    note: str = ""
    # "side": the chart with its table beside it; "stack": the table under the chart
    # (wide tables); "table": a table without a chart.
    layout: str = "side"


# --- Words and numbers ---------------------------------------------------------------


def integer(value: int) -> str:
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


def rate(value: float | None) -> str:
    if value is None:
        return _("unknown")
    # number_format cuts decimals off a float; round it first.
    return number_format(round(value, 1), 1, force_grouping=True)


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


def town_link(insights: Insights, node: int) -> Link:
    place = insights.places[node]
    return Link(place.name, url_of("municipality", place.slug))


def town_label(insights: Insights, node: int) -> str:
    place = insights.places[node]
    return f"{place.name} ({place.country})"


def by_name(insights: Insights, codes: Iterable[str]) -> list[str]:
    return sorted(codes, key=lambda code: fold(country_name(insights, code)))


def csv_url(name: str, code: str | None = None) -> str:
    if code:
        return reverse("insights-country-csv", args=[code.lower(), name])
    return reverse("insights-csv", args=[name])


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


# --- Countries -------------------------------------------------------------------------


def countries_table(insights: Insights, limit: int | None = None) -> Table:
    columns = [
        Column("country", _("Code")),
        Column("country_name", _("Country")),
        Column("municipalities", _("Municipalities"), numeric=True),
        Column("municipalities_with_partner", _("With a partner"), numeric=True),
        Column("share_with_partner_percent", _("Share with a partner"), numeric=True),
        Column("partnerships", _("Partnerships"), numeric=True),
        Column("international_partnerships", _("International"), numeric=True),
        Column("population", _("Inhabitants"), numeric=True),
        Column("partnerships_per_100k", _("Per 100,000 inhabitants"), numeric=True),
        Column("top_partner_country", _("Top partner country")),
        Column("top_partner_country_partnerships", _("Partnerships with it"), numeric=True),
    ]
    rows = []
    for code in by_name(insights, (c.code for c in insights.covered)):
        country = insights.countries[code]
        top = country.partner_countries.most_common(1)
        rows.append(
            [
                code,
                country_link(insights, code),
                country.municipalities,
                country.twinned,
                maybe_percent(country.share_twinned),
                country.partnerships,
                country.international,
                country.population,
                country.per_100k,
                country_name(insights, top[0][0]) if top else None,
                top[0][1] if top else None,
            ]
        )
    return Table(
        "countries",
        _("Municipalities with partners, per country"),
        columns,
        rows,
        empty=_("No country is fully covered yet."),
    )


def maybe_percent(value: float | None) -> Percent | None:
    return None if value is None else Percent(value)


def countries_figure(insights: Insights) -> Figure:
    covered = insights.covered
    share = sorted(
        (
            Datum(country_name(insights, c.code), c.share_twinned, percent(c.share_twinned))
            for c in covered
            if c.share_twinned is not None
        ),
        key=lambda d: (-d.value, fold(d.label)),
    )
    per_100k = sorted(
        (
            Datum(country_name(insights, c.code), c.per_100k, rate(c.per_100k))
            for c in covered
            if c.per_100k is not None
        ),
        key=lambda d: (-d.value, fold(d.label)),
    )
    total, twinned = insights.covered_totals()
    note = _(
        "Of the %(total)s municipalities of the %(countries)s countries whose every "
        "municipality is in the atlas, %(twinned)s (%(share)s) have at least one partner town."
    ) % {
        "total": integer(total),
        "countries": integer(len(covered)),
        "twinned": integer(twinned),
        "share": percent(ratio(twinned, total)),
    }
    return Figure(
        id="countries",
        title=_("Municipalities with at least one partner, per country"),
        table=without(countries_table(insights), "country"),
        csv_url=csv_url("countries"),
        charts=[
            chart_bars(
                share,
                chart_id="chart-share-twinned",
                title=_("Share of municipalities with at least one partner"),
                description=range_text(share),
                empty_text=no_data(),
                max_value=100,
            ),
            chart_bars(
                per_100k,
                chart_id="chart-per-100k",
                title=_("Partnerships per 100,000 inhabitants"),
                description=range_text(per_100k),
                empty_text=no_data(),
            ),
        ],
        note=note,
        layout="stack",
    )


def matrix_figure(insights: Insights) -> Figure:
    top = [
        c.code
        for c in sorted(
            (c for c in insights.countries.values() if c.partnerships),
            key=lambda c: (-c.partnerships, c.code),
        )[:MATRIX_COUNTRIES]
    ]
    names = [country_name(insights, code) for code in top]
    values = [[insights.pairs[min(a, b), max(a, b)] for b in top] for a in top]
    columns = [Column("country_name", _("Country")), *(Column(code, code, True) for code in top)]
    rows: list[list] = [
        [country_link(insights, a), *row] for a, row in zip(top, values, strict=True)
    ]
    table = Table(
        "country-pairs",
        _("Partnerships between the %(count)s countries with the most partnerships")
        % {"count": integer(len(top))},
        columns,
        rows,
        empty=no_data(),
    )
    chart = chart_matrix(
        names,
        top,
        values,
        chart_id="chart-matrix",
        title=_("Partnerships between countries"),
        description=_(
            "Rows and columns are the %(count)s countries with the most partnerships, columns "
            "by their ISO code. Each cell gives the number of partnerships between the two "
            "countries, and is darker the more there are; the diagonal counts partnerships "
            "within a country."
        )
        % {"count": integer(len(top))},
        empty_text=no_data(),
        row_titles=names,
        column_titles=names,
        fmt=integer,
    )
    return Figure(
        id="matrix",
        title=_("Country by country"),
        table=table,
        csv_url=csv_url("country-pairs"),
        charts=[chart],
        note=_(
            "A partnership between two countries is counted once, in both of their rows. The "
            "CSV lists every pair of countries, not only these."
        ),
        layout="stack",
    )


def pairs_table(insights: Insights, limit: int | None = None) -> Table:
    columns = [
        Column("country_a", _("Code")),
        Column("country_a_name", _("Country")),
        Column("country_b", _("Code")),
        Column("country_b_name", _("Partner country")),
        Column("partnerships", _("Partnerships"), numeric=True),
    ]
    pairs = sorted(insights.pairs.items(), key=lambda item: (-item[1], item[0]))
    if limit is not None:
        pairs = [(pair, n) for pair, n in pairs if pair[0] != pair[1]][:limit]
    links = {code: country_link(insights, code) for pair, _n in pairs for code in pair}
    rows = [[a, links[a], b, links[b], n] for (a, b), n in pairs]
    return Table(
        "country-pairs",
        _("Country pairs with the most partnerships"),
        columns,
        rows,
        empty=no_data(),
    )


def pairs_figure(insights: Insights) -> Figure:
    table = pairs_table(insights, limit=TOP_PAIRS)
    data = [Datum(f"{row[1].text} – {row[3].text}", row[4], integer(row[4])) for row in table.rows]
    return Figure(
        id="pairs",
        title=_("Top country pairs"),
        table=without(table, "country_a", "country_b"),
        csv_url=csv_url("country-pairs"),
        charts=[
            chart_bars(
                data,
                chart_id="chart-pairs",
                title=_("The %(count)s pairs of countries with the most partnerships")
                % {"count": integer(len(data))},
                description=range_text(data),
                empty_text=no_data(),
            )
        ],
        note=_("Partnerships between two different countries; the CSV has every pair."),
    )


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


# --- Time ------------------------------------------------------------------------------


def decades_table(insights: Insights, code: str | None = None, limit: int | None = None) -> Table:
    years, unknown, total = start_years(insights, code)
    columns = [
        Column("decade", _("Decade")),
        Column("partnerships", _("Partnerships"), numeric=True),
        Column("share_percent", _("Share of all"), numeric=True),
    ]
    rows: list[list] = []
    if years:
        first, last = min(years) // 10 * 10, max(years) // 10 * 10
        for decade in range(first, last + 1, 10):
            n = sum(years[y] for y in range(decade, decade + 10))
            rows.append([f"{decade}–{decade + 9}", n, maybe_percent(ratio(n, total))])
    if unknown:
        rows.append([None, unknown, maybe_percent(ratio(unknown, total))])
    name = "start-decades"
    return Table(name, _("Partnerships by decade of their start"), columns, rows, no_data())


def years_table(insights: Insights, code: str | None = None, limit: int | None = None) -> Table:
    years, unknown, _total = start_years(insights, code)
    columns = [Column("start_year", _("Year")), Column("partnerships", _("Partnerships"), True)]
    rows: list[list] = [[str(year), years[year]] for year in sorted(years)]
    if unknown:
        rows.append([None, unknown])
    return Table("start-years", _("Partnerships by year of their start"), columns, rows, no_data())


def start_years(insights: Insights, code: str | None) -> tuple[dict[int, int], int, int]:
    if code:
        country = insights.countries[code]
        return country.start_years, country.partnerships - country.start_known, country.partnerships
    return insights.start_years, insights.start_unknown, insights.partnerships


def decades_figure(insights: Insights, code: str | None = None) -> Figure:
    table = decades_table(insights, code)
    _years, unknown, total = start_years(insights, code)
    data = [
        Datum(row[0] or _("unknown"), row[1], integer(row[1]), unknown=row[0] is None)
        for row in table.rows
    ]
    known = total - unknown
    note = (
        _(
            "The start year is known for %(known)s of %(total)s partnerships (%(share)s); the "
            "other %(unknown)s (%(unknown_share)s) are shown as “unknown”, as the lists of twin "
            "towns do not say when a partnership began."
        )
        % {
            "known": integer(known),
            "total": integer(total),
            "share": percent(ratio(known, total)),
            "unknown": integer(unknown),
            "unknown_share": percent(ratio(unknown, total)),
        }
        if total
        else no_data()
    )
    return Figure(
        id="decades",
        title=_("Partnerships by decade of their start"),
        table=table,
        csv_url=csv_url("start-decades", code),
        charts=[
            chart_columns(
                data,
                chart_id="chart-decades",
                title=_("Partnerships by decade of their start, and those whose start is unknown"),
                description=note,
                empty_text=no_data(),
            )
        ],
        note=note,
    )


def activity_years_table(insights: Insights, limit: int | None = None) -> Table:
    columns = [Column("year", _("Year")), Column("activities", _("Activities"), numeric=True)]
    rows: list[list] = []
    if insights.activity_years:
        first, last = min(insights.activity_years), max(insights.activity_years)
        rows = [[str(year), insights.activity_years[year]] for year in range(first, last + 1)]
    return Table(
        "activity-years",
        _("Recorded activities by year"),
        columns,
        rows,
        _("No activity is recorded yet."),
    )


def activities_figure(insights: Insights) -> Figure:
    table = activity_years_table(insights)
    data = [Datum(row[0], row[1], integer(row[1])) for row in table.rows]
    silent = insights.partnerships - insights.with_activity
    note = (
        _(
            "No activity is recorded for any of the %(total)s partnerships yet, which does not "
            "mean that none took place: the lists of twin towns record none, and coordinators "
            "add them on their municipality's page."
        )
        % {"total": integer(insights.partnerships)}
        if not insights.activities
        else None
    )
    note = note or ngettext(
        "%(activities)s activity is recorded for %(with)s of %(total)s partnerships; for "
        "the other %(silent)s (%(share)s) no activity is recorded, which does not mean that "
        "none took place.",
        "%(activities)s activities are recorded for %(with)s of %(total)s partnerships; for "
        "the other %(silent)s (%(share)s) no activity is recorded, which does not mean that "
        "none took place.",
        insights.activities,
    ) % {
        "activities": integer(insights.activities),
        "with": integer(insights.with_activity),
        "total": integer(insights.partnerships),
        "silent": integer(silent),
        "share": percent(ratio(silent, insights.partnerships)),
    }
    return Figure(
        id="activities",
        title=_("Activities over time"),
        table=table,
        csv_url=csv_url("activity-years"),
        charts=[
            chart_columns(
                data,
                chart_id="chart-activities",
                title=_("Recorded activities by year"),
                description=note,
                empty_text=_("No activity is recorded yet."),
            )
        ],
        note=note,
    )


def membership_figures(insights: Insights, code: str | None) -> Insights | CountryFigures:
    return insights.countries[code] if code else insights


def membership_years_table(
    insights: Insights, code: str | None = None, limit: int | None = None
) -> Table:
    """Memberships in networks by the year joined, every year from the first to the last,
    and those of an unknown year last (an empty cell in the CSV)."""
    figures = membership_figures(insights, code)
    years, total = figures.membership_years, figures.memberships
    unknown = total - sum(years.values())
    columns = [
        Column("year_joined", _("Year joined")),
        Column("memberships", _("Memberships"), numeric=True),
        Column("share_percent", _("Share of all"), numeric=True),
    ]
    rows: list[list] = []
    if years:
        rows = [
            [str(year), years[year], maybe_percent(ratio(years[year], total))]
            for year in range(min(years), max(years) + 1)
        ]
    if unknown:
        rows.append([None, unknown, maybe_percent(ratio(unknown, total))])
    return Table(
        "membership-years",
        _("Memberships in networks by the year joined"),
        columns,
        rows,
        no_memberships(),
    )


def no_memberships() -> str:
    return _("No membership of a network is recorded yet.")


NAMED_NETWORKS = 3


def networks_text(insights: Insights, networks: Counter[int]) -> str:
    """The networks whose lists give the years, most years first: "Covenant of Mayors
    (9,784) and LAG Srce Slovenije (1)"; beyond three, "and 4 other networks"."""
    ordered = sorted(networks.items(), key=lambda item: (-item[1], item[0]))
    # Each name is isolated (FSI … PDI), so a right-to-left mark in one cannot turn the
    # rest of the sentence around.
    names = [
        _("%(network)s (%(count)s)")
        % {"network": f"\u2068{insights.network_names[pk]}\u2069", "count": integer(n)}
        for pk, n in ordered[:NAMED_NETWORKS]
    ]
    others = len(ordered) - NAMED_NETWORKS
    if others > 0:
        names.append(
            ngettext("%(count)s other network", "%(count)s other networks", others)
            % {"count": integer(others)}
        )
    return get_text_list(names, _("and"))


def membership_years_figure(insights: Insights, code: str | None = None) -> Figure:
    table = membership_years_table(insights, code)
    figures = membership_figures(insights, code)
    total = figures.memberships
    known = sum(figures.membership_years.values())
    unknown = total - known
    data = [
        Datum(row[0] or _("unknown"), row[1], integer(row[1]), unknown=row[0] is None)
        for row in table.rows
    ]
    numbers = {
        "known": integer(known),
        "total": integer(total),
        "share": percent(ratio(known, total)),
        "unknown": integer(unknown),
        "unknown_share": percent(ratio(unknown, total)),
        "networks": networks_text(insights, figures.membership_networks),
    }
    if not total:
        note = no_memberships()
    else:
        if known and unknown:
            years = _(
                "The year joined is known for %(known)s of %(total)s memberships (%(share)s), "
                "in %(networks)s; the other %(unknown)s (%(unknown_share)s) are shown as "
                "“unknown”: the other lists of members do not say when a town joined."
            )
        elif known:
            years = ngettext(
                "The year joined is known for %(total)s membership, in %(networks)s.",
                "The year joined is known for all %(total)s memberships, in %(networks)s.",
                total,
            )
        else:
            years = ngettext(
                "No list of members says when a town joined: %(total)s membership is shown "
                "as “unknown”.",
                "No list of members says when a town joined: all %(total)s memberships are "
                "shown as “unknown”.",
                total,
            )
        note = (
            _(
                "Towns' memberships in networks – associations, local action groups, "
                "initiatives – by the year the town joined: membership of a network, not "
                "twinning between two towns. Statistical regions are left out, as no town "
                "joins its region."
            )
            + " "
            + years % numbers
        )
    return Figure(
        id="memberships",
        title=_("Network memberships by year joined"),
        table=table,
        csv_url=csv_url("membership-years", code),
        charts=[
            chart_columns(
                data,
                chart_id="chart-membership-years",
                title=_("Network memberships by year joined, and those whose year is unknown"),
                description=note,
                empty_text=no_memberships(),
            )
        ],
        note=note,
    )


# --- One country -----------------------------------------------------------------------


def partner_countries_table(insights: Insights, code: str, limit: int | None = None) -> Table:
    country = insights.countries[code]
    columns = [
        Column("country", _("Code")),
        Column("country_name", _("Partner country")),
        Column("partnerships", _("Partnerships"), numeric=True),
        Column("share_percent", _("Share of the international ones"), numeric=True),
    ]
    ordered = sorted(country.partner_countries.items(), key=lambda item: (-item[1], item[0]))
    rows = [
        [other, country_link(insights, other), n, maybe_percent(ratio(n, country.international))]
        for other, n in ordered[:limit]
    ]
    return Table(
        "partner-countries",
        _("Partner countries of %(country)s") % {"country": country_name(insights, code)},
        columns,
        rows,
        _("No international partnership is recorded."),
    )


def partner_countries_figure(insights: Insights, code: str) -> Figure:
    table = partner_countries_table(insights, code)
    data, more = limited(
        [Datum(row[1].text, row[2], integer(row[2])) for row in table.rows],
        COUNTRY_PARTNERS_CHART,
    )
    country = insights.countries[code]
    return Figure(
        id="partner-countries",
        title=_("With which countries"),
        table=without(table, "country"),
        csv_url=csv_url("partner-countries", code),
        charts=[
            chart_bars(
                data,
                chart_id="chart-partner-countries",
                title=_("Partnerships of %(country)s by partner country")
                % {"country": country_name(insights, code)},
                description=range_text(data),
                empty_text=_("No international partnership is recorded."),
            )
        ],
        note=" ".join(
            filter(
                None,
                [
                    _(
                        "%(international)s international partnerships with %(count)s countries, "
                        "and %(domestic)s within the country."
                    )
                    % {
                        "international": integer(country.international),
                        "count": integer(len(country.partner_countries)),
                        "domestic": integer(country.domestic),
                    },
                    more,
                ],
            )
        ),
    )


def region_label(region: RegionFigures) -> str:
    return region.name or region.code


def regions_table(insights: Insights, code: str | None = None, limit: int | None = None) -> Table:
    columns = [
        Column("country", _("Country")),
        Column("nuts3", _("NUTS 3 code")),
        Column("region_name", _("Region")),
        Column("municipalities", _("Municipalities"), numeric=True),
        Column("municipalities_with_partner", _("With a partner"), numeric=True),
        Column("share_with_partner_percent", _("Share with a partner"), numeric=True),
        Column("partnerships", _("Partnerships"), numeric=True),
        Column("population", _("Inhabitants"), numeric=True),
        Column("partnerships_per_100k", _("Per 100,000 inhabitants"), numeric=True),
    ]
    regions = [
        r for r in insights.regions if (r.country == code if code else True) and r.municipalities
    ]
    rows = [
        [
            region.country,
            region.code,
            region.name or Missing("–"),
            region.municipalities,
            region.twinned,
            maybe_percent(region.share_twinned),
            region.partnerships,
            region.population,
            region.per_100k,
        ]
        for region in regions
    ]
    return Table(
        "regions",
        _("Municipalities with partners, per NUTS 3 region"),
        columns,
        rows,
        _("The atlas has no regions for this country."),
    )


def regions_figure(insights: Insights, code: str) -> Figure:
    table = regions_table(insights, code)
    regions = [r for r in insights.regions if r.country == code and r.municipalities]
    # Bars by the number of twinned municipalities: by share, the one-municipality regions
    # (Germany's towns outside a district) would all come first at 100 %.
    ranked = sorted(regions, key=lambda r: (-r.twinned, -(r.share_twinned or 0), r.code))
    data, more = limited(
        [
            Datum(
                region_label(r),
                r.twinned,
                _("%(twinned)s of %(total)s (%(share)s)")
                % {
                    "twinned": integer(r.twinned),
                    "total": integer(r.municipalities),
                    "share": percent(r.share_twinned),
                },
                title=f"{region_label(r)} ({r.code})",
            )
            for r in ranked
        ]
    )
    shown = without(table, "country")
    named = sum(1 for r in regions if r.name)
    note = more
    if regions and named < len(regions):
        note = " ".join(
            filter(
                None,
                [
                    _(
                        "Regions are the NUTS 3 regions of Eurostat; the atlas has names for "
                        "%(named)s of these %(count)s, the others are shown by their code."
                    )
                    % {"named": integer(named), "count": integer(len(regions))},
                    more,
                ],
            )
        )
    return Figure(
        id="regions",
        title=_("Per region"),
        table=shown,
        csv_url=csv_url("regions", code),
        charts=[
            chart_bars(
                data,
                chart_id="chart-regions",
                title=_("Municipalities with at least one partner, per region"),
                description=range_text(data),
                empty_text=_("The atlas has no regions for this country."),
            )
        ],
        note=note,
        layout="stack",
    )


def towns_table(insights: Insights, code: str | None = None, limit: int | None = None) -> Table:
    network = insights.network
    if code:
        ranked = network.top_per_country.get(code, [])
    elif limit is None:
        ranked = sorted(network.degrees.items(), key=lambda item: (-item[1], item[0]))
    else:
        ranked = network.most_connected
    ranked = ranked[:limit] if limit is not None else ranked
    columns = [
        Column("rank", _("Rank"), numeric=True),
        Column("municipality", _("Municipality")),
        Column("country", _("Country")),
        Column("partners", _("Partner towns"), numeric=True),
    ]
    # The CSV has every town with a partner: resolve the address once, not 20,000 times.
    address = url_pattern("municipality", get_language(), get_script_prefix())
    places = insights.places
    rows = [
        [
            rank,
            Link(places[node].name, address.replace(PLACEHOLDER, places[node].slug)),
            places[node].country,
            degree,
        ]
        for rank, (node, degree) in enumerate(ranked, start=1)
        if node in places
    ]
    return Table(
        "towns",
        _("Most connected towns"),
        columns,
        rows,
        _("No partnership is recorded."),
    )


def towns_figure(insights: Insights, code: str | None = None) -> Figure:
    table = towns_table(insights, code, limit=None if code else PAGE_TOWNS)
    data = [
        Datum(town_label(insights, node), degree, integer(degree))
        for node, degree in (
            insights.network.top_per_country.get(code, [])
            if code
            else insights.network.most_connected[:PAGE_TOWNS]
        )
        if node in insights.places
    ]
    return Figure(
        id="towns",
        title=_("Most connected towns"),
        table=table,
        csv_url=csv_url("towns", code),
        charts=[
            chart_bars(
                data,
                chart_id="chart-towns",
                title=_("Towns with the most partner towns"),
                description=range_text(data),
                empty_text=_("No partnership is recorded."),
            )
        ],
        note=_("Partner towns are counted once, whatever the kind of partnership.")
        + (" " + _("The CSV lists every town with a partner.") if not code else ""),
    )


def country_sources_table(insights: Insights, code: str, limit: int | None = None) -> Table:
    country = insights.countries[code]
    columns = [
        Column("source", _("Key")),
        Column("source_name", _("Source")),
        Column("licence", _("Licence")),
        Column("retrieved", _("Retrieved"), numeric=True),
        Column("places", _("Places"), numeric=True),
        Column("partnerships", _("Partnerships"), numeric=True),
    ]
    rows = [
        [
            source.key,
            Link(source.name, source.url) if source.url else source.name,
            Link(source.licence, source.licence_url) if source.licence_url else source.licence,
            source.retrieved,
            country.place_sources.get(source.pk, 0),
            country.partnership_sources.get(source.pk, 0),
        ]
        for source in insights.sources
        if source.pk in country.place_sources or source.pk in country.partnership_sources
    ]
    return Table(
        "sources",
        _("Where the data on %(country)s comes from") % {"country": country_name(insights, code)},
        columns,
        rows,
        _("No record of this country names a source."),
    )


# --- Network ---------------------------------------------------------------------------


def network_table(insights: Insights, limit: int | None = None) -> Table:
    network = insights.network
    sizes = network.component_sizes
    largest = sizes[0] if sizes else 0
    columns = [
        Column("measure", _("Measure")),
        Column("key", _("Key")),
        Column("value", _("Value"), numeric=True),
    ]
    rows: list[list] = [
        [_("Towns with at least one partner"), "towns", network.towns],
        [_("Pairs of partner towns"), "links", network.links],
        [_("Connected groups of towns"), "components", len(sizes)],
        [_("Towns in the largest group"), "largest_component", largest],
        [
            _("Share of towns in the largest group"),
            "largest_component_percent",
            maybe_percent(ratio(largest, network.towns)),
        ],
        [_("Closed triads (three towns all partnered)"), "triads_closed", network.census.closed],
        [
            _("Open triads (two partnerships, third pair missing)"),
            "triads_open",
            network.census.open,
        ],
        [
            _("Clustering coefficient (share of triads that are closed)"),
            "clustering_percent",
            Percent(network.census.clustering * 100),
        ],
        [
            _("Bridges (partnerships that alone hold two groups together)"),
            "bridges",
            network.bridges,
        ],
        [
            _("Bridges across a border between two towns with other partners"),
            "cross_border_bridges",
            len(network.cross_border_bridges),
        ],
    ]
    return Table("network", _("The network of partner towns"), columns, rows, no_data())


def network_summary_figure(insights: Insights) -> Figure:
    table = network_table(insights)
    shown = without(table, "key")
    return Figure(
        id="summary",
        title=_("The network in figures"),
        table=shown,
        csv_url=csv_url("network"),
        layout="table",
    )


COMPONENT_BUCKETS = ((2, 2), (3, 3), (4, 5), (6, 10), (11, 100), (101, 1000), (1001, None))


def components_table(insights: Insights, limit: int | None = None) -> Table:
    columns = [
        Column("size", _("Towns in the group")),
        Column("groups", _("Groups"), numeric=True),
        Column("towns", _("Towns in all"), numeric=True),
    ]
    rows = []
    for low, high in COMPONENT_BUCKETS:
        sizes = [
            s for s in insights.network.component_sizes if s >= low and (not high or s <= high)
        ]
        if low == high:
            label = integer(low)
        elif high:
            label = f"{integer(low)}–{integer(high)}"
        else:
            label = _("%(count)s or more") % {"count": integer(low)}
        rows.append([label, len(sizes), sum(sizes)])
    return Table(
        "components",
        _("Connected groups of towns by size"),
        columns,
        rows,
        _("No partnership is recorded."),
    )


def components_figure(insights: Insights) -> Figure:
    table = components_table(insights)
    data = [Datum(row[0], row[1], integer(row[1])) for row in table.rows]
    network = insights.network
    largest = network.component_sizes[0] if network.component_sizes else 0
    note = _(
        "Towns are in one group when a chain of partnerships links them. %(groups)s groups; "
        "the largest holds %(largest)s of the %(towns)s towns with a partner (%(share)s)."
    ) % {
        "groups": integer(len(network.component_sizes)),
        "largest": integer(largest),
        "towns": integer(network.towns),
        "share": percent(ratio(largest, network.towns)),
    }
    return Figure(
        id="components",
        title=_("Connected groups"),
        table=table,
        csv_url=csv_url("components"),
        charts=[
            chart_columns(
                data,
                chart_id="chart-components",
                title=_("Connected groups of towns by their size"),
                description=note,
                empty_text=_("No partnership is recorded."),
            )
        ],
        note=note,
    )


def largest_components_table(insights: Insights) -> Table:
    columns = [
        Column("rank", _("Rank"), numeric=True),
        Column("towns", _("Towns"), numeric=True),
        Column("countries", _("Countries"), numeric=True),
        Column("hubs", _("Best-connected towns in it")),
    ]
    rows = [
        [
            rank,
            component.size,
            component.countries,
            [town_link(insights, n) for n in component.hubs],
        ]
        for rank, component in enumerate(insights.network.largest, start=1)
    ]
    return Table(
        "components", _("The largest groups"), columns, rows, _("No partnership is recorded.")
    )


def opportunities_table(insights: Insights, limit: int | None = None) -> Table:
    columns = [
        Column("municipality_a", _("Town")),
        Column("country_a", _("Country")),
        Column("municipality_b", _("Could partner with")),
        Column("country_b", _("Country")),
        Column("shared_partners", _("Shared partners"), numeric=True),
        Column("shared_partner_names", _("Partners they share")),
    ]
    rows = [
        [
            town_link(insights, o.a),
            insights.places[o.a].country,
            town_link(insights, o.b),
            insights.places[o.b].country,
            len(o.shared),
            [town_link(insights, n) for n in o.shared if n in insights.places],
        ]
        for o in insights.network.opportunities[:limit]
        if o.a in insights.places and o.b in insights.places
    ]
    return Table(
        "opportunities",
        _("Partners of partners: towns that share partners but are not partners themselves"),
        columns,
        rows,
        _("No two unpartnered towns share two partners yet."),
    )


def brokers_table(insights: Insights, limit: int | None = None) -> Table:
    columns = [
        Column("municipality", _("Town")),
        Column("country", _("Country")),
        Column("partner_countries", _("Other countries among its partners"), numeric=True),
        Column("partners", _("Partner towns"), numeric=True),
    ]
    rows = [
        [town_link(insights, b.node), insights.places[b.node].country, b.groups, b.degree]
        for b in insights.network.brokers[:limit]
        if b.node in insights.places
    ]
    return Table(
        "brokers",
        _("Towns linking the most countries"),
        columns,
        rows,
        _("No town has partners in another country yet."),
    )


def brokers_figure(insights: Insights) -> Figure:
    table = brokers_table(insights, PAGE_BROKERS)
    data = [
        Datum(town_label(insights, b.node), b.groups, integer(b.groups))
        for b in insights.network.brokers[:PAGE_BROKERS]
        if b.node in insights.places
    ]
    return Figure(
        id="brokers",
        title=_("Towns linking the most countries"),
        table=table,
        csv_url=csv_url("brokers"),
        charts=[
            chart_bars(
                data,
                chart_id="chart-brokers",
                title=_("Number of other countries among each town's partners"),
                description=range_text(data),
                empty_text=_("No town has partners in another country yet."),
            )
        ],
        note=_(
            "Towns whose partners are spread over the most countries other than their own: "
            "they bridge national networks."
        ),
    )


def bridges_table(insights: Insights, limit: int | None = None) -> Table:
    degrees = insights.network.degrees
    columns = [
        Column("municipality_a", _("Town")),
        Column("country_a", _("Country")),
        Column("partners_a", _("Its partners"), numeric=True),
        Column("municipality_b", _("Partner town")),
        Column("country_b", _("Country")),
        Column("partners_b", _("Its partners"), numeric=True),
    ]
    rows = [
        [
            town_link(insights, a),
            insights.places[a].country,
            degrees[a],
            town_link(insights, b),
            insights.places[b].country,
            degrees[b],
        ]
        for a, b in insights.network.cross_border_bridges[:limit]
        if a in insights.places and b in insights.places
    ]
    return Table(
        "bridges",
        _("Partnerships that alone link two groups of towns across a border"),
        columns,
        rows,
        _("No such partnership."),
    )


# --- Coverage --------------------------------------------------------------------------


def coverage_table(insights: Insights, limit: int | None = None) -> Table:
    columns = [
        Column("country", _("Code")),
        Column("country_name", _("Country")),
        Column("municipalities", _("Municipalities"), numeric=True),
        Column("share_with_partner_percent", _("With a partner"), numeric=True),
        Column("population_known_percent", _("Population known"), numeric=True),
        Column("coordinates_known_percent", _("Location known"), numeric=True),
        Column("partnerships", _("Partnerships"), numeric=True),
        Column("start_known_percent", _("Start year known"), numeric=True),
        Column("activity_recorded_percent", _("Activity recorded"), numeric=True),
        Column("latest_activity", _("Latest activity"), numeric=True),
        Column("last_edited", _("Last edited on the site"), numeric=True),
        Column("sources", _("Sources")),
    ]
    keys = {source.pk: source.key for source in insights.sources}
    rows = []
    for code in by_name(insights, (c.code for c in insights.covered)):
        country = insights.countries[code]
        sources = sorted(
            {*country.place_sources, *country.partnership_sources}, key=keys.__getitem__
        )
        rows.append(
            [
                code,
                country_link(insights, code),
                country.municipalities,
                maybe_percent(country.share_twinned),
                maybe_percent(ratio(country.population_known, country.municipalities)),
                maybe_percent(ratio(country.with_coordinates, country.municipalities)),
                country.partnerships,
                maybe_percent(ratio(country.start_known, country.partnerships)),
                maybe_percent(ratio(country.with_activity, country.partnerships)),
                country.latest_activity or Missing(_("none recorded")),
                country.last_edited or Missing(_("never")),
                Both(
                    [keys[pk] for pk in sources],
                    Link(
                        ngettext("%(count)s source", "%(count)s sources", len(sources))
                        % {"count": integer(len(sources))},
                        reverse("insights-country", args=[code.lower()]) + "#sources",
                    ),
                ),
            ]
        )
    return Table(
        "coverage",
        _("Coverage and freshness per country"),
        columns,
        rows,
        _("No country is fully covered yet."),
    )


def coverage_figure(insights: Insights) -> Figure:
    with_partnerships = [c for c in insights.covered if c.partnerships]
    data = sorted(
        (
            Datum(
                country_name(insights, c.code),
                ratio(c.start_known, c.partnerships) or 0,
                percent(ratio(c.start_known, c.partnerships)),
            )
            for c in with_partnerships
            if c.start_known
        ),
        key=lambda d: (-d.value, fold(d.label)),
    )
    others = len(with_partnerships) - len(data)
    note = _(
        "Shares are of the country's municipalities (population, location) or of the "
        "partnerships with a town in the country (start year, activity)."
    )
    if data and others:
        note += " " + ngettext(
            "In the other %(count)s covered country no partnership has a known start year.",
            "In the other %(count)s covered countries no partnership has a known start year.",
            others,
        ) % {"count": integer(others)}
    return Figure(
        id="coverage",
        title=_("Coverage and freshness per country"),
        table=without(coverage_table(insights), "country"),
        csv_url=csv_url("coverage"),
        charts=[
            chart_bars(
                data,
                chart_id="chart-start-known",
                title=_("Share of partnerships whose start year is known, per country"),
                description=range_text(data),
                empty_text=_("No partnership has a known start year yet."),
                max_value=100,
            )
        ],
        note=note,
        layout="stack",
    )


def sources_table(insights: Insights, limit: int | None = None) -> Table:
    columns = [
        Column("source", _("Key")),
        Column("source_name", _("Source")),
        Column("licence", _("Licence")),
        Column("retrieved", _("Retrieved"), numeric=True),
        Column("places", _("Places"), numeric=True),
        Column("partnerships", _("Partnerships"), numeric=True),
        Column("networks", _("Networks"), numeric=True),
        Column("memberships", _("Memberships"), numeric=True),
    ]
    rows = [
        [
            source.key,
            Link(source.name, source.url) if source.url else source.name,
            Link(source.licence, source.licence_url) if source.licence_url else source.licence,
            source.retrieved,
            source.places,
            source.partnerships,
            source.networks,
            source.memberships,
        ]
        for source in insights.sources
    ]
    return Table("sources", _("Records per source"), columns, rows, _("No source is loaded yet."))


def sources_figure(insights: Insights) -> Figure:
    data = sorted(
        (
            Datum(source.name, source.partnerships, integer(source.partnerships))
            for source in insights.sources
            if source.partnerships
        ),
        key=lambda d: (-d.value, fold(d.label)),
    )
    return Figure(
        id="sources",
        title=_("Per source"),
        table=without(sources_table(insights), "source"),
        csv_url=csv_url("sources"),
        charts=[
            chart_bars(
                data,
                chart_id="chart-sources",
                title=_("Partnerships per source"),
                description=range_text(data),
                empty_text=no_data(),
            )
        ],
        note=_(
            "A partnership found in two sources counts for both, so the numbers add up to "
            "more than the partnerships in the atlas."
        ),
        layout="stack",
    )


# --- CSV downloads -------------------------------------------------------------------


TABLES: dict[str, Callable[..., Table]] = {
    "countries": countries_table,
    "regions": regions_table,
    "country-pairs": pairs_table,
    "start-decades": decades_table,
    "start-years": years_table,
    "activity-years": activity_years_table,
    "membership-years": membership_years_table,
    "network": network_table,
    "towns": towns_table,
    "components": components_table,
    "opportunities": opportunities_table,
    "brokers": brokers_table,
    "bridges": bridges_table,
    "coverage": coverage_table,
    "sources": sources_table,
}

COUNTRY_TABLES: dict[str, Callable[..., Table]] = {
    "partner-countries": partner_countries_table,
    "regions": regions_table,
    "start-decades": decades_table,
    "start-years": years_table,
    "membership-years": membership_years_table,
    "towns": towns_table,
    "sources": country_sources_table,
}


def key_figures(insights: Insights, country: CountryFigures | None = None) -> list[tuple[str, str]]:
    """The headline numbers: (value, what it counts)."""
    if country is None:
        total, twinned = insights.covered_totals()
        known = insights.partnerships - insights.start_unknown
        return [
            (integer(insights.partnerships), _("partnerships")),
            (
                f"{integer(twinned)} / {integer(total)}",
                _("municipalities with a partner in the %(count)s covered countries")
                % {"count": integer(len(insights.covered))},
            ),
            (percent(ratio(twinned, total)), _("of those municipalities have a partner")),
            (
                percent(ratio(known, insights.partnerships)),
                _("of partnerships with a known start year"),
            ),
        ]
    figures = [(integer(country.partnerships), _("partnerships"))]
    if country.municipalities:
        figures += [
            (
                f"{integer(country.twinned)} / {integer(country.municipalities)}",
                _("municipalities with a partner"),
            ),
            (percent(country.share_twinned), _("of its municipalities have a partner")),
            (rate(country.per_100k), _("partnerships per 100,000 inhabitants")),
        ]
    figures.append((integer(len(country.partner_countries)), _("partner countries")))
    return figures
