"""One country's insights page: its partner countries, its NUTS 3 regions, since when, its
most connected towns, how many of its partnerships have gone quiet and where its data comes
from."""

from __future__ import annotations

from django.utils.translation import gettext as _

from atlas.insights.pages.coverage import source_cells, source_columns
from atlas.insights.pages.figure import (
    Figure,
    bars,
    country_columns,
    country_link,
    country_name,
    counts,
    integer,
    limited,
    maybe_percent,
    percent,
    rate,
    sentences,
    without,
)
from atlas.insights.pages.network import towns_figure
from atlas.insights.pages.overview import decades_figure, membership_years_figure
from atlas.insights.pages.revival import DEFAULT_YEARS, silent_partnerships
from atlas.insights.snapshot import CountryFigures, Insights, RegionFigures, ratio
from atlas.insights.tables import Column, Missing, Table
from atlas.lib.charts import Datum

COUNTRY_PARTNERS_CHART = 15


def context(insights: Insights, country: CountryFigures) -> dict:
    code = country.code
    revival_count = silent_partnerships(DEFAULT_YEARS, code).count()
    return {
        "insights": insights,
        "country": country,
        "code": code.lower(),
        "flag": "".join(chr(0x1F1E6 + ord(letter) - ord("A")) for letter in code),
        "country_name": country_name(insights, code),
        "key_figures": key_figures(country),
        "partner_countries_figure": partner_countries_figure(insights, code),
        "regions_figure": regions_figure(insights, code) if country.municipalities else None,
        "decades_figure": decades_figure(insights, code),
        "memberships_figure": membership_years_figure(insights, code),
        "towns_figure": towns_figure(insights, code),
        "sources_figure": Figure(
            "sources",
            _("How the data was gathered"),
            without(sources_table(insights, code), "source"),
            layout="table",
            country=code,
        ),
        "coverage": {
            "population_known": percent(ratio(country.population_known, country.municipalities)),
            "coordinates_known": percent(ratio(country.with_coordinates, country.municipalities)),
            "start_known": percent(ratio(country.start_known, country.partnerships)),
            "with_activity": percent(ratio(country.with_activity, country.partnerships)),
        },
        "revival_count": revival_count,
        "revival_text": integer(revival_count),
        "revival_years": DEFAULT_YEARS,
    }


def key_figures(country: CountryFigures) -> list[tuple[str, str]]:
    """The headline numbers: (value, what it counts)."""
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


def partner_countries_table(insights: Insights, code: str, limit: int | None = None) -> Table:
    country = insights.countries[code]
    columns = [
        *country_columns(_("Partner country")),
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
    data, more = limited(counts(table, 1, 2), COUNTRY_PARTNERS_CHART)
    country = insights.countries[code]
    title = _("Partnerships of %(country)s by partner country") % {
        "country": country_name(insights, code)
    }
    note = _(
        "%(international)s international partnerships with %(count)s countries, and "
        "%(domestic)s within the country."
    ) % {
        "international": integer(country.international),
        "count": integer(len(country.partner_countries)),
        "domestic": integer(country.domestic),
    }
    return Figure(
        "partner-countries",
        _("With which countries"),
        without(table, "country"),
        [bars(data, "chart-partner-countries", title, table.empty)],
        sentences(note, more),
        country=code,
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
    named = sum(1 for r in regions if r.name)
    names = (
        _(
            "Regions are the NUTS 3 regions of Eurostat; the atlas has names for %(named)s of "
            "these %(count)s, the others are shown by their code."
        )
        % {"named": integer(named), "count": integer(len(regions))}
        if regions and named < len(regions)
        else ""
    )
    title = _("Municipalities with at least one partner, per region")
    return Figure(
        "regions",
        _("Per region"),
        without(table, "country"),
        [bars(data, "chart-regions", title, table.empty)],
        sentences(names, more),
        layout="stack",
        country=code,
    )


def sources_table(insights: Insights, code: str, limit: int | None = None) -> Table:
    country = insights.countries[code]
    columns = [
        *source_columns(),
        Column("places", _("Places"), numeric=True),
        Column("partnerships", _("Partnerships"), numeric=True),
    ]
    rows = [
        [
            *source_cells(source),
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
