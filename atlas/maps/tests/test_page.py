import json
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from atlas.directory.models import DataStamp
from conftest import make_municipality, make_partnership


def map_url(language: str = "en") -> str:
    with translation.override(language):
        return reverse("map")


def listed_names(response) -> list[str]:
    """The place names in the list beside the map, in order."""
    section = response.content.decode().split('id="map-list"')[1]
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', section)


def map_config(response) -> dict:
    html = response.content.decode()
    found = re.search(r'<script id="atlas-map-config" type="application/json">(.*?)</script>', html)
    assert found, "the page carries the map's settings"
    return json.loads(found.group(1))


@pytest.mark.django_db
@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_the_map_page_answers_with_the_map_in_each_language(client, map_world, language):
    response = client.get(map_url(language))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<atlas-map" in html
    assert f'href="{map_url(language)}"' in html  # the main navigation links to it


@pytest.mark.django_db
def test_the_list_beside_the_map_shows_the_places_of_the_data_endpoint(client, map_world):
    response = client.get(map_url(), {"country": "SI"})
    data = client.get("/map/data/places.json", {"country": "SI"}).json()

    assert sorted(listed_names(response)) == sorted(data["name"])
    # Most partners first, then by name.
    assert listed_names(response) == ["Kamnik", "Kranj", "Škofja Loka"]
    assert "3 places, by number of partnerships." in response.content.decode()


@pytest.mark.django_db
def test_the_list_is_paginated(client, map_world):
    hub = make_municipality("Hub", "DE", latitude=50.0, longitude=10.0)
    for number in range(60):
        make_partnership(hub, make_municipality(f"Spoke {number:02}", "FR", latitude=45.0))
    DataStamp.objects.filter(pk=1).update(changed_at=DataStamp.current() + timedelta(seconds=1))

    first = client.get(map_url())
    second = client.get(map_url(), {"page": 2})

    assert len(listed_names(first)) == 50
    assert listed_names(first)[0] == "Hub"
    assert len(listed_names(second)) == 6 + 61 - 50
    assert 'rel="next"' in first.content.decode()


@pytest.mark.django_db
def test_a_selected_town_lists_its_partners_like_the_side_panel(client, map_world):
    kamnik = map_world["kamnik"]

    response = client.get(map_url(), {"town": kamnik.pk, "lat": "46.2", "lon": "14.6", "zoom": "7"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Partners of Kamnik" in html
    assert listed_names(response) == ["Andechs", "Trofaiach"]
    assert "2004" in html and "1999" in html
    assert kamnik.get_absolute_url() in html


@pytest.mark.django_db
def test_a_selected_town_with_filters_lists_only_matching_partners(client, map_world):
    response = client.get(map_url(), {"town": map_world["kranj"].pk, "scope": "international"})

    assert listed_names(response) == ["Villach"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"country": "<script>x</script>"}, "Select a valid choice."),
        ({"since": "2010", "until": "2000"}, "The end of the period comes before its start."),
        ({"town": "999999"}, "This place is not in the atlas."),
        ({"zoom": "99"}, "Ensure this value is less than or equal to 18."),
    ],
)
def test_bad_parameters_on_the_page_show_a_form_error(client, map_world, params, message):
    response = client.get(map_url(), params)

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "<script>x</script>" not in html
    assert "data-invalid" in html
    assert "Correct the filters above to see the places." in html


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{}, {"since": "later", "until": "2000", "country": "XX"}])
def test_every_field_description_the_filters_point_to_is_on_the_page(client, map_world, params):
    html = client.get(map_url(), params).content.decode()

    ids = set(re.findall(r' id="([^"]+)"', html))
    described_by = {
        ref for refs in re.findall(r'aria-describedby="([^"]+)"', html) for ref in refs.split()
    }
    assert {"id_since_helptext", "id_until_helptext"} <= described_by
    assert described_by <= ids
    assert "Partnerships that started in this year or later." in html
    assert "Partnerships that started in this year or earlier." in html


@pytest.mark.django_db
def test_an_empty_result_says_so(client, map_world):
    response = client.get(map_url(), {"status": "ended"})

    assert "No place matches these filters." in response.content.decode()


@pytest.mark.django_db
def test_hostile_stored_names_are_shown_escaped(client, map_world):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    evil = make_municipality(hostile, "SI", latitude=46.0, longitude=14.0)
    make_partnership(evil, map_world["kamnik"])
    DataStamp.objects.filter(pk=1).update(changed_at=DataStamp.current() + timedelta(seconds=1))

    listing = client.get(map_url()).content.decode()
    partners = client.get(map_url(), {"town": map_world["kamnik"].pk}).content.decode()

    for html in (listing, partners):
        assert hostile not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_the_page_gives_the_script_its_addresses_and_translated_strings(client, map_world):
    with translation.override("de"):
        config = map_config(client.get(map_url("de")))

    assert config["urls"]["places"] == "/map/data/places.json"
    assert config["urls"]["town"] == "/map/data/towns/0.json"
    assert config["urls"]["municipality"] == "/de/municipalities/__slug__/"
    assert config["tiles"]["url"] == ""
    assert config["countries"]["AT"] == "Österreich"
    assert config["themes"]["culture"] == "Kultur"
    assert set(config["kinds"]) == {"twinning", "friendship", "cooperation", "project"}


@pytest.mark.django_db
@override_settings(MAP_TILE_URL="https://tile.example.org/{z}/{x}/{y}.png")
def test_a_tile_url_setting_reaches_the_map(client, map_world):
    config = map_config(client.get(map_url()))

    assert config["tiles"]["url"] == "https://tile.example.org/{z}/{x}/{y}.png"
    assert "OpenStreetMap" in config["tiles"]["attribution"]


@pytest.mark.django_db
def test_the_page_loads_leaflet_from_our_own_static_files(client, map_world):
    html = client.get(map_url()).content.decode()

    assert "/static/vendor/leaflet-1.9.4/leaflet.js" in html
    assert "/static/vendor/leaflet-1.9.4/leaflet.css" in html
    assert not re.search(r'(src|href)="(https?:)?//', html.split("<main")[0])


@pytest.mark.django_db
def test_the_page_costs_a_fixed_number_of_queries(client, map_world, django_assert_num_queries):
    kamnik = map_world["kamnik"]
    for extra in (3, 30):
        for number in range(extra):
            make_partnership(kamnik, make_municipality(f"Twin {extra} {number}", "IT"))
        DataStamp.objects.filter(pk=1).update(changed_at=DataStamp.current() + timedelta(seconds=1))
        client.get(map_url())  # fill the cache
        # The data stamp, the page's slugs, the form's country, theme and network choices,
        # the script's theme names.
        with django_assert_num_queries(6):
            client.get(map_url())
        # The town, its stamp-free partner list with themes, and the same choices.
        with django_assert_num_queries(7):
            client.get(map_url(), {"town": kamnik.pk})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "attribute"),
    [
        ("municipality", "data-town"),
        ("network", 'data-filters="network='),
        ("country", 'data-filters="country=SI"'),
    ],
)
def test_municipality_network_and_country_pages_carry_the_interactive_map(
    client, map_world, page, attribute
):
    target = {
        "municipality": map_world["kamnik"].get_absolute_url(),
        "network": map_world["douzelage"].get_absolute_url(),
        "country": reverse("country", args=["si"]),
    }[page]

    html = client.get(target).content.decode()

    assert "<atlas-map" in html
    assert attribute in html
    assert "atlas-map-config" in html
    assert "Open in the full map" in html


@pytest.mark.django_db
def test_the_municipality_page_keeps_the_static_map_for_browsers_without_javascript(
    client, map_world
):
    html = client.get(map_world["kamnik"].get_absolute_url()).content.decode()

    assert '<div class="map-fallback"><svg class="static-map"' in html
