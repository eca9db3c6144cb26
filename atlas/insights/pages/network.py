"""The network analysis page: the partnerships as a graph of towns, its connected groups,
triads, partners of partners, the towns linking the most countries and the bridges between
countries. A country's page shows its own most connected towns."""

from __future__ import annotations

from django.urls import get_script_prefix
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from atlas.insights.pages.figure import (
    PLACEHOLDER,
    Figure,
    bars,
    columns,
    counts,
    integer,
    maybe_percent,
    no_data,
    percent,
    sentences,
    town_columns,
    town_label,
    town_link,
    url_pattern,
    without,
)
from atlas.insights.snapshot import Insights, ratio
from atlas.insights.tables import Column, Link, Percent, Table
from atlas.lib.charts import Datum

PAGE_TOWNS = 20
PAGE_OPPORTUNITIES = 30
PAGE_BROKERS = 20
PAGE_BRIDGES = 30


def context(insights: Insights) -> dict:
    census = insights.network.census
    return {
        "insights": insights,
        "triads_closed": integer(census.closed),
        "triads_open": integer(census.open),
        "clustering": percent(census.clustering * 100),
        "summary_figure": network_summary_figure(insights),
        "towns_figure": towns_figure(insights),
        "components_figure": components_figure(insights),
        "largest_components": largest_components_table(insights),
        "opportunities_figure": opportunities_figure(insights),
        "brokers_figure": brokers_figure(insights),
        "bridges_figure": bridges_figure(insights),
    }


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
    table = without(network_table(insights), "key")
    return Figure("summary", _("The network in figures"), table, layout="table")


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
        "towns",
        _("Most connected towns"),
        table,
        [bars(data, "chart-towns", _("Towns with the most partner towns"), table.empty)],
        sentences(
            _("Partner towns are counted once, whatever the kind of partnership."),
            "" if code else _("The CSV lists every town with a partner."),
        ),
        country=code,
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
    title = _("Connected groups of towns by their size")
    return Figure(
        "components",
        _("Connected groups"),
        table,
        [columns(counts(table), "chart-components", title, note, table.empty)],
        note,
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
        *town_columns("a", _("Town")),
        *town_columns("b", _("Could partner with")),
        Column("shared_partners", _("Shared partners"), numeric=True),
        Column("shared_partner_names", _("Partners they share")),
    ]
    places = insights.places
    rows = [
        [
            town_link(insights, o.a),
            places[o.a].country,
            town_link(insights, o.b),
            places[o.b].country,
            len(o.shared),
            [town_link(insights, n) for n in o.shared if n in places],
        ]
        for o in insights.network.opportunities[:limit]
        if o.a in places and o.b in places
    ]
    return Table(
        "opportunities",
        _("Partners of partners: towns that share partners but are not partners themselves"),
        columns,
        rows,
        _("No two unpartnered towns share two partners yet."),
    )


def opportunities_figure(insights: Insights) -> Figure:
    table = opportunities_table(insights, PAGE_OPPORTUNITIES)
    note = _(
        "Pairs of towns that are not partners but share at least two partner towns, most "
        "shared partners first. A partner town with more than 100 partners is not counted as "
        "shared: it says little about the two."
    )
    return Figure("opportunities", _("Partners of partners"), table, note=note, layout="table")


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
    title = _("Number of other countries among each town's partners")
    return Figure(
        "brokers",
        _("Towns linking the most countries"),
        table,
        [bars(data, "chart-brokers", title, table.empty)],
        _(
            "Towns whose partners are spread over the most countries other than their own: "
            "they bridge national networks."
        ),
    )


def bridges_table(insights: Insights, limit: int | None = None) -> Table:
    degrees = insights.network.degrees
    columns = [
        *town_columns("a", _("Town")),
        Column("partners_a", _("Its partners"), numeric=True),
        *town_columns("b", _("Partner town")),
        Column("partners_b", _("Its partners"), numeric=True),
    ]
    places = insights.places
    rows = [
        [
            town_link(insights, a),
            places[a].country,
            degrees[a],
            town_link(insights, b),
            places[b].country,
            degrees[b],
        ]
        for a, b in insights.network.cross_border_bridges[:limit]
        if a in places and b in places
    ]
    return Table(
        "bridges",
        _("Partnerships that alone link two groups of towns across a border"),
        columns,
        rows,
        _("No such partnership."),
    )


def bridges_figure(insights: Insights) -> Figure:
    table = bridges_table(insights, PAGE_BRIDGES)
    note = _(
        "A bridge is a partnership without which its two towns would no longer be linked by "
        "any chain of partnerships. Listed here are those across a border between two towns "
        "that both have other partners: each holds two groups of towns together on its own."
    )
    return Figure("bridges", _("Bridges between countries"), table, note=note, layout="table")
