import pytest
from django.urls import reverse
from django.utils import translation

from atlas.directory.models import DataStamp, MunicipalityName, Network, Partnership
from conftest import (
    make_membership,
    make_municipality,
    make_network,
    make_partnership,
    make_source,
)


def url(name: str, *args, language: str = "en") -> str:
    with translation.override(language):
        return reverse(name, args=args)


@pytest.fixture
def world(kamnik_world):
    region = make_network("Osrednjeslovenska", kind=Network.Kind.STATISTICAL_REGION, code="SI041")
    make_membership(region, kamnik_world["kamnik"])
    villach = make_municipality("Villach", "AT", population=61000)
    MunicipalityName.objects.create(
        municipality=villach,
        name="Beljak",
        language="sl",
        search_key="beljak",
        source=villach.source,
    )
    kranj = make_municipality("Kranj", "SI", population=56000)
    make_partnership(kranj, villach, start_year=2008)
    make_municipality("Škofja Loka", "SI", population=23000)
    return {**kamnik_world, "region": region, "villach": villach, "kranj": kranj}


@pytest.mark.django_db
def test_the_home_page_shows_headline_counts(client, world):
    make_municipality("Kanal ob Soči", "SI", kind="other")
    response = client.get(url("home"))
    counts = response.context["counts"]
    assert counts == {"municipalities": 7, "partnerships": 3, "networks": 2, "countries": 3}
    assert "<strong>7</strong>" in response.content.decode()
    # A partner place known only from a list is not counted as a Slovenian municipality.
    slovenia = next(c for c in response.context["focus_countries"] if c.code == "SI")
    assert slovenia.municipality_count == 3


@pytest.mark.django_db
def test_the_home_page_counts_follow_a_change_of_the_data(client, world):
    assert client.get(url("home")).context["counts"]["municipalities"] == 6
    make_municipality("Kanal ob Soči", "SI")
    DataStamp.touch()
    assert client.get(url("home")).context["counts"]["municipalities"] == 7


@pytest.mark.django_db
def test_the_municipality_page_lists_partners_with_year_status_and_source(client, world):
    response = client.get(world["kamnik"].get_absolute_url())
    html = response.content.decode()
    assert "Trofaiach" in html and "Andechs" in html
    assert "1999" in html and "2004" in html
    assert "status-active" in html
    assert "Test source" in html
    assert "Osrednjeslovenska" in html  # its region
    assert "Združenje zgodovinskih mest Slovenije" in html
    assert "Eko tržnica" in html
    assert "<svg" in html and "<title>Trofaiach</title>" in html


@pytest.mark.django_db
def test_the_municipality_page_shows_other_names(client, world):
    html = client.get(world["villach"].get_absolute_url()).content.decode()
    assert '<span lang="sl">Beljak</span>' in html


@pytest.mark.django_db
def test_an_unknown_municipality_is_a_404_with_a_helpful_page(client, world):
    response = client.get(url("municipality", "no-such-town"))
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [("skofja loka", "Škofja Loka"), ("SKOFJA", "Škofja Loka"), ("beljak", "Villach")],
)
def test_search_ignores_accents_and_finds_other_names(client, world, query, expected):
    response = client.get(url("search") + f"?q={query}")
    names = [m.name for m in response.context["page"]]
    assert names[0] == expected


@pytest.mark.django_db
def test_search_ranks_exact_names_before_longer_ones(client, world):
    make_municipality("Kamnik pri Vrhniki", "SI", population=90000)
    response = client.get(url("search") + "?q=kamnik")
    assert [m.name for m in response.context["page"]][:2] == ["Kamnik", "Kamnik pri Vrhniki"]


@pytest.mark.django_db
def test_search_puts_an_exact_exonym_before_names_that_merely_start_with_it(client, world):
    wien = make_municipality("Wien", "AT", population=1_900_000)
    MunicipalityName.objects.create(
        municipality=wien, name="Dunaj", language="sl", search_key="dunaj", source=wien.source
    )
    make_municipality("Dunajská Streda", "SK", population=23000)
    response = client.get(url("search"), {"q": "Dunaj"})
    assert [m.name for m in response.context["page"]] == ["Wien", "Dunajská Streda"]


@pytest.mark.django_db
def test_search_finds_networks_and_projects_by_name(client, world):
    response = client.get(url("search") + "?q=zgodovinskih")
    assert response.context["networks"] == [world["network"]]
    response = client.get(url("search") + "?q=trznica")
    assert response.context["projects"] == [world["project"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [("   ", "Type a name to search for."), ("!!!", "Type at least one letter or digit.")],
)
def test_search_without_letters_explains_itself(client, world, query, message):
    response = client.get(url("search"), {"q": query})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "page" not in response.context


@pytest.mark.django_db
def test_the_search_page_without_a_query_shows_just_the_form(client, world):
    response = client.get(url("search"))
    assert "page" not in response.context
    assert "field-error" not in response.content.decode()


@pytest.mark.django_db
def test_search_shows_an_empty_state_when_nothing_matches(client, world):
    html = client.get(url("search") + "?q=zzzqqq").content.decode()
    assert "No municipality is called “zzzqqq”" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '" onmouseover="alert(1)',
        "\u202eevil\u202c",
        "x" * 5000,
        "a\x00b\x07c",
    ],
)
def test_search_treats_hostile_input_as_text(client, world, hostile):
    response = client.get(url("search"), {"q": hostile})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert 'onmouseover="alert(1)' not in html


@pytest.mark.django_db
def test_the_partnership_list_filters_by_country_kind_and_status(client, world):
    response = client.get(url("partnerships"), {"country": "AT"})
    assert response.context["page"].paginator.count == 2
    response = client.get(url("partnerships"), {"status": "active"})
    assert response.context["page"].paginator.count == 2
    response = client.get(url("partnerships"), {"kind": "friendship"})
    assert response.context["page"].paginator.count == 0
    assert "No partnership matches these filters." in response.content.decode()


@pytest.mark.django_db
def test_the_partnership_list_rejects_an_unknown_filter_value_clearly(client, world):
    response = client.get(url("partnerships"), {"status": "<b>bogus</b>"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in html
    assert "<b>bogus</b>" not in html


@pytest.mark.django_db
def test_the_partnership_list_is_paginated(client, world):
    source = make_source()
    hub = make_municipality("Hub", "SK")
    for number in range(55):
        make_partnership(hub, make_municipality(f"Town {number}", "CZ"), sources=[source])
    first = client.get(url("partnerships"), {"country": "SK"})
    assert len(first.context["page"].object_list) == 50
    second = client.get(url("partnerships"), {"country": "SK", "page": 2})
    assert len(second.context["page"].object_list) == 5
    assert 'href="?country=SK&amp;page=1"' in second.content.decode()


@pytest.mark.django_db
def test_the_country_page_lists_municipalities_with_partnerships_by_region(client, world):
    response = client.get(url("country", "si"))
    html = response.content.decode()
    assert response.context["twinned_count"] == 2  # Kamnik and Kranj, not Škofja Loka
    assert "Kamnik" in html and "Kranj" in html
    assert "Škofja Loka" not in html
    assert "Osrednjeslovenska" in html
    top = dict(response.context["top_partner_countries"])
    assert {country.code: n for country, n in top.items()} == {"AT": 2, "DE": 1}


@pytest.mark.django_db
def test_a_country_code_must_be_lower_case_in_the_address(client, world):
    assert client.get("/en/countries/SI/").status_code == 404


@pytest.mark.django_db
def test_the_network_page_lists_members_and_projects(client, world):
    html = client.get(world["network"].get_absolute_url()).content.decode()
    assert "Kamnik" in html
    assert "Eko tržnica" in html
    assert "2001" in html


@pytest.mark.django_db
def test_the_network_list_filters_by_kind(client, world):
    response = client.get(url("networks"), {"kind": "statistical_region"})
    assert [n.name for n in response.context["page"]] == ["Osrednjeslovenska"]


@pytest.mark.django_db
def test_the_network_list_shows_sub_networks_only_when_asked(client, world):
    covenant = make_network("Covenant of Mayors", kind=Network.Kind.INITIATIVE)
    make_network("Climate Alliance", kind=Network.Kind.INITIATIVE, parent=covenant)
    names = [n.name for n in client.get(url("networks")).context["page"]]
    assert "Covenant of Mayors" in names and "Climate Alliance" not in names
    response = client.get(url("networks"), {"include_parts": "on"})
    assert "Climate Alliance" in [n.name for n in response.context["page"]]


@pytest.mark.django_db
def test_the_about_page_lists_every_source_with_its_licence(client, world):
    make_source("wikipedia", name="Wikipedia lists of twin towns", licence="CC BY-SA 4.0")
    html = client.get(url("about-data")).content.decode()
    assert "Wikipedia lists of twin towns" in html
    assert "CC BY-SA 4.0" in html


@pytest.mark.django_db
def test_the_language_switcher_links_to_the_same_page_in_other_languages(client, world):
    html = client.get(world["kamnik"].get_absolute_url()).content.decode()
    assert f'href="/sl/municipalities/{world["kamnik"].slug}/"' in html
    assert f'href="/de/municipalities/{world["kamnik"].slug}/"' in html


@pytest.mark.django_db
def test_the_root_address_redirects_to_a_language(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/en/"


# Query counts: each list and page costs a fixed number of queries, however many rows.


def add_rows(world, count: int):
    source = make_source()
    for number in range(count):
        other = make_municipality(f"Extra {number}", "DE")
        make_partnership(world["kamnik"], other, sources=[source], status=Partnership.Status.ACTIVE)
        make_membership(world["network"], other)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "args", "params", "queries"),
    [
        ("home", (), {}, 1),  # its counts are kept until the data changes
        ("partnerships", (), {}, 5),
        ("partnerships", (), {"country": "SI"}, 6),
        ("networks", (), {}, 2),
        ("projects", (), {}, 4),
        ("countries", (), {}, 1),
        ("country", ("si",), {}, 6),
        ("about-data", (), {}, 5),
        ("search", (), {"q": "extra"}, 2),
    ],
)
def test_list_pages_cost_a_fixed_number_of_queries(
    client, world, django_assert_num_queries, name, args, params, queries
):
    add_rows(world, 3)
    client.get(url(name, *args), params)  # warm caches outside the count
    with django_assert_num_queries(queries):
        client.get(url(name, *args), params)
    add_rows(world, 10)
    with django_assert_num_queries(queries):
        client.get(url(name, *args), params)


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "queries"), [("kamnik", 9), ("network", 7), ("project", 3)])
def test_detail_pages_cost_a_fixed_number_of_queries(
    client, world, django_assert_num_queries, key, queries
):
    add_rows(world, 3)
    target = world[key].get_absolute_url()
    client.get(target)
    with django_assert_num_queries(queries):
        client.get(target)
    add_rows(world, 10)
    with django_assert_num_queries(queries):
        client.get(target)


@pytest.mark.django_db
def test_hostile_text_in_stored_records_is_shown_escaped(client, world):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>\u202e'
    kamnik = world["kamnik"]
    network = world["network"]
    network.description = hostile
    network.save()
    make_partnership(kamnik, make_municipality(hostile, "HR"), notes=hostile)
    for page in (kamnik.get_absolute_url(), network.get_absolute_url(), url("partnerships")):
        html = client.get(page).content.decode()
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
