from datetime import date

import pytest
from django.utils.timezone import now

from atlas.directory.models import DataStamp, Partnership
from atlas.insights.pages.revival import silent_partnerships, silent_per_country
from atlas.insights.snapshot import Insights, current_insights
from conftest import make_municipality, make_partnership

pytestmark = pytest.mark.django_db


def build() -> Insights:
    return Insights.build(DataStamp.current())


def test_it_counts_twinned_municipalities_and_their_share_per_country(world):
    slovenia = build().countries["SI"]

    assert (slovenia.municipalities, slovenia.twinned) == (3, 2)
    assert slovenia.share_twinned == pytest.approx(200 / 3)
    assert slovenia.population == 94000


def test_it_counts_each_partnership_once_per_country_domestic_and_international(world):
    insights = build()
    slovenia, austria = insights.countries["SI"], insights.countries["AT"]

    assert (slovenia.partnerships, slovenia.domestic, slovenia.international) == (5, 1, 4)
    assert slovenia.per_100k == pytest.approx(5 / 94000 * 100_000)
    assert dict(slovenia.partner_countries) == {"AT": 2, "DE": 1, "US": 1}
    assert (austria.partnerships, austria.twinned, austria.municipalities) == (2, 2, 2)
    assert insights.partnerships == 5


def test_a_country_known_only_from_partner_places_has_no_share_nor_rate(world):
    united_states = build().countries["US"]

    assert united_states.municipalities == 0
    assert united_states.partnerships == 1
    assert united_states.share_twinned is None
    assert united_states.per_100k is None
    assert united_states.covered is False


def test_the_matrix_counts_each_pair_of_countries_once(world):
    pairs = build().pairs

    assert pairs["AT", "SI"] == 2
    assert pairs["SI", "SI"] == 1
    assert pairs["DE", "SI"] == 1
    assert pairs["SI", "US"] == 1
    assert ("SI", "AT") not in pairs


def test_regions_count_their_municipalities_and_each_partnership_touching_them_once(world):
    regions = {r.code: r for r in build().regions}

    central, upper = regions["SI041"], regions["SI042"]
    assert (central.name, central.municipalities, central.twinned) == ("Osrednjeslovenska", 1, 1)
    assert central.partnerships == 3  # Trofaiach, Andechs, Kranj
    assert (upper.name, upper.municipalities, upper.twinned) == ("Gorenjska", 2, 1)
    assert upper.partnerships == 3  # Villach, Kamnik, Boulder
    assert regions["AT221"].name == ""


def test_a_partnership_within_one_region_counts_once_for_it(world):
    make_partnership(world["kranj"], world["bled"])

    upper = {r.code: r for r in build().regions}["SI042"]

    assert upper.partnerships == 4
    assert upper.twinned == 2


def test_start_years_keep_the_unknown_ones_apart(world):
    insights = build()

    assert dict(insights.start_years) == {1999: 1, 2004: 1, 2008: 1}
    assert insights.start_unknown == 2
    assert dict(insights.countries["SI"].start_years) == {1999: 1, 2004: 1, 2008: 1}
    assert insights.countries["SI"].start_known == 3


def test_activities_are_counted_by_year_and_the_silent_partnerships_are_known(world):
    insights = build()

    assert dict(insights.activity_years) == {date.today().year - 1: 1}
    assert (insights.activities, insights.with_activity) == (1, 1)
    assert insights.countries["AT"].latest_activity == world["kranj-villach"].last_activity


def test_memberships_are_counted_by_the_year_joined_with_the_unknown_apart(world):
    insights = build()
    slovenia, austria = insights.countries["SI"], insights.countries["AT"]
    covenant = world["covenant"].pk

    assert insights.memberships == 6
    assert dict(insights.membership_years) == {2011: 1, 2013: 3}
    assert dict(insights.membership_networks) == {covenant: 4}
    assert insights.network_names[covenant] == "Covenant of Mayors"
    # Kamnik in the Covenant (2011) and its coordinator, Kranj (2013), Bled's association.
    assert (slovenia.memberships, dict(slovenia.membership_years)) == (4, {2011: 1, 2013: 1})
    assert (austria.memberships, dict(austria.membership_years)) == (2, {2013: 2})
    assert insights.countries["DE"].memberships == 0


def test_statistical_regions_and_deleted_memberships_are_not_memberships_joined(world):
    insights = build()

    # Kamnik's statistical region and Andechs's deleted adhesion of 2010 count nowhere.
    assert 2010 not in insights.membership_years
    assert insights.countries["DE"].membership_years == {}
    assert insights.countries["SI"].memberships == 4


def test_sources_are_counted_per_country_and_in_all(world):
    insights = build()
    by_key = {source.key: source for source in insights.sources}

    assert by_key["wikipedia"].partnerships == 4
    assert by_key["kamnik-doc"].partnerships == 2
    assert by_key["test-source"].places == 7
    wikipedia = by_key["wikipedia"].pk
    assert insights.countries["SI"].partnership_sources[wikipedia] == 4
    assert insights.countries["DE"].partnership_sources[wikipedia] == 0


def test_soft_deleted_partnerships_count_nowhere(world):
    Partnership.objects.filter(pk=world["kamnik-andechs"].pk).update(deleted_at=now())

    insights = build()

    assert insights.countries["DE"].partnerships == 0
    assert insights.countries["DE"].twinned == 0
    assert insights.countries["SI"].partner_countries["DE"] == 0
    assert world["andechs"].pk not in insights.network.degrees


def test_the_network_figures_follow_the_partnerships(world):
    network = build().network
    kamnik, kranj = world["kamnik"].pk, world["kranj"].pk

    assert (network.towns, network.links) == (6, 5)  # Bled has no partner
    assert network.degrees[kamnik] == 3
    assert network.component_sizes == [6]
    assert network.census.closed == 0
    assert network.most_connected[:2] == [(kamnik, 3), (kranj, 3)]
    # Every partnership of a tree is a bridge; only Kamnik-Kranj joins two towns that both
    # have other partners, and it is within one country.
    assert network.bridges == 5
    assert network.cross_border_bridges == []
    assert network.top_per_country["SI"] == [(kamnik, 3), (kranj, 3)]


def test_partners_of_partners_and_brokers_are_named_places(world):
    # Leoben shares Trofaiach and Andechs with Kamnik.
    leoben = make_municipality("Leoben", "AT")
    make_partnership(leoben, world["trofaiach"])
    make_partnership(leoben, world["andechs"])

    insights = build()

    opportunities = {(o.a, o.b): set(o.shared) for o in insights.network.opportunities}
    kamnik, trofaiach, andechs = (world[name].pk for name in ("kamnik", "trofaiach", "andechs"))
    assert opportunities == {
        (kamnik, leoben.pk): {trofaiach, andechs},
        (min(trofaiach, andechs), max(trofaiach, andechs)): {kamnik, leoben.pk},
    }
    assert insights.places[leoben.pk].name == "Leoben"
    brokers = {broker.node: broker.groups for broker in insights.network.brokers}
    assert brokers[world["kamnik"].pk] == 2  # Austria and Germany
    assert brokers[world["kranj"].pk] == 2  # Austria and the United States


def test_the_figures_are_kept_until_the_data_changes(world, django_assert_num_queries):
    first = current_insights()
    with django_assert_num_queries(1):  # the data stamp
        assert current_insights() is first

    DataStamp.touch()

    assert current_insights() is not first


def test_the_revival_list_holds_active_partnerships_silent_for_n_years(world):
    def names(years, country=""):
        return {str(p) for p in silent_partnerships(years, country)}

    assert names(5) == {"Kamnik – Trofaiach", "Kamnik – Andechs"}
    # Kranj-Villach had a visit last year: not silent for two years.
    assert "Kranj – Villach" not in names(2)
    # Kamnik-Andechs began in 2004: not silent for longer than it exists.
    years_since_2004 = date.today().year - 2004
    assert names(years_since_2004 + 1) == {"Kamnik – Trofaiach"}
    assert names(5, "DE") == {"Kamnik – Andechs"}
    assert silent_per_country(silent_partnerships(5)) == {"SI": 2, "AT": 1, "DE": 1}


def test_a_long_past_activity_puts_a_partnership_back_on_the_revival_list(world):
    visit = world["kranj-villach"]
    visit.activities.update(date=date(2010, 1, 1))
    visit.update_last_activity()

    assert "Kranj – Villach" in {str(p) for p in silent_partnerships(5)}
