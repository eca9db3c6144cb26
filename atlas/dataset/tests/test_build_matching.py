"""Matching rules of the dataset build, on small hand-made samples."""

import doctest
import importlib

import pytest

from atlas.dataset.pipeline.countries import CountryNormaliser
from atlas.dataset.pipeline.gazetteer import GeoPlace, attach_names
from atlas.dataset.pipeline.municipalities import assign_slugs, latin_names, read_lau
from atlas.dataset.pipeline.names import is_not_municipal, own_keys, variants
from atlas.dataset.pipeline.networks import CliqueSpec, extract_cliques, grow_clique
from atlas.dataset.pipeline.places import Place, PlaceIndex
from atlas.dataset.pipeline.report import Report
from atlas.dataset.pipeline.twinning import Pair
from atlas.dataset.tests.test_build_command import LAU_HEADER


def make_place(external_id, name, country, latitude=46.0, longitude=14.0, population=1000):
    return Place(
        external_id=external_id,
        name=name,
        country=country,
        kind="municipality",
        source="test",
        population=population,
        latitude=latitude,
        longitude=longitude,
        keys=own_keys(name),
    )


@pytest.fixture
def normaliser():
    return CountryNormaliser(
        {
            "CZ": "Czechia",
            "GB": "United Kingdom",
            "IE": "Ireland",
            "GE": "Georgia",
            "US": "United States",
            "CY": "Cyprus",
            "DE": "Germany",
            "XK": "Kosovo",
        }
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Czech Republic", "CZ"),
        ("England, United Kingdom", "GB"),
        ("England", "GB"),
        ("Scotland", "GB"),
        ("Wales", "GB"),
        ("Republic of Ireland", "IE"),
        ("Georgia (country)", "GE"),
        ("Kosovo", "XK"),
        ("Northern Cyprus", "CY"),
        ("Brandenburg, Germany", "DE"),
        ('Germany"', "DE"),
        ("Atlantis", None),
    ],
)
def test_it_normalises_country_strings(normaliser, text, code):
    assert normaliser.code(text) == code


def test_it_tells_the_us_state_of_georgia_by_the_coordinates(normaliser):
    assert normaliser.code("Georgia", longitude=44.8) == "GE"
    assert normaliser.code("Georgia", longitude=-84.4) == "US"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Mestna občina Kranj", "kranj"),
        ("Občina Kamnik", "kamnik"),
        ("Gelnhausen, Stadt", "gelnhausen"),
        ("Stadt Gelnhausen", "gelnhausen"),
        ("Gmina Chojna", "chojna"),
        ("Město Sušice", "susice"),
        ("Town of Sherborne", "sherborne"),
        ("Zemun (Belgrade)", "belgrade"),
        ("Belgrade \u2013 Zemun", "belgrade"),
        ("Prague 6", "prague"),
        ("18th district of Budapest", "budapest"),
    ],
)
def test_it_strips_qualifiers(name, expected):
    assert expected in variants(name)


def test_it_tells_districts_from_towns():
    assert is_not_municipal("Herford (district)")
    assert is_not_municipal("Pavia Province")
    assert not is_not_municipal("Herford")


def test_it_matches_exonyms_through_geonames():
    praha = make_place("lau:CZ_554782", "Praha", "CZ", 50.07, 14.45)
    index = PlaceIndex([praha])
    prague = GeoPlace("3067696", "Prague", 50.088, 14.42, "CZ", 1165581, ["PRG", "Praga", "Praha"])
    names = attach_names([prague], [praha], index, Report())
    assert {name for _, name, _, _ in names} == {"Prague", "Praga"}
    assert index.find("CZ", variants("Prague"), 50.08, 14.42) is praha


def test_it_attaches_no_geonames_place_further_than_25_km():
    praha = make_place("lau:CZ_554782", "Praha", "CZ", 50.07, 14.45)
    far = GeoPlace("1", "Praha", 49.0, 17.0, "CZ", 600, [])
    report = Report()
    assert attach_names([far], [praha], PlaceIndex([praha]), report) == []


def test_it_picks_the_nearest_of_two_same_named_towns():
    west = make_place("lau:DE_1", "Neustadt", "DE", 50.0, 10.0, population=9000)
    east = make_place("lau:DE_2", "Neustadt", "DE", 52.0, 12.0, population=4000)
    index = PlaceIndex([west, east])
    assert index.find("DE", variants("Neustadt"), 52.01, 12.01) is east
    assert index.find("DE", variants("Neustadt"), 50.1, 10.1) is west
    assert index.find("DE", variants("Neustadt")) is west  # no point: the larger one


def test_it_prefers_own_names_to_other_names():
    wien = make_place("lau:AT_90001", "Wien", "AT", 48.2, 16.37)
    vienna_village = make_place("lau:AT_1", "Vienna", "AT", 47.0, 15.0, population=300)
    index = PlaceIndex([wien, vienna_village])
    index.add_other_key(wien, "vienna")
    assert index.find("AT", variants("Vienna"), 48.2, 16.37) is vienna_village


def test_it_groups_slovak_city_parts_under_the_whole_city(tmp_path):
    folder = tmp_path / "municipalities/edjnet_lau_centres"
    folder.mkdir(parents=True)
    (folder / "SK.csv").write_text(
        LAU_HEADER + "\n"
        "SK_1,17.0,48.0,SK,SK01,SK010,1,Bratislava - mestská časť Staré Mesto,100,1,2020,SK_1,o,T\n"
        "SK_2,18.0,49.0,SK,SK01,SK010,2,Bratislava - mestská časť Ružinov,300,1,2020,SK_2,o,T\n",
        encoding="utf-8",
    )
    places = {place.external_id: place for place in read_lau(tmp_path, Report())}
    city = places["city:SK:bratislava"]
    assert (city.kind, city.population, city.latitude, city.longitude) == (
        "municipality",
        400,
        48.75,
        17.75,
    )
    assert places["lau:SK_2"].kind == "city_part"
    assert places["lau:SK_2"].parent == "city:SK:bratislava"
    index = PlaceIndex(list(places.values()))
    assert index.find("SK", variants("Bratislava")) is city
    assert index.find("SK", variants("Ružinov (Bratislava)")) is places["lau:SK_2"]
    assert index.find("SK", variants("Old Town (Bratislava)")) is city


def test_it_gives_the_plain_slug_to_the_most_populous_place():
    small = make_place("lau:SK_1", "Nová Ves", "SK", population=200)
    large = make_place("lau:CZ_1", "Nová Ves", "CZ", population=900)
    large.nuts3 = "CZ020"
    small.nuts3 = "SK031"
    assign_slugs([small, large])
    assert (large.slug, small.slug) == ("nova-ves", "nova-ves-sk")


def test_it_finds_a_clique_and_leaves_other_pairs():
    neighbours = {
        "a": {"b", "c", "d", "x"},
        "b": {"a", "c", "d"},
        "c": {"a", "b", "d"},
        "d": {"a", "b", "c"},
        "x": {"a"},
    }
    assert grow_clique("a", neighbours) == {"a", "b", "c", "d"}


def test_it_turns_a_clique_into_a_network():
    towns = [make_place(f"lau:T_{n}", f"Town {n}", "SI") for n in "abcd"]
    outsider = make_place("lau:T_x", "Outsider", "SI")
    index = PlaceIndex([*towns, outsider])
    ids = [town.external_id for town in towns]
    pairs = {
        (a, b): Pair(a, b, sources={"wikipedia-twin-towns"})
        for i, a in enumerate(ids)
        for b in ids[i + 1 :]
    }
    pairs["lau:T_a", "lau:T_x"] = Pair("lau:T_a", "lau:T_x")
    spec = CliqueSpec("net:test", "Test network", "thematic_network", ("SI", "Town a"), 4)
    by_id = {place.external_id: place for place in [*towns, outsider]}
    report = Report()
    networks, memberships = extract_cliques(pairs, index, by_id, report, specs=(spec,))
    assert [network.external_id for network in networks] == ["net:test"]
    assert {membership.municipality for membership in memberships} == set(ids)
    assert list(pairs) == [("lau:T_a", "lau:T_x")]
    assert report.counts["Test network pairs dropped"] == 6


@pytest.mark.parametrize(
    "module",
    [
        "atlas.dataset.pipeline.countries",
        "atlas.dataset.pipeline.gazetteer",
        "atlas.dataset.pipeline.municipalities",
        "atlas.dataset.pipeline.names",
        "atlas.dataset.pipeline.twinning",
        "atlas.lib.geo",
        "atlas.lib.topojson",
        "atlas.lib.translit",
    ],
)
def test_the_docstring_examples_hold(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted and not result.failed


def test_it_gives_names_in_cyrillic_a_latin_spelling_unless_a_source_has_one():
    bitola = Place("lau:MK_1", "Битола", "MK", "municipality", "lau")
    skopje = Place("lau:MK_2", "Скопје", "MK", "municipality", "lau")
    kamnik = Place("lau:SI_043", "Kamnik", "SI", "municipality", "lau")
    from_geonames = [("lau:MK_2", "Skopje", "", "geonames")]
    rows = latin_names([bitola, skopje, kamnik], from_geonames)
    assert rows == [("lau:MK_1", "Bitola", "", "lau")]
