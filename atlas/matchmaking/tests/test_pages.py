"""The suggestions page and the network builder: forms, hostile input, languages, queries."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from atlas.directory.models import DataStamp
from conftest import make_municipality, make_partnership

pytestmark = pytest.mark.django_db


def suggestions_url(town, language="en") -> str:
    with translation.override(language):
        return reverse("suggested-partners", args=[town.slug])


def builder_url(language="en") -> str:
    with translation.override(language):
        return reverse("network-builder")


def names_in_order(html: str) -> list[str]:
    listing = html.split('class="result-list suggestion-list"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'<li>\s*<a href="[^"]+">([^<]+)</a>', listing)


def test_the_municipality_page_links_to_suggestions_and_the_network_builder(client, match_world):
    kamnik = match_world["kamnik"]

    html = client.get(kamnik.get_absolute_url()).content.decode()

    assert suggestions_url(kamnik) in html
    assert f"{builder_url()}?town={kamnik.slug}" in html


def test_the_suggestions_page_lists_places_with_reasons_and_no_partners(client, match_world):
    response = client.get(suggestions_url(match_world["kamnik"]))

    html = response.content.decode()
    assert response.status_code == 200
    names = names_in_order(html)
    assert "Leoben" in names
    assert "Trofaiach" not in names and "Andechs" not in names
    assert "2 of your partners are twinned with Leoben" in html


def test_weights_from_the_form_change_the_order(client, match_world):
    url = suggestions_url(match_world["kamnik"])
    off = dict.fromkeys(["same_size", "shared_themes", "shared_languages", "near"], 0)
    off |= dict.fromkeys(["shared_networks", "partners_of_partners", "new_country"], 0)

    far = names_in_order(client.get(url, {**off, "far": 3}).content.decode())
    near = names_in_order(client.get(url, {**off, "near": 3}).content.decode())

    assert far[0] == "Tavira"
    assert near.index("Komenda") < near.index("Tavira")


def test_one_weight_alone_keeps_the_other_defaults(client, match_world):
    response = client.get(suggestions_url(match_world["kamnik"]), {"far": "3"})

    assert response.context["form"].weights()["partners_of_partners"] == 3
    assert response.context["form"].weights()["far"] == 3


@pytest.mark.parametrize(
    "params",
    [
        {"far": "9"},
        {"near": "-1"},
        {"same_size": "a lot"},
        {"shared_themes": "1e309"},
        {"new_country": "<script>alert(1)</script>"},
    ],
)
def test_bad_weights_show_a_message_and_the_default_ranking(client, match_world, params):
    response = client.get(suggestions_url(match_world["kamnik"]), params)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Some choices were not understood" in html
    assert "Leoben" in names_in_order(html)
    assert "<script>alert(1)" not in html


@pytest.mark.parametrize(
    "params",
    [
        {"page": "999"},
        {"page": "-3"},
        {"page": "x" * 5000},
        {"unknown": "1", "q": "\x00"},
        {"far": "\u202e3"},
        {"far": ["1", "3"]},
    ],
)
def test_hostile_query_parameters_never_cause_an_error(client, match_world, params):
    assert client.get(suggestions_url(match_world["kamnik"]), params).status_code == 200
    assert (
        client.get(builder_url(), {"town": match_world["kamnik"].slug, **params}).status_code == 200
    )


def test_an_unknown_town_is_a_404_on_the_suggestions_page(client, match_world):
    assert client.get("/en/municipalities/atlantis/partners/suggested/").status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"town": "atlantis"},
        {"town": "<b>x</b>"},
        {"town": "a" * 500},
        {"call": "horizon-europe"},
        {"call": "\x00"},
    ],
)
def test_the_network_builder_explains_bad_parameters(client, match_world, params):
    response = client.get(builder_url(), params)

    assert response.status_code == 200
    assert 'class="field-error"' in response.content.decode()


def test_the_network_builder_proposes_groups_with_each_rule_met_or_not(client, match_world):
    response = client.get(
        builder_url(), {"town": match_world["kamnik"].slug, "call": "cerv-networks-of-towns"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Built on your existing partners" in html
    assert "Towns from at least 4 eligible countries" in html
    assert "At least 2 of them EU member states" in html
    assert "✓ met" in html


def test_the_network_builder_without_a_town_says_how_to_start(client, db):
    response = client.get(builder_url())

    assert response.status_code == 200
    assert "Build a network" in response.content.decode()


def add_rows(world, count: int) -> None:
    for number in range(count):
        place = make_municipality(f"Extra {number}", "AT", population=30000 + number)
        make_partnership(place, world["trofaiach"])
        make_partnership(place, world["leoben"])
    DataStamp.touch()


@pytest.mark.parametrize("page", ["suggestions", "builder"])
def test_the_pages_cost_a_fixed_number_of_queries(
    client, match_world, django_assert_num_queries, page
):
    kamnik = match_world["kamnik"]
    url = (
        suggestions_url(kamnik) if page == "suggestions" else f"{builder_url()}?town={kamnik.slug}"
    )
    queries = {"suggestions": 4, "builder": 3}[page]
    add_rows(match_world, 3)
    client.get(url)  # builds the snapshot outside the count
    with django_assert_num_queries(queries):
        client.get(url)
    add_rows(match_world, 10)
    client.get(url)
    with django_assert_num_queries(queries):
        client.get(url)
