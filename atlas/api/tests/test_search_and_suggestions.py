"""Search and partner suggestions give what the site's pages give, in the same order."""

import pytest
from django.urls import reverse

from atlas.api.tests.helpers import api, every_page, get, names
from conftest import make_municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_towns(world):
    """Enough places called Nova… to need several pages."""
    for number in range(12):
        make_municipality(f"Nova Vas {number}", "SI", population=100 * (number + 1))
    return world


@pytest.mark.parametrize("query", ["kamnik", "nova", "beljak", "Mestna občina Kranj", "trofaich"])
def test_search_gives_the_places_of_the_site_search_page_in_its_order(client, many_towns, query):
    site = client.get(reverse("search"), {"q": query})
    on_the_site = [place.municipality.slug for place in site.context["page"].object_list]

    answer = get(client, api("search/"), q=query, limit=25)

    assert [place["slug"] for place in answer["results"]] == on_the_site
    assert answer["count"] == site.context["results"].municipalities.__len__()
    assert answer["suggestion"] == site.context["results"].suggestion


def test_search_says_how_a_place_matched(client, world):
    answer = get(client, api("search/"), q="Beljak")

    [villach] = answer["results"]
    assert villach["name"] == "Villach"
    assert villach["match"] == "other_name_exact"
    assert villach["matched_name"] == "Beljak"
    assert villach["partner_count"] == 1
    assert answer["query"] == "Beljak"


def test_search_suggests_a_name_when_only_typos_match(client, world):
    answer = get(client, api("search/"), q="Trofaich")

    assert answer["suggestion"] == "Trofaiach"
    assert answer["results"][0]["match"] == "typo"


def test_search_finds_networks_and_projects(client, world):
    assert names(get(client, api("search/"), q="alliance")["networks"]) == ["Alliance in the Alps"]
    assert names(get(client, api("search/"), q="eko")["projects"], "title") == ["Eko tržnica"]


def test_search_results_page_by_cursor(client, many_towns):
    results, counts = every_page(client, api("search/"), q="nova vas", limit=5)

    assert counts == [12, 12, 12]
    assert len({place["id"] for place in results}) == 12
    everything = get(client, api("search/"), q="nova vas", limit=500)["results"]
    assert [place["id"] for place in results] == [place["id"] for place in everything]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "String should have at least 1 character"),
        ("   ", "Type a name to search for."),
        ("!!!", "Type at least one letter or digit."),
        ("x" * 201, "String should have at most 200 characters"),
        ("Kam\x00nik", "Type a name without control characters."),
    ],
)
def test_a_query_that_cannot_be_searched_is_a_400_with_the_reason(client, world, query, message):
    response = client.get(api("search/"), {"q": query})

    assert response.status_code == 400
    assert response.json() == {"status": 400, "errors": [{"parameter": "q", "message": message}]}


@pytest.mark.parametrize(
    "query",
    ["<script>alert(1)</script>", "\u202ekinmaK", "\u200fKamnik", "' OR 1=1 --", "Kamnik" * 33],
)
def test_hostile_queries_are_searched_as_text(client, world, query):
    response = client.get(api("search/"), {"q": query})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["query"] == query.strip()


# --- Suggestions -------------------------------------------------------------------------------


def site_suggestions(client, slug: str, **weights) -> list:
    page = client.get(reverse("suggested-partners", args=[slug]), weights)
    return page.context["suggestions"]


def test_suggestions_are_the_site_s_with_their_reasons(client, world):
    kamnik = world["kamnik"]
    on_the_site = site_suggestions(client, kamnik.slug)

    answer = get(client, api(f"municipalities/{kamnik.slug}/suggestions/"), limit=25)

    assert [s["municipality"]["slug"] for s in answer["results"]] == [
        s.municipality.slug for s in on_the_site
    ]
    first, site_first = answer["results"][0], on_the_site[0]
    assert first["reasons"] == site_first.reasons
    assert first["score"] == round(site_first.score, 3)
    assert set(first["contributions"]) == set(site_first.contributions)
    assert answer["municipality"]["name"] == "Kamnik"
    assert answer["weights"]["partners_of_partners"] == 3
    names_suggested = {s["municipality"]["name"] for s in answer["results"]}
    # Its partners and itself are never suggested.
    assert not names_suggested & {"Kamnik", "Trofaiach", "Andechs"}


def test_suggestions_take_the_site_s_weights(client, world):
    kamnik = world["kamnik"]
    weights = {"near": 3, "far": 0, "same_size": 0, "partners_of_partners": 0}
    on_the_site = site_suggestions(client, kamnik.slug, **weights)

    answer = get(client, api(f"municipalities/{kamnik.slug}/suggestions/"), **weights)

    assert [s["municipality"]["id"] for s in answer["results"]] == [
        s.municipality.pk for s in on_the_site
    ]
    assert answer["weights"]["near"] == 3
    assert answer["weights"]["same_size"] == 0


def test_suggestions_page_by_cursor(client, world):
    kamnik = world["kamnik"]
    everything = get(client, api(f"municipalities/{kamnik.slug}/suggestions/"))

    results, counts = every_page(client, api(f"municipalities/{kamnik.slug}/suggestions/"), limit=1)

    assert [s["municipality"]["id"] for s in results] == [
        s["municipality"]["id"] for s in everything["results"]
    ]
    assert set(counts) == {everything["count"]}


@pytest.mark.parametrize("value", ["4", "-1", "a lot", "\x00"])
def test_a_weight_out_of_range_is_a_400(client, world, value):
    response = client.get(
        api(f"municipalities/{world['kamnik'].slug}/suggestions/"), {"far": value}
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "far"
