"""The CERV calls' rules, checked for hand-built groups."""

import pytest
from django.utils import translation

from atlas.matchmaking.cerv import CALLS, check

EU = frozenset({"SI", "AT", "DE", "HR", "IT", "CZ"})


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def met(call: str, towns: list[tuple[str, str]]) -> list[bool]:
    return [result.met for result in check(CALLS[call], towns, EU)]


def test_two_eu_towns_meet_every_town_twinning_rule():
    assert met("cerv-town-twinning", [("Kamnik", "SI"), ("Trofaiach", "AT")]) == [True] * 4


def test_town_twinning_needs_a_second_country():
    results = check(CALLS["cerv-town-twinning"], [("Kamnik", "SI"), ("Kranj", "SI")], EU)

    assert [r.met for r in results] == [True, True, False, True]
    assert results[2].why == "1 country: Slovenia."


def test_town_twinning_with_an_associated_country_needs_one_eu_member():
    assert met("cerv-town-twinning", [("Kamnik", "SI"), ("Lviv", "UA")]) == [True] * 4
    assert met("cerv-town-twinning", [("Tirana", "AL"), ("Lviv", "UA")])[3] is False


def test_a_town_outside_the_eligible_countries_is_named_and_does_not_count():
    results = check(CALLS["cerv-town-twinning"], [("Kamnik", "SI"), ("Zug", "CH")], EU)

    assert [r.met for r in results] == [False, False, False, True]
    assert results[0].why == "Switzerland cannot take part in CERV."


def test_networks_of_towns_needs_four_countries_two_of_them_in_the_eu():
    four = [("Kamnik", "SI"), ("Trofaiach", "AT"), ("Lviv", "UA"), ("Tirana", "AL")]
    one_eu = [("Kamnik", "SI"), ("Sarajevo", "BA"), ("Lviv", "UA"), ("Tirana", "AL")]
    three = [("Kamnik", "SI"), ("Kranj", "SI"), ("Trofaiach", "AT"), ("Lviv", "UA")]

    assert met("cerv-networks-of-towns", four) == [True] * 4
    assert met("cerv-networks-of-towns", one_eu) == [True, True, True, False]
    assert met("cerv-networks-of-towns", three) == [True, True, False, True]


def test_the_reasons_say_what_was_counted():
    results = check(CALLS["cerv-networks-of-towns"], [("Tirana", "AL")], EU)

    assert results[1].why == "1 eligible town."
    assert results[3].why == "No EU member state."
