"""The network builder: groups built from the graph, checked against the call's rules."""

import pytest

from atlas.matchmaking.builder import MAX_TOWNS, attach, propose
from atlas.matchmaking.cerv import CALLS
from atlas.matchmaking.suggest import current_snapshot
from conftest import make_country, make_municipality, make_partnership

pytestmark = pytest.mark.django_db


def groups_for(town, call="cerv-networks-of-towns"):
    snapshot = current_snapshot()
    groups = propose(snapshot, snapshot.seeker(town), CALLS[call])
    attach(groups, town, CALLS[call], snapshot.eu_members)
    return groups


def test_groups_start_with_the_town_and_meet_the_rules_when_the_graph_allows(match_world):
    make_country("IT", "Italy")
    make_municipality("Gorizia", "IT", population=34000, latitude=45.94, longitude=13.62)

    groups = groups_for(match_world["kamnik"])

    assert groups
    for group in groups:
        assert group.pks[0] == match_world["kamnik"].pk
        assert 4 <= len(group.pks) <= MAX_TOWNS
        assert len({m.country_id for m in group.members}) >= 4
        assert group.met, [(r.rule, r.why) for r in group.rules]


def test_the_first_group_is_built_on_existing_partners(match_world):
    (first, *_) = groups_for(match_world["kamnik"])

    assert match_world["trofaiach"].pk in first.pks or match_world["andechs"].pk in first.pks


def test_towns_of_countries_that_cannot_take_part_are_left_out(match_world):
    for group in groups_for(match_world["kamnik"]):
        assert match_world["zug"].pk not in group.pks  # Switzerland


def test_a_town_with_too_few_eligible_countries_around_it_is_told_why(db):
    make_country("CH", "Switzerland", eu_member=False)
    make_country("US", "United States", eu_member=False)
    zug = make_municipality("Zug", "CH", population=31000, latitude=47.17, longitude=8.52)
    other = make_municipality("Sandy", "US", kind="other", latitude=40.5, longitude=-111.8)
    make_partnership(zug, other)
    make_municipality("Kamnik", "SI", population=30000)

    groups = groups_for(zug, "cerv-town-twinning")

    assert groups
    for group in groups:
        assert not group.met
        assert not group.rules[0].met
        assert "Switzerland cannot take part in CERV." in group.rules[0].why


def test_a_town_with_nobody_eligible_around_it_gets_no_group(db):
    make_country("CH", "Switzerland", eu_member=False)
    zug = make_municipality("Zug", "CH", population=31000)

    assert groups_for(zug) == []
