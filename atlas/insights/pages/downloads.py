"""Every table of the insights pages that can be downloaded as CSV, by its name in the
address: `/insights/<name>.csv` and `/insights/<country>/<name>.csv` (the revival list has
its own, with the page's parameters)."""

from collections.abc import Callable

from atlas.insights.pages import country, coverage, network, overview
from atlas.insights.tables import Table

TABLES: dict[str, Callable[..., Table]] = {
    "countries": overview.countries_table,
    "regions": country.regions_table,
    "country-pairs": overview.pairs_table,
    "start-decades": overview.decades_table,
    "start-years": overview.years_table,
    "activity-years": overview.activity_years_table,
    "membership-years": overview.membership_years_table,
    "network": network.network_table,
    "towns": network.towns_table,
    "components": network.components_table,
    "opportunities": network.opportunities_table,
    "brokers": network.brokers_table,
    "bridges": network.bridges_table,
    "coverage": coverage.coverage_table,
    "sources": coverage.sources_table,
}

COUNTRY_TABLES: dict[str, Callable[..., Table]] = {
    "partner-countries": country.partner_countries_table,
    "regions": country.regions_table,
    "start-decades": overview.decades_table,
    "start-years": overview.years_table,
    "membership-years": overview.membership_years_table,
    "towns": network.towns_table,
    "sources": country.sources_table,
}
