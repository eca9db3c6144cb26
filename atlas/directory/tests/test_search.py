"""Search: names in any language, accents, word order, qualifiers and typos; ranking; the
results page and the autocomplete's JSON; an index that follows the data."""

import pytest
from django.urls import reverse
from django.utils import translation

from atlas.directory.models import DataStamp, MunicipalityName, Network
from atlas.directory.search import Tier, current_index, find
from conftest import (
    make_membership,
    make_municipality,
    make_network,
    make_partnership,
    make_project,
)


def url(name: str, language: str = "en") -> str:
    with translation.override(language):
        return reverse(name)


def other_name(municipality, name: str, language: str = "sl"):
    return MunicipalityName.objects.create(
        municipality=municipality,
        name=name,
        language=language,
        search_key=name.lower().replace("č", "c"),
        source=municipality.source,
    )


@pytest.fixture
def world(kamnik_world):
    villach = make_municipality("Villach", "AT", population=62882, nuts3="AT211")
    other_name(villach, "Beljak")
    wien = make_municipality("Wien", "AT", population=1_911_191)
    other_name(wien, "Dunaj")
    praha = make_municipality("Praha", "CZ", population=1_324_277, nuts3="CZ010")
    other_name(praha, "Praga", language="")
    kranj = make_municipality("Kranj", "SI", population=57065)
    make_municipality("Škofja Loka", "SI", population=23000)
    make_municipality("Dunajská Streda", "SK", population=22684)
    make_partnership(kranj, villach, start_year=2008)
    return {**kamnik_world, "villach": villach, "wien": wien, "praha": praha, "kranj": kranj}


def names(query: str) -> list[str]:
    results = find(query)
    return [m.name for m in results.municipality_page(results.municipalities)]


def page_names(client, query: str, **params) -> list[str]:
    response = client.get(url("search"), {"q": query, **params})
    assert response.status_code == 200
    return [m.name for m in response.context["page"]]


# Matching


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [("Beljak", "Villach"), ("Dunaj", "Wien"), ("Praga", "Praha"), ("beljak", "Villach")],
)
def test_a_name_in_another_language_finds_the_place(client, world, query, expected):
    assert page_names(client, query)[0] == expected


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["skofja loka", "SKOFJA LOKA", "Škofja Loka", " skofja   loka "])
def test_accents_capitals_and_spaces_do_not_matter(client, world, query):
    assert page_names(client, query) == ["Škofja Loka"]


@pytest.mark.django_db
def test_words_may_come_in_any_order(client, world):
    assert page_names(client, "loka skofja") == ["Škofja Loka"]
    assert page_names(client, "streda dunajska") == ["Dunajská Streda"]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["Mestna občina Kranj", "mestna obcina kranj", "Občina Kranj"])
def test_a_qualifier_before_the_name_is_ignored(client, world, query):
    assert page_names(client, query)[0] == "Kranj"


@pytest.mark.django_db
def test_a_qualified_name_held_as_another_name_matches_exactly(world):
    other_name(world["kranj"], "Mestna občina Kranj")
    results = find("Mestna občina Kranj")
    assert results.municipalities[0].pk == world["kranj"].pk
    assert results.municipalities[0].tier == Tier.OTHER_EXACT


@pytest.mark.django_db
def test_a_qualifier_that_is_part_of_a_name_is_kept(world):
    make_municipality("Novo mesto", "SI", population=37000)
    make_municipality("Novo", "HR", population=900_000)
    assert names("novo mesto") == ["Novo mesto"]


@pytest.mark.django_db
def test_a_typo_finds_the_place_and_the_page_asks_did_you_mean(client, world):
    response = client.get(url("search"), {"q": "Trofaich"})
    assert [m.name for m in response.context["page"]] == ["Trofaiach"]
    assert response.context["results"].suggestion == "Trofaiach"
    html = response.content.decode()
    assert 'Did you mean <a href="?q=Trofaiach">Trofaiach</a>?' in html


@pytest.mark.django_db
def test_did_you_mean_is_not_asked_when_the_name_matches(client, world):
    response = client.get(url("search"), {"q": "Trofaiach"})
    assert response.context["results"].suggestion == ""
    assert "did-you-mean" not in response.content.decode()


@pytest.mark.django_db
def test_a_short_query_is_not_taken_for_a_typo(world):
    assert names("wie") == ["Wien"]  # not "Wien" and every three-letter place one edit away
    assert find("xyz").municipalities == []


@pytest.mark.django_db
def test_greek_and_cyrillic_names_are_found_in_their_script_and_in_latin_letters(world):
    burgas = make_municipality("Бургас", "BG", population=200000)
    burgas.search_key = ""  # what folding leaves of a Cyrillic name
    burgas.save()
    assert find("Бургас").municipalities[0].pk == burgas.pk
    assert find("burgas").municipalities[0].pk == burgas.pk


# Ranking


@pytest.mark.django_db
def test_ranking_goes_exact_other_name_prefix_words_inside_then_typos(world):
    make_municipality("Lipa", "CZ", population=500)
    make_municipality("Lipany", "SK", population=6000)
    other_name(make_municipality("Linden", "DE", population=90000), "Lipa", language="cs")
    other_name(make_municipality("Lindau", "DE", population=25000), "Lipava", language="cs")
    make_municipality("Česká Lípa", "CZ", population=37000)
    make_municipality("Filipanice", "SK", population=40000)
    make_municipality("Lipo", "HR", population=80000)
    assert names("lipa") == [
        "Lipa",  # its own name, exactly
        "Linden",  # another name, exactly
        "Lipany",  # its name starts with the query
        "Lindau",  # another name starts with it
        "Česká Lípa",  # a word of its name starts with it
        "Filipanice",  # its name contains it
        "Lipo",  # one typo away
    ]
    assert [m.tier for m in find("lipa").municipalities] == list(Tier)


@pytest.mark.django_db
def test_an_exact_exonym_comes_before_names_that_merely_start_with_it(world):
    assert names("Dunaj") == ["Wien", "Dunajská Streda"]


@pytest.mark.django_db
def test_larger_and_more_connected_places_come_first_among_equals(world):
    small = make_municipality("Nová Ves", "CZ", population=100)
    large = make_municipality("Nová Ves", "CZ", population=1000)
    twinned = make_municipality("Nová Ves", "SK", population=200)
    for number in range(3):
        make_partnership(twinned, make_municipality(f"Partner {number}", "DE"))
    assert [m.pk for m in find("nova ves").municipalities] == [twinned.pk, large.pk, small.pk]


@pytest.mark.django_db
def test_same_named_towns_are_told_apart_by_country_region_and_size(client, world):
    region = make_network(
        "Banskobystrický kraj", kind=Network.Kind.STATISTICAL_REGION, code="SK032"
    )
    slovak = make_municipality("Nová Ves", "SK", nuts3="SK032", population=426)
    make_membership(region, slovak)
    make_municipality("Nová Ves", "CZ", nuts3="CZ031", population=416)
    bratislava = make_municipality("Bratislava", "SK", population=437726)
    make_municipality("Nová Ves (Bratislava)", "SK", kind="city_part", parent=bratislava)
    html = client.get(url("search"), {"q": "nova ves"}).content.decode()
    assert "Slovakia · Banskobystrický kraj · pop. 426" in html
    assert "Czechia · region CZ031 · pop. 416" in html
    assert "part of Bratislava" in html


@pytest.mark.django_db
def test_the_results_page_says_which_other_name_matched_and_counts_partners(client, world):
    html = client.get(url("search"), {"q": "beljak"}).content.decode()
    assert "also called Beljak" in html
    assert "1 partner town" in html


# Networks and projects


@pytest.mark.django_db
def test_networks_and_projects_are_found_by_name_acronym_and_words(client, world):
    douzelage = make_network("Douzelage", acronym="DZ", kind=Network.Kind.ASSOCIATION)
    charter = make_network("Charter of European Rural Communities")
    response = client.get(url("search"), {"q": "zgodovinskih"})
    assert response.context["networks"] == [world["network"]]
    response = client.get(url("search"), {"q": "trznica eko"})
    assert response.context["projects"] == [world["project"]]
    assert find("dz").networks == [douzelage.pk]
    assert find("rural charter").networks == [charter.pk]


@pytest.mark.django_db
def test_networks_rank_exact_names_before_longer_ones(world):
    longer = make_network("Alpine Towns Alliance")
    exact = make_network("Alpine Towns")
    assert find("alpine towns").networks[:2] == [exact.pk, longer.pk]


# The results page


@pytest.mark.django_db
def test_the_results_page_is_paginated(client, world):
    for number in range(30):
        make_municipality(f"Testovo {number}", "SK")
    first = client.get(url("search"), {"q": "testovo"})
    assert first.context["page"].paginator.count == 30
    assert len(first.context["page"].object_list) == 25
    second = client.get(url("search"), {"q": "testovo", "page": 2})
    assert len(second.context["page"].object_list) == 5
    assert 'href="?q=testovo&amp;page=1"' in second.content.decode()
    assert page_names(client, "testovo", page="junk") == page_names(client, "testovo")


@pytest.mark.django_db
def test_a_search_with_too_many_matches_is_cut_and_says_so(world):
    for number in range(5):
        make_municipality(f"Testovo {number}", "SK")
    results = find("testovo", limit=3)
    assert len(results.municipalities) == 3
    assert results.truncated
    assert not find("testovo").truncated


@pytest.mark.django_db
def test_the_results_page_shows_an_empty_state_for_each_kind(client, world):
    html = client.get(url("search"), {"q": "zzzqqq"}).content.decode()
    assert "No municipality is called “zzzqqq”" in html
    assert "No network matches." in html
    assert "No project matches." in html


@pytest.mark.django_db
def test_the_results_page_is_translated(client, world):
    html = client.get(url("search", "de"), {"q": "beljak"}).content.decode()
    assert "Österreich" in html


# The autocomplete's JSON


@pytest.mark.django_db
def test_suggest_answers_places_with_country_region_and_address(client, world):
    response = client.get(url("search-suggest"), {"q": "belj"})
    assert response.status_code == 200
    data = response.json()
    first = data["results"][0]
    assert first == {
        "type": "municipality",
        "name": "Villach",
        "matched_name": "Beljak",
        "country": "Austria",
        "country_code": "AT",
        "flag": "🇦🇹",
        "region": "",
        "population": 62882,
        "partners": 1,
        "detail": "region AT211 · pop. 62,882 · 1 partner town",
        "url": world["villach"].get_absolute_url(),
    }
    assert data["query"] == "belj"
    assert data["suggestion"] == ""
    assert data["search_url"] == "/en/search/?q=belj"


@pytest.mark.django_db
def test_suggest_offers_at_most_eight_results_with_room_for_networks_and_projects(client, world):
    for number in range(12):
        make_municipality(f"Eko {number}", "SI")
    results = client.get(url("search-suggest"), {"q": "eko"}).json()["results"]
    assert len(results) == 8
    assert [r["type"] for r in results] == ["municipality"] * 7 + ["project"]
    assert results[-1]["name"] == "Eko tržnica"


@pytest.mark.django_db
def test_suggest_fills_up_with_networks_when_no_place_matches(client, world):
    for number in range(10):
        make_network(f"Covenant network {number}")
    results = client.get(url("search-suggest"), {"q": "covenant"}).json()["results"]
    assert [r["type"] for r in results] == ["network"] * 8


@pytest.mark.django_db
def test_suggest_offers_did_you_mean_for_a_typo(client, world):
    data = client.get(url("search-suggest"), {"q": "trofaich"}).json()
    assert data["suggestion"] == "Trofaiach"
    assert data["results"][0]["name"] == "Trofaiach"


@pytest.mark.django_db
def test_suggest_speaks_the_language_of_its_address(client, world):
    data = client.get(url("search-suggest", "de"), {"q": "beljak"}).json()
    assert data["results"][0]["country"] == "Österreich"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Type a name to search for."),
        ({"q": "   "}, "Type a name to search for."),
        ({"q": "!!! ???"}, "Type at least one letter or digit."),
        ({"q": "x" * 5000}, "Type at most 200 characters (this has 5000)."),
        ({"q": "a\x00b"}, "Type a name without control characters."),
    ],
)
def test_suggest_answers_bad_input_with_a_400_and_a_message(client, world, params, message):
    response = client.get(url("search-suggest"), params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": message}


# Hostile input


HOSTILE = [
    "<script>alert(1)</script>",
    '" onmouseover="alert(1)',
    "'><img src=x onerror=alert(1)>",
    "\u202eevil\u202c",
    "a\x07b\x1bc",
    "x" * 5000,
    "!!!",
    "a\x00b",
]


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_results_page_shows_hostile_input_as_text(client, world, hostile):
    response = client.get(url("search"), {"q": hostile})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert 'onmouseover="alert(1)' not in html
    assert "<img src=x" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", HOSTILE)
def test_suggest_answers_hostile_input_with_json(client, world, hostile):
    response = client.get(url("search-suggest"), {"q": hostile})
    assert response.status_code in (200, 400)
    # JSON is data: the browser must not sniff it as HTML, and the script inserts it as text.
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert isinstance(response.json(), dict)


@pytest.mark.django_db
def test_a_hostile_stored_name_is_escaped_in_results(client, world):
    make_municipality("<script>alert(1)</script> Town", "HR")
    html = client.get(url("search"), {"q": "script alert town"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Town" in html


# The index follows the data


@pytest.mark.django_db
def test_the_index_is_rebuilt_after_the_data_changes(world):
    index = current_index()
    assert find("Newtown").municipalities == []
    town = make_municipality("Newtown", "GB", population=12000)
    assert current_index() is index  # unchanged data, the same index
    DataStamp.touch()
    assert current_index() is not index
    assert [m.pk for m in find("Newtown").municipalities] == [town.pk]


@pytest.mark.django_db
def test_the_index_forgets_deleted_places_and_names(world):
    assert names("beljak") == ["Villach"]
    world["villach"].other_names.all().delete()
    DataStamp.touch()
    assert names("beljak") == []


# Queries: a fixed number however many rows match


def add_places(count: int):
    for number in range(count):
        town = make_municipality(f"Extra {number}", "DE", population=1000 + number)
        other_name(town, f"Extra drugo {number}")
    make_network("Extra network")
    make_project("Extra project")
    DataStamp.touch()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "queries"),
    [
        # The data stamp, the page of places, its networks and its projects.
        ("search", 4),
        ("search-suggest", 4),
    ],
)
def test_search_costs_a_fixed_number_of_queries(
    client, world, django_assert_num_queries, name, queries
):
    add_places(3)
    client.get(url(name), {"q": "extra"})  # builds the index outside the count
    with django_assert_num_queries(queries):
        client.get(url(name), {"q": "extra"})
    add_places(30)
    client.get(url(name), {"q": "extra"})
    with django_assert_num_queries(queries):
        response = client.get(url(name), {"q": "extra"})
    assert response.status_code == 200
