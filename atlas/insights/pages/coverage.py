"""The data coverage page: per covered country, how much of what the pages count is known
and how fresh it is; per source, how many records it gave (a country's page lists its own)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from atlas.insights.pages.figure import (
    Figure,
    bars,
    by_name,
    country_columns,
    country_link,
    country_name,
    integer,
    maybe_percent,
    no_data,
    percent,
    sentences,
    without,
)
from atlas.insights.snapshot import Insights, SourceFigures, ratio
from atlas.insights.tables import Both, Column, Link, Missing, Table
from atlas.lib.charts import Datum
from atlas.lib.text import fold


def context(insights: Insights) -> dict:
    return {
        "insights": insights,
        "coverage_figure": coverage_figure(insights),
        "sources_figure": sources_figure(insights),
    }


def coverage_table(insights: Insights, limit: int | None = None) -> Table:
    columns = [
        *country_columns(),
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
    note = sentences(
        _(
            "Shares are of the country's municipalities (population, location) or of the "
            "partnerships with a town in the country (start year, activity)."
        ),
        ngettext(
            "In the other %(count)s covered country no partnership has a known start year.",
            "In the other %(count)s covered countries no partnership has a known start year.",
            others,
        )
        % {"count": integer(others)}
        if data and others
        else "",
    )
    title = _("Share of partnerships whose start year is known, per country")
    empty = _("No partnership has a known start year yet.")
    return Figure(
        "coverage",
        _("Coverage and freshness per country"),
        without(coverage_table(insights), "country"),
        [bars(data, "chart-start-known", title, empty, max_value=100)],
        note,
        layout="stack",
    )


def source_columns() -> list[Column]:
    """A source: its key (in the CSV only), name, licence and when it was retrieved."""
    return [
        Column("source", _("Key")),
        Column("source_name", _("Source")),
        Column("licence", _("Licence")),
        Column("retrieved", _("Retrieved"), numeric=True),
    ]


def source_cells(source: SourceFigures) -> list:
    return [
        source.key,
        Link(source.name, source.url) if source.url else source.name,
        Link(source.licence, source.licence_url) if source.licence_url else source.licence,
        source.retrieved,
    ]


def sources_table(insights: Insights, limit: int | None = None) -> Table:
    columns = [
        *source_columns(),
        Column("places", _("Places"), numeric=True),
        Column("partnerships", _("Partnerships"), numeric=True),
        Column("networks", _("Networks"), numeric=True),
        Column("memberships", _("Memberships"), numeric=True),
    ]
    rows = [
        [
            *source_cells(source),
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
        "sources",
        _("Per source"),
        without(sources_table(insights), "source"),
        [bars(data, "chart-sources", _("Partnerships per source"), no_data())],
        _(
            "A partnership found in two sources counts for both, so the numbers add up to "
            "more than the partnerships in the atlas."
        ),
        layout="stack",
    )
