"""Suggested partners for a board entry: matchmaking with the entry as the seeker."""

import pytest
from django.urls import reverse

from atlas.board.models import Entry
from atlas.matchmaking.suggest import DEFAULT_WEIGHTS, current_snapshot
from atlas.matchmaking.tests import conftest as matchmaking
from conftest import make_board_entry, make_coordinator, make_country

pytestmark = pytest.mark.django_db
match_world = matchmaking.match_world  # the matchmaking tests' small world, as a fixture here


@pytest.fixture
def author(match_world):
    return make_coordinator("coordinator@kamnik.si", match_world["kamnik"])


def suggested(client, entry) -> list[str]:
    response = client.get(reverse("board-suggestions", args=[entry.pk]))
    assert response.status_code == 200
    return [s.municipality.name for s in response.context["suggestions"]]


def test_the_entry_s_municipality_and_its_partners_are_never_suggested(client, match_world, author):
    entry = make_board_entry(match_world["kamnik"], author)

    names = suggested(client, entry)

    assert "Leoben" in names
    assert not {"Kamnik", "Trofaiach", "Andechs"} & set(names)


def test_only_places_in_the_wished_countries_are_suggested(client, match_world, author):
    entry = make_board_entry(match_world["kamnik"], author, countries=["AT", "HR"])

    assert sorted(suggested(client, entry)) == ["Leoben", "Samobor"]


def test_only_places_of_the_wished_size_are_suggested(client, match_world, author):
    entry = make_board_entry(
        match_world["kamnik"], author, population_min=20_000, population_max=40_000
    )

    assert sorted(suggested(client, entry)) == ["Leoben", "Samobor", "Tavira", "Zug"]


def test_an_open_ended_size_range_is_honoured(client, match_world, author):
    entry = make_board_entry(match_world["kamnik"], author, population_min=45_000)

    assert sorted(suggested(client, entry)) == ["Celje", "Ljubljana"]


def test_the_entry_s_themes_count_and_are_given_as_reasons(client, match_world, author):
    entry = make_board_entry(
        match_world["kamnik"], author, countries=["HR", "CH"], themes=[match_world["culture"]]
    )

    response = client.get(reverse("board-suggestions", args=[entry.pk]), {"shared_themes": 3})

    reasons = {s.municipality.name: s.reasons for s in response.context["suggestions"]}
    assert "also cooperates on Culture" in reasons["Samobor"]
    assert "also cooperates on Culture" in reasons["Zug"]
    assert "Culture" in response.content.decode()


def test_a_town_without_wishes_is_ranked_as_before(match_world):
    snapshot = current_snapshot()
    seeker = snapshot.seeker(match_world["kamnik"])

    assert snapshot.unwished(seeker) == []
    assert seeker.wished_countries == frozenset()
    assert seeker.population_range == (None, None)
    # The entry's seeker differs from the town's only by what the entry says.
    assert snapshot.rank(seeker, DEFAULT_WEIGHTS)


def test_suggestions_for_a_pending_entry_are_not_public(client, match_world, author):
    entry = make_board_entry(match_world["kamnik"], author, status=Entry.Status.PENDING)

    assert client.get(reverse("board-suggestions", args=[entry.pk])).status_code == 404
    client.force_login(author)
    assert client.get(reverse("board-suggestions", args=[entry.pk])).status_code == 200


def test_no_place_fits_says_so(client, match_world, author):
    make_country("FI", "Finland")
    entry = make_board_entry(match_world["kamnik"], author, countries=["FI"])

    response = client.get(reverse("board-suggestions", args=[entry.pk]))

    assert "No place fits the entry" in response.content.decode()
