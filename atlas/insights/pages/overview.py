"""The insights overview: every covered country, the country-by-country matrix, the top
country pairs and the figures over time (decades of start, network memberships by year
joined, activities), which a country's page shows for that country too."""

from __future__ import annotations

from collections import Counter

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from atlas.insights.pages.figure import (
    Chart,
    Figure,
    bars,
    by_name,
    columns,
    country_columns,
    country_link,
    country_name,
    counts,
    integer,
    maybe_percent,
    no_data,
    percent,
    rate,
    sentences,
    without,
)
from atlas.insights.pages.revival import DEFAULT_YEARS, silent_partnerships
from atlas.insights.snapshot import CountryFigures, Insights, ratio
from atlas.insights.tables import Column, Table
from atlas.lib.charts import Datum, heat_map
from atlas.lib.text import fold

MATRIX_COUNTRIES = 15
TOP_PAIRS = 20


def context(insights: Insights) -> dict:
    revival_count = silent_partnerships(DEFAULT_YEARS).count()
    return {
        "insights": insights,
        "key_figures": key_figures(insights),
        "countries_figure": countries_figure(insights),
        "matrix_figure": matrix_figure(insights),
        "pairs_figure": pairs_figure(insights),
        "decades_figure": decades_figure(insights),
        "memberships_figure": membership_years_figure(insights),
        "activities_figure": activities_figure(insights),
        "country_links": country_links(insights),
        "network": insights.network,
        "towns_text": integer(insights.network.towns),
        "largest_text": integer(max(insights.network.component_sizes, default=0)),
        "clustering": percent(insights.network.census.clustering * 100),
        "revival_count": revival_count,
        "revival_text": integer(revival_count),
        "revival_years": DEFAULT_YEARS,
        "source_count": sum(1 for s in insights.sources if s.places or s.partnerships),
    }


def key_figures(insights: Insights) -> list[tuple[str, str]]:
    """The headline numbers: (value, what it counts)."""
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


def country_links(insights: Insights) -> list[tuple[str, str, str]]:
    """The covered countries by name, with their share of twinned municipalities, for the
    list of country pages."""
    return [
        (code, country_name(insights, code), percent(insights.countries[code].share_twinned))
        for code in by_name(insights, (c.code for c in insights.covered))
    ]


# --- Countries -------------------------------------------------------------------------


def countries_table(insights: Insights, limit: int | None = None) -> Table:
    columns = [
        *country_columns(),
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
    share_title = _("Share of municipalities with at least one partner")
    per_100k_title = _("Partnerships per 100,000 inhabitants")
    return Figure(
        "countries",
        _("Municipalities with at least one partner, per country"),
        without(countries_table(insights), "country"),
        [
            bars(share, "chart-share-twinned", share_title, no_data(), max_value=100),
            bars(per_100k, "chart-per-100k", per_100k_title, no_data()),
        ],
        note,
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
    title = _("Partnerships between countries")
    chart = heat_map(
        names,
        top,
        values,
        chart_id="chart-matrix",
        title=title,
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
        "matrix",
        _("Country by country"),
        table,
        [Chart(title, chart)],
        _(
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
    title = _("The %(count)s pairs of countries with the most partnerships") % {
        "count": integer(len(data))
    }
    return Figure(
        "pairs",
        _("Top country pairs"),
        without(table, "country_a", "country_b"),
        [bars(data, "chart-pairs", title, no_data())],
        _("Partnerships between two different countries; the CSV has every pair."),
    )


# --- Time (here and on a country's page) ------------------------------------------------


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
    title = _("Partnerships by decade of their start, and those whose start is unknown")
    return Figure(
        "decades",
        _("Partnerships by decade of their start"),
        table,
        [columns(counts(table), "chart-decades", title, note, no_data())],
        note,
        country=code,
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
    title = _("Recorded activities by year")
    return Figure(
        "activities",
        _("Activities over time"),
        table,
        [columns(counts(table), "chart-activities", title, note, table.empty)],
        note,
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
        _("No membership of a network is recorded yet."),
    )


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
    numbers = {
        "known": integer(known),
        "total": integer(total),
        "share": percent(ratio(known, total)),
        "unknown": integer(unknown),
        "unknown_share": percent(ratio(unknown, total)),
        "networks": networks_text(insights, figures.membership_networks),
    }
    if not total:
        note = table.empty
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
        note = sentences(
            _(
                "Towns' memberships in networks – associations, local action groups, "
                "initiatives – by the year the town joined: membership of a network, not "
                "twinning between two towns. Statistical regions are left out, as no town "
                "joins its region."
            ),
            years % numbers,
        )
    title = _("Network memberships by year joined, and those whose year is unknown")
    chart = columns(counts(table), "chart-membership-years", title, note, table.empty)
    return Figure(
        "memberships",
        _("Network memberships by year joined"),
        table,
        [chart],
        note,
        country=code,
    )
