import gzip
import json
from datetime import date, timedelta

import pytest
from django.utils.http import http_date

from atlas.directory.models import Activity, DataStamp, Partnership
from atlas.maps.data import FORMAT_VERSION, MapFilter, places
from conftest import make_municipality, make_partnership, make_source

PLACES = "/map/data/places.json"


def town_url(town) -> str:
    return f"/map/data/towns/{town.pk}.json"


def rows(response) -> dict[str, dict]:
    """The columnar answer as {name: {column: value}}, for readable assertions."""
    data = response.json()
    columns = ("id", "country", "lat", "lon", "partners")
    return {
        name: {column: data[column][i] for column in columns} for i, name in enumerate(data["name"])
    }


@pytest.mark.django_db
def test_places_are_columns_of_every_located_place_with_a_partnership(client, map_world):
    response = client.get(PLACES)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["version"] == FORMAT_VERSION
    assert data["count"] == 6
    assert data["scale"] == 1000
    assert data["filters"] == {}
    assert data["id"] == sorted(data["id"])
    found = rows(response)
    assert set(found) == {"Kamnik", "Trofaiach", "Andechs", "Kranj", "Škofja Loka", "Villach"}
    kamnik = found["Kamnik"]
    assert kamnik["id"] == map_world["kamnik"].pk
    assert data["countries"][kamnik["country"]] == "SI"
    assert (kamnik["lat"], kamnik["lon"]) == (46200, 14600)
    assert kamnik["partners"] == 2
    # Villach's partnership with a place that has no coordinates still counts.
    assert found["Villach"]["partners"] == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=SI", {"Kamnik": 2, "Kranj": 2, "Škofja Loka": 1}),
        ("kind=friendship", {"Kranj": 1, "Villach": 1}),
        (
            "status=active",
            {"Kamnik": 2, "Trofaiach": 1, "Andechs": 1, "Kranj": 1, "Škofja Loka": 1},
        ),
        ("status=ended", {}),
        ("theme=culture", {"Kranj": 1, "Škofja Loka": 1}),
        ("since=2004", {"Kamnik": 1, "Andechs": 1, "Kranj": 1, "Škofja Loka": 1}),
        ("until=2004", {"Kamnik": 2, "Trofaiach": 1, "Andechs": 1}),
        ("since=2000&until=2005", {"Kamnik": 1, "Andechs": 1}),
        ("scope=domestic", {"Kranj": 1, "Škofja Loka": 1}),
        ("scope=international&country=AT", {"Trofaiach": 1, "Villach": 2}),
        # A network shows all its members, also one with no partnership.
        ("network=douzelage", {"Kamnik": 2, "Sherborne": 0}),
        ("network=douzelage&status=active", {"Kamnik": 2}),
    ],
)
def test_filters_choose_the_places_and_their_partner_counts(client, map_world, query, expected):
    response = client.get(f"{PLACES}?{query}")

    assert response.status_code == 200
    assert {name: row["partners"] for name, row in rows(response).items()} == expected


@pytest.mark.django_db
def test_the_answer_names_its_normalized_filters(client, map_world):
    response = client.get(f"{PLACES}?status=active&country=SI&kind=")

    assert response.json()["filters"] == {"country": "SI", "status": "active"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("country=XX", "country"),
        ("country=<script>alert(1)</script>", "country"),
        ("kind=marriage", "kind"),
        ("status=1%27%20OR%201=1", "status"),
        ("theme=nope", "theme"),
        ("since=abc", "since"),
        ("since=99999", "since"),
        ("since=2010&until=2000", "until"),
        ("scope=galactic", "scope"),
        ("network=no-such-network", "network"),
        ("contry=SI", "__all__"),
    ],
)
def test_bad_parameters_answer_400_with_the_errors_as_json(client, map_world, query, field):
    for address in (PLACES, town_url(map_world["kamnik"])):
        response = client.get(f"{address}?{query}")

        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        assert list(response.json()["errors"]) == [field]


@pytest.mark.django_db
def test_an_unknown_parameter_is_named_shortened_as_the_exports_and_the_api_name_it(
    client, map_world
):
    response = client.get(f"{PLACES}?{'x' * 50}=1")

    assert response.status_code == 400
    assert response.json()["errors"]["__all__"] == [f"Unknown parameter: {'x' * 40}…"]


@pytest.mark.django_db
def test_the_answer_is_gzipped_for_clients_that_accept_it(client, map_world):
    plain = client.get(PLACES)
    zipped = client.get(PLACES, headers={"accept-encoding": "gzip, deflate, br"})
    refused = client.get(PLACES, headers={"accept-encoding": "gzip;q=0, deflate"})

    assert "Content-Encoding" not in plain
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert "Content-Encoding" not in refused
    assert "Accept-Encoding" in zipped["Vary"]


@pytest.mark.django_db
def test_an_unchanged_answer_is_304_by_etag_or_date(client, map_world):
    first = client.get(PLACES)
    etag, modified = first["ETag"], first["Last-Modified"]

    assert etag.startswith('W/"')
    assert modified == http_date(DataStamp.current().timestamp())
    assert client.get(PLACES, headers={"if-none-match": etag}).status_code == 304
    assert client.get(PLACES, headers={"if-modified-since": modified}).status_code == 304
    assert client.get(PLACES, headers={"if-none-match": '"other"'}).status_code == 200
    not_modified = client.get(PLACES, headers={"if-none-match": etag})
    assert not_modified["ETag"] == etag
    assert not_modified.content == b""


@pytest.mark.django_db
def test_a_data_change_gives_a_new_etag_and_fresh_data(client, map_world):
    first = client.get(PLACES)
    make_partnership(map_world["lonely"], map_world["kamnik"])
    DataStamp.objects.filter(pk=1).update(changed_at=DataStamp.current() + timedelta(seconds=5))

    second = client.get(PLACES, headers={"if-none-match": first["ETag"]})

    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]
    assert rows(second)["Sherborne"]["partners"] == 1


@pytest.mark.django_db
def test_filters_have_their_own_etag(client, map_world):
    assert client.get(PLACES)["ETag"] != client.get(f"{PLACES}?country=SI")["ETag"]
    assert (
        client.get(f"{PLACES}?country=SI&kind=")["ETag"]
        == (client.get(f"{PLACES}?kind=&country=SI")["ETag"])
    )


def add_places(count: int):
    source = make_source()
    hub = make_municipality("Hub", "DE", latitude=50.0, longitude=10.0)
    for number in range(count):
        other = make_municipality(f"Extra {number}", "FR", latitude=45.0, longitude=2.0 + number)
        make_partnership(hub, other, sources=[source], status=Partnership.Status.ACTIVE)
    DataStamp.objects.filter(pk=1).update(changed_at=DataStamp.current() + timedelta(seconds=1))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "cold", "warm"),
    [("", 3, 1), ("country=SI", 4, 2), ("network=douzelage&theme=culture", 5, 3)],
)
def test_places_cost_a_few_queries_and_a_warm_answer_only_the_data_stamp(
    client, map_world, django_assert_num_queries, query, cold, warm
):
    # Cold: the data stamp, the partnerships, the places (and a filter's choices); warm:
    # the data stamp (and the choices) only, the answer comes from the cache.
    for extra in (3, 30):
        add_places(extra)
        with django_assert_num_queries(cold):
            client.get(f"{PLACES}?{query}")
        with django_assert_num_queries(warm):
            client.get(f"{PLACES}?{query}")


@pytest.mark.django_db
def test_a_town_answer_lists_its_partnerships_as_columns(client, map_world):
    kamnik = map_world["kamnik"]

    response = client.get(town_url(kamnik))

    assert response.status_code == 200
    data = response.json()
    assert data["town"] == {
        "id": kamnik.pk,
        "name": "Kamnik",
        "slug": kamnik.slug,
        "country": "SI",
        "lat": 46200,
        "lon": 14600,
    }
    assert data["count"] == 2
    assert data["name"] == ["Andechs", "Trofaiach"]
    assert data["country"] == ["DE", "AT"]
    assert data["since"] == [2004, 1999]
    assert data["status"] == ["active", "active"]
    assert data["kind"] == ["twinning", "twinning"]
    assert data["slug"] == [map_world["andechs"].slug, map_world["trofaiach"].slug]
    assert data["lat"] == [47970, 47420]
    assert data["themes"] == [[], []]
    assert data["last"] == [None, None]


@pytest.mark.django_db
def test_a_town_answer_gives_each_partnerships_last_activity(client, map_world):
    kamnik, trofaiach = map_world["kamnik"], map_world["trofaiach"]
    partnership = Partnership.objects.involving(kamnik).involving(trofaiach).get()
    for day in (date(2023, 9, 1), date(2024, 5, 17)):
        Activity.objects.create(partnership=partnership, date=day, title="Visit", kind="visit")
    partnership.update_last_activity()
    DataStamp.objects.filter(pk=1).update(changed_at=DataStamp.current() + timedelta(seconds=1))

    data = client.get(town_url(kamnik)).json()

    assert data["name"] == ["Andechs", "Trofaiach"]
    assert data["last"] == [None, "2024-05-17"]


@pytest.mark.django_db
def test_a_town_answer_follows_the_partnership_filters_but_not_the_place_filters(client, map_world):
    kranj = map_world["kranj"]

    assert client.get(town_url(kranj)).json()["name"] == ["Škofja Loka", "Villach"]
    assert client.get(f"{town_url(kranj)}?scope=domestic").json()["name"] == ["Škofja Loka"]
    assert client.get(f"{town_url(kranj)}?theme=culture").json()["themes"] == [["culture"]]
    # The country filter chooses the places shown, not a town's partners.
    assert client.get(f"{town_url(kranj)}?country=SI").json()["count"] == 2


@pytest.mark.django_db
def test_a_partner_without_coordinates_is_listed_with_empty_coordinates(client, map_world):
    data = client.get(town_url(map_world["villach"])).json()

    assert data["name"] == ["Kranj", "Nowhere"]
    assert data["lat"][1] is None and data["lon"][1] is None


@pytest.mark.django_db
def test_an_unknown_town_is_404_with_json(client, map_world):
    response = client.get("/map/data/towns/999999.json")

    assert response.status_code == 404
    assert "town" in response.json()["errors"]


@pytest.mark.django_db
def test_a_town_answer_is_cached_and_costs_a_fixed_number_of_queries(
    client, map_world, django_assert_num_queries
):
    kamnik = map_world["kamnik"]
    partners = 2
    for extra in (3, 30):
        add_places(extra)
        partners += extra
        for number in range(extra):
            make_partnership(kamnik, make_municipality(f"Twin {extra} {number}", "IT"))
        DataStamp.objects.filter(pk=1).update(changed_at=DataStamp.current() + timedelta(seconds=1))
        with django_assert_num_queries(4):  # stamp, town, partnerships, their themes
            client.get(town_url(kamnik))
        with django_assert_num_queries(2):  # stamp, town
            response = client.get(town_url(kamnik), headers={"if-none-match": '"x"'})
        assert response.json()["count"] == partners


@pytest.mark.django_db
def test_a_town_answer_is_304_when_unchanged(client, map_world):
    first = client.get(town_url(map_world["kamnik"]))

    again = client.get(town_url(map_world["kamnik"]), headers={"if-none-match": first["ETag"]})

    assert again.status_code == 304
    assert client.get(town_url(map_world["kranj"]))["ETag"] != first["ETag"]


@pytest.mark.django_db
def test_the_basemap_is_compact_delta_coded_outlines(client):
    response = client.get("/map/data/basemap.json", headers={"accept-encoding": "gzip"})

    assert response.status_code == 200
    data = json.loads(gzip.decompress(response.content))
    assert data["scale"] == 100
    assert len(data["countries"]) > 200
    ring = data["countries"][0][0]
    assert len(ring) % 2 == 0 and all(isinstance(value, int) for value in ring)
    assert (
        client.get(
            "/map/data/basemap.json", headers={"if-none-match": response["ETag"]}
        ).status_code
        == 304
    )
    assert client.get("/map/data/basemap.json?x=1").status_code == 400


def test_the_basemap_is_empty_without_its_file(tmp_path):
    from atlas.maps.data import basemap

    encoded = basemap(tmp_path / "missing.json.gz", 0.0)

    assert json.loads(encoded.body)["countries"] == []


@pytest.mark.django_db
def test_stored_names_are_sent_as_json_text(client, map_world):
    hostile = '<script>alert("x")</script>\u202e'
    evil = make_municipality(hostile, "SI", latitude=46.0, longitude=14.0)
    make_partnership(evil, map_world["kamnik"])
    DataStamp.objects.filter(pk=1).update(changed_at=DataStamp.current() + timedelta(seconds=1))

    response = client.get(PLACES)

    assert hostile in response.json()["name"]


@pytest.mark.django_db
def test_the_page_list_and_the_json_come_from_the_same_query(map_world):
    selection = MapFilter(country="SI")

    assert [place.name for place in places(selection)] == ["Kamnik", "Kranj", "Škofja Loka"]
