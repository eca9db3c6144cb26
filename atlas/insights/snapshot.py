"""The numbers behind the insights pages, computed from the public data in a fixed number of
grouped queries (none per country) and kept until the data changes: a snapshot.

Everything here is language-neutral (country codes, ids, numbers); the pages put names and
words on it in the visitor's language. Definitions, and what each figure cannot say, are in
docs/insights.md.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import ExtractYear

from atlas.directory.models import (
    Activity,
    Change,
    Country,
    Membership,
    Municipality,
    Network,
    Partnership,
    Source,
)
from atlas.directory.process_cache import BuiltFromData
from atlas.lib import network as graph

# How many entries the network lists keep; the pages show fewer.
TOP_TOWNS = 50
TOP_PER_COUNTRY = 10
OPPORTUNITIES = 50
BROKERS = 50
LARGEST_COMPONENTS = 10


@dataclass
class CountryFigures:
    """One country: its municipalities (local authorities only, not city parts nor partner
    places known only from twinning lists) and the partnerships of any of its places."""

    code: str
    name_en: str
    covered: bool
    municipalities: int = 0
    twinned: int = 0  # municipalities with at least one partnership
    population: int = 0  # of the municipalities whose population is known
    population_known: int = 0
    with_coordinates: int = 0
    places: int = 0  # every place in the country, partner places and city parts too
    partnerships: int = 0  # with at least one side in the country, each counted once
    domestic: int = 0  # both sides in the country
    start_known: int = 0
    with_activity: int = 0
    active: int = 0
    latest_activity: date | None = None
    last_edited: datetime | None = None
    partner_countries: Counter[str] = field(default_factory=Counter)
    start_years: Counter[int] = field(default_factory=Counter)
    memberships: int = 0  # of its places in networks (not statistical regions)
    membership_years: Counter[int] = field(default_factory=Counter)  # by the year joined
    membership_networks: Counter[int] = field(default_factory=Counter)  # with a year, per id
    place_sources: Counter[int] = field(default_factory=Counter)  # source id -> places
    partnership_sources: Counter[int] = field(default_factory=Counter)  # -> partnerships

    @property
    def international(self) -> int:
        return self.partnerships - self.domestic

    @property
    def share_twinned(self) -> float | None:
        """Per cent of its municipalities with a partner; None when it has none in the
        atlas (a country known only from its partner places)."""
        return ratio(self.twinned, self.municipalities)

    @property
    def per_100k(self) -> float | None:
        """Partnerships per 100,000 inhabitants of its municipalities."""
        if not self.population:
            return None
        return self.partnerships / self.population * 100_000


@dataclass
class RegionFigures:
    """A NUTS 3 region of a country, named where the atlas has it as a statistical region."""

    country: str
    code: str
    name: str = ""
    municipalities: int = 0
    twinned: int = 0
    population: int = 0
    partnerships: int = 0

    @property
    def share_twinned(self) -> float | None:
        return ratio(self.twinned, self.municipalities)

    @property
    def per_100k(self) -> float | None:
        return self.partnerships / self.population * 100_000 if self.population else None


@dataclass(frozen=True)
class Place:
    name: str
    slug: str
    country: str


@dataclass(frozen=True)
class SourceFigures:
    pk: int
    key: str
    name: str
    url: str
    licence: str
    licence_url: str
    retrieved: date | None
    places: int
    partnerships: int
    networks: int
    memberships: int


@dataclass(frozen=True)
class Component:
    size: int
    countries: int
    hubs: tuple[int, ...]  # its best-connected towns, most partners first


@dataclass
class NetworkFigures:
    """The partnerships as a graph: towns are nodes, a pair of towns with at least one
    partnership is an edge (several kinds between the same pair are one edge)."""

    towns: int = 0
    links: int = 0
    degrees: dict[int, int] = field(default_factory=dict)
    component_sizes: list[int] = field(default_factory=list)
    largest: list[Component] = field(default_factory=list)
    census: graph.TriadCensus = field(default_factory=lambda: graph.TriadCensus(0, 0))
    most_connected: list[tuple[int, int]] = field(default_factory=list)
    top_per_country: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    opportunities: list[graph.Opportunity] = field(default_factory=list)
    bridges: int = 0
    cross_border_bridges: list[tuple[int, int]] = field(default_factory=list)
    brokers: list[graph.Broker] = field(default_factory=list)


@dataclass
class Insights:
    stamp: datetime
    countries: dict[str, CountryFigures] = field(default_factory=dict)
    regions: list[RegionFigures] = field(default_factory=list)
    partnerships: int = 0
    start_years: Counter[int] = field(default_factory=Counter)
    start_unknown: int = 0
    with_activity: int = 0
    activities: int = 0
    activity_years: Counter[int] = field(default_factory=Counter)
    memberships: int = 0
    membership_years: Counter[int] = field(default_factory=Counter)
    membership_networks: Counter[int] = field(default_factory=Counter)
    network_names: dict[int, str] = field(default_factory=dict)  # of networks with members
    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)  # (lower, higher) code
    sources: list[SourceFigures] = field(default_factory=list)
    last_edited: datetime | None = None
    latest_activity: date | None = None
    places: dict[int, Place] = field(default_factory=dict)  # towns with a partnership
    network: NetworkFigures = field(default_factory=NetworkFigures)

    @property
    def covered(self) -> list[CountryFigures]:
        """The countries whose every municipality is in the atlas."""
        return [c for c in self.countries.values() if c.covered]

    def covered_totals(self) -> tuple[int, int]:
        """Municipalities of the covered countries, and those of them with a partner."""
        covered = self.covered
        return sum(c.municipalities for c in covered), sum(c.twinned for c in covered)

    @classmethod
    def build(cls, stamp: datetime) -> Insights:
        insights = cls(stamp=stamp)
        insights._count_countries()
        insights._count_pairs()
        insights._count_regions()
        insights._count_activities()
        insights._count_memberships()
        insights._count_sources()
        insights._analyse_network()
        return insights

    # --- Countries and partnerships --------------------------------------------------

    def _count_countries(self) -> None:
        for code, name_en, covered in Country.objects.values_list("code", "name_en", "covered"):
            self.countries[code] = CountryFigures(code, name_en, covered)
        rows = (
            Municipality.objects.filter(kind=Municipality.Kind.MUNICIPALITY)
            .order_by()
            .values("country_id")
            .annotate(
                total=Count("pk"),
                twinned=Count("pk", filter=Q(has_partnership())),
                inhabitants=Sum("population"),
                population_known=Count("population"),
                with_coordinates=Count(
                    "pk", filter=Q(latitude__isnull=False, longitude__isnull=False)
                ),
            )
        )
        for row in rows:
            country = self.countries[row["country_id"]]
            country.municipalities = row["total"]
            country.twinned = row["twinned"]
            country.population = row["inhabitants"] or 0
            country.population_known = row["population_known"]
            country.with_coordinates = row["with_coordinates"]
        for code, source, places in (
            Municipality.objects.order_by()
            .values_list("country_id", "source_id")
            .annotate(n=Count("pk"))
        ):
            self.countries[code].places += places
            self.countries[code].place_sources[source] += places
        for code, latest in (
            Change.objects.order_by()
            .values_list("municipality__country_id")
            .annotate(latest=Max("at"))
        ):
            self.countries[code].last_edited = latest
            self.last_edited = max(filter(None, (self.last_edited, latest)))

    def _count_pairs(self) -> None:
        """One grouped query by the two sides' countries and the start year gives the
        country totals, the matrix and the years."""
        rows = (
            Partnership.objects.order_by()
            .values_list("municipality_a__country_id", "municipality_b__country_id", "start_year")
            .annotate(
                n=Count("pk"),
                active=Count("pk", filter=Q(status=Partnership.Status.ACTIVE)),
                with_activity=Count("pk", filter=Q(last_activity__isnull=False)),
                latest=Max("last_activity"),
            )
        )
        for code_a, code_b, year, n, active, with_activity, latest in rows:
            self.partnerships += n
            self.with_activity += with_activity
            self.pairs[min(code_a, code_b), max(code_a, code_b)] += n
            if year is None:
                self.start_unknown += n
            else:
                self.start_years[year] += n
            if latest:
                self.latest_activity = max(filter(None, (self.latest_activity, latest)))
            for code, other in {(code_a, code_b), (code_b, code_a)}:
                country = self.countries[code]
                country.partnerships += n
                country.active += active
                country.with_activity += with_activity
                if latest:
                    country.latest_activity = max(filter(None, (country.latest_activity, latest)))
                if year is not None:
                    country.start_known += n
                    country.start_years[year] += n
                if other == code:
                    country.domestic += n
                else:
                    country.partner_countries[other] += n

    def _count_regions(self) -> None:
        names = dict(
            Network.objects.filter(kind=Network.Kind.STATISTICAL_REGION)
            .exclude(code="")
            .values_list("code", "name")
        )
        regions: dict[tuple[str, str], RegionFigures] = {}

        def region(country: str, code: str) -> RegionFigures:
            if (country, code) not in regions:
                regions[country, code] = RegionFigures(country, code, names.get(code, ""))
            return regions[country, code]

        for row in (
            Municipality.objects.filter(kind=Municipality.Kind.MUNICIPALITY)
            .exclude(nuts3="")
            .order_by()
            .values("country_id", "nuts3")
            .annotate(
                total=Count("pk"),
                twinned=Count("pk", filter=Q(has_partnership())),
                inhabitants=Sum("population"),
            )
        ):
            figures = region(row["country_id"], row["nuts3"])
            figures.municipalities = row["total"]
            figures.twinned = row["twinned"]
            figures.population = row["inhabitants"] or 0
        # A partnership counts once for each region it touches: on side a, on side b, less
        # those with both sides in the same region.
        same_region = Q(
            municipality_b__nuts3=F("municipality_a__nuts3"),
            municipality_b__country_id=F("municipality_a__country_id"),
        )
        for country, code, n, same in (
            Partnership.objects.exclude(municipality_a__nuts3="")
            .order_by()
            .values_list("municipality_a__country_id", "municipality_a__nuts3")
            .annotate(n=Count("pk"), same=Count("pk", filter=same_region))
        ):
            region(country, code).partnerships += n - same
        for country, code, n in (
            Partnership.objects.exclude(municipality_b__nuts3="")
            .order_by()
            .values_list("municipality_b__country_id", "municipality_b__nuts3")
            .annotate(n=Count("pk"))
        ):
            region(country, code).partnerships += n
        self.regions = sorted(regions.values(), key=lambda r: (r.country, r.code))

    def _count_activities(self) -> None:
        for year, n in (
            Activity.objects.filter(partnership__deleted_at__isnull=True)
            .order_by()
            .annotate(year=ExtractYear("date"))
            .values_list("year")
            .annotate(n=Count("pk"))
        ):
            self.activity_years[year] += n
            self.activities += n

    def _count_memberships(self) -> None:
        """Memberships in networks by the year the place joined (`start_year`), per country
        and per network, in one grouped query. Statistical regions are left out: no town
        joins its region, and their memberships have no year."""
        for code, network, name, year, n in (
            Membership.objects.exclude(network__kind=Network.Kind.STATISTICAL_REGION)
            .order_by()
            .values_list("municipality__country_id", "network_id", "network__name", "start_year")
            .annotate(n=Count("pk"))
        ):
            self.network_names[network] = name
            country = self.countries[code]
            for figures in (self, country):
                figures.memberships += n
                if year is not None:
                    figures.membership_years[year] += n
                    figures.membership_networks[network] += n

    def _count_sources(self) -> None:
        places: Counter[int] = Counter()
        for country in self.countries.values():
            places.update(country.place_sources)
        partnerships: Counter[int] = Counter()
        for code_a, code_b, source, n in (
            Partnership.sources.through.objects.filter(partnership__deleted_at__isnull=True)
            .order_by()
            .values_list(
                "partnership__municipality_a__country_id",
                "partnership__municipality_b__country_id",
                "source_id",
            )
            .annotate(n=Count("pk"))
        ):
            partnerships[source] += n
            for code in {code_a, code_b}:
                self.countries[code].partnership_sources[source] += n
        networks = dict(Network.objects.order_by().values_list("source").annotate(n=Count("pk")))
        memberships = dict(
            Membership.objects.order_by().values_list("source").annotate(n=Count("pk"))
        )
        self.sources = [
            SourceFigures(
                pk=source.pk,
                key=source.key,
                name=source.name,
                url=source.url,
                licence=source.licence,
                licence_url=source.licence_url,
                retrieved=source.retrieved,
                places=places[source.pk],
                partnerships=partnerships[source.pk],
                networks=networks.get(source.pk, 0),
                memberships=memberships.get(source.pk, 0),
            )
            for source in Source.objects.order_by("name")
        ]

    # --- Network analysis ------------------------------------------------------------

    def _analyse_network(self) -> None:
        edges = sorted(
            {
                (a, b)
                for a, b in Partnership.objects.order_by().values_list(
                    "municipality_a_id", "municipality_b_id"
                )
            }
        )
        self.places = {
            pk: Place(name, slug, country)
            for pk, name, slug, country in Municipality.objects.filter(has_partnership())
            .order_by()
            .values_list("pk", "name", "slug", "country_id")
        }
        country_of = {pk: place.country for pk, place in self.places.items()}
        figures = self.network
        figures.degrees = graph.degrees(edges)
        figures.towns = len(figures.degrees)
        figures.links = len(edges)
        by_degree = sorted(figures.degrees.items(), key=lambda item: (-item[1], item[0]))
        figures.most_connected = by_degree[:TOP_TOWNS]
        per_country: defaultdict[str, list[tuple[int, int]]] = defaultdict(list)
        for node, degree in by_degree:
            country_list = per_country[country_of.get(node, "")]
            if len(country_list) < TOP_PER_COUNTRY:
                country_list.append((node, degree))
        figures.top_per_country = dict(per_country)
        components = graph.components(edges)
        figures.component_sizes = [len(component) for component in components]
        figures.largest = [
            Component(
                size=len(component),
                countries=len({country_of.get(node) for node in component} - {None}),
                hubs=tuple(sorted(component, key=lambda node: (-figures.degrees[node], node))[:5]),
            )
            for component in components[:LARGEST_COMPONENTS]
        ]
        figures.census = graph.triad_census(edges)
        figures.opportunities = graph.partners_of_partners(edges, limit=OPPORTUNITIES)
        bridges = graph.bridge_edges(edges)
        figures.bridges = len(bridges)
        # A bridge to a town with no other partner is trivially one: the ones that matter
        # join two groups of towns, across a border.
        figures.cross_border_bridges = sorted(
            (
                (a, b)
                for a, b in bridges
                if country_of.get(a) != country_of.get(b)
                and figures.degrees[a] > 1
                and figures.degrees[b] > 1
            ),
            key=lambda pair: (-min(figures.degrees[n] for n in pair), pair),
        )
        figures.brokers = graph.brokers(edges, country_of, limit=BROKERS)


def has_partnership() -> Q:
    """A municipality on either side of a partnership that is not deleted. (Two `IN`
    subqueries, which both databases run once each; two correlated `EXISTS` joined by OR
    make PostgreSQL run them once per municipality.)"""
    return Q(pk__in=Partnership.objects.values("municipality_a")) | Q(
        pk__in=Partnership.objects.values("municipality_b")
    )


def ratio(part: int, whole: int) -> float | None:
    """`part` in per cent of `whole`; None when there is no whole to speak of.

    >>> ratio(1, 4), ratio(0, 0)
    (25.0, None)
    """
    return part / whole * 100 if whole else None


_insights = BuiltFromData(Insights.build)


def current_insights() -> Insights:
    """The figures of the data as it is now (computed again after the data changed)."""
    return _insights.get()
