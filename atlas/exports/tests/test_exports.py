import csv
import gzip
import io
import json

import pytest
from django.urls import reverse
from django.utils.timezone import now

from atlas.directory.models import DataStamp, Partnership
from conftest import (
    make_membership,
    make_municipality,
    make_network,
    make_partnership,
    make_source,
    make_theme,
)

pytestmark = pytest.mark.django_db


def url(name: str, fmt: str = "csv") -> str:
    return reverse("export", kwargs={"name": name, "fmt": fmt})


def body(response) -> str:
    assert response.streaming is True
    return b"".join(response.streaming_content).decode()


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body(response))))


def geojson(response) -> dict:
    return json.loads(body(response))


def test_it_exports_partnerships_as_csv_by_id(client, kamnik_world):
    response = client.get(url("partnerships"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response)
    assert [row["id"] for row in rows] == sorted((row["id"] for row in rows), key=int)
    assert {(row["municipality_a_name"], row["municipality_b_name"]) for row in rows} == {
        ("Kamnik", "Trofaiach"),
        ("Kamnik", "Andechs"),
    }
    assert rows[0]["start_year"] == "1999"
    assert rows[0]["sources"] == "test-source"


def test_csv_has_no_comment_lines_and_names_its_licence_in_a_link_header(client, kamnik_world):
    response = client.get(url("municipalities"))

    text = body(response)
    assert text.splitlines()[0].startswith("id,external_id,slug,name,country,kind")
    assert not any(line.startswith("#") for line in text.splitlines())
    assert '<https://creativecommons.org/licenses/by-sa/4.0/>; rel="license"' in response["Link"]


def test_partnerships_geojson_are_lines_with_licence_and_attribution(client, kamnik_world):
    make_source("wiki", attribution="Wikipedia contributors, CC BY-SA 4.0")
    response = client.get(url("partnerships", "geojson"))

    assert response["Content-Type"] == "application/geo+json"
    data = geojson(response)
    assert data["type"] == "FeatureCollection"
    assert data["license"]["name"] == "CC BY-SA 4.0"
    assert "Test source" in data["attribution"]
    geometries = [feature["geometry"] for feature in data["features"]]
    assert {"type": "LineString", "coordinates": [[14.6, 46.2], [15.0, 47.42]]} in geometries


def test_a_partnership_without_coordinates_at_one_end_has_no_geometry(client, kamnik_world):
    nowhere = make_municipality("Nowhere", "HR", latitude=None, longitude=None)
    make_partnership(kamnik_world["kamnik"], nowhere)

    features = geojson(client.get(url("partnerships", "geojson")))["features"]

    [feature] = [f for f in features if f["properties"]["municipality_b_name"] == "Nowhere"]
    assert feature["geometry"] is None


def test_municipalities_and_memberships_are_points_and_networks_have_no_geometry(
    client, kamnik_world
):
    places = geojson(client.get(url("municipalities", "geojson")))["features"]
    members = geojson(client.get(url("memberships", "geojson")))["features"]
    networks = geojson(client.get(url("networks", "geojson")))["features"]

    assert {feature["geometry"]["type"] for feature in places} == {"Point"}
    assert members[0]["geometry"] == {"type": "Point", "coordinates": [14.6, 46.2]}
    assert members[0]["properties"]["municipality_name"] == "Kamnik"
    assert networks[0]["geometry"] is None
    assert networks[0]["properties"]["member_count"] == 1


def test_a_soft_deleted_partnership_is_not_exported(client, kamnik_world):
    Partnership.objects.filter(municipality_b__name="Andechs").update(deleted_at=now())

    rows = csv_rows(client.get(url("partnerships")))

    assert [row["municipality_b_name"] for row in rows] == ["Trofaiach"]


def test_partnerships_are_filtered_like_the_site(client, kamnik_world):
    culture = make_theme()
    Partnership.objects.get(municipality_b__name="Andechs").themes.add(culture)

    def names(**query):
        response = client.get(url("partnerships"), query)
        return [row["municipality_b_name"] for row in csv_rows(response)]

    assert names(country="at") == ["Trofaiach"]
    assert names(since=2000) == ["Andechs"]
    assert names(until=2000) == ["Trofaiach"]
    assert names(theme="culture") == ["Andechs"]
    assert names(status="ended") == []
    assert names(kind="twinning", status="active") == ["Trofaiach", "Andechs"]


def test_municipalities_networks_and_memberships_are_filtered(client, kamnik_world):
    other = make_network("Alliance in the Alps", kind="alliance")
    make_membership(other, kamnik_world["trofaiach"])

    municipalities = csv_rows(client.get(url("municipalities"), {"country": "DE"}))
    networks = csv_rows(client.get(url("networks"), {"kind": "alliance"}))
    memberships = csv_rows(client.get(url("memberships"), {"network": other.slug}))

    assert [row["name"] for row in municipalities] == ["Andechs"]
    assert [row["name"] for row in networks] == ["Alliance in the Alps"]
    assert [row["municipality_name"] for row in memberships] == ["Trofaiach"]


@pytest.mark.parametrize(
    "query",
    [
        {"status": "forever"},
        {"since": "soon"},
        {"since": "2000", "until": "1990"},
        {"theme": "no-such-theme"},
        {"colour": "red"},
        {"country": "\x00"},
        {"country": "SI\x00"},
        {"theme": "x" * 5000},
        {"kind": "<script>alert(1)</script>"},
        {"<script>": "1"},
        {"\x00" * 3000: "1"},
    ],
)
def test_bad_or_hostile_parameters_get_a_400_with_json(client, kamnik_world, query):
    response = client.get(url("partnerships"), query)

    assert response.status_code == 400
    data = response.json()
    assert data["error"]
    assert data["fields"]


def test_a_bad_network_gets_a_400_naming_the_field(client, kamnik_world):
    response = client.get(url("memberships", "geojson"), {"network": "no-such-network"})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["network"]


def test_an_unchanged_export_answers_304_until_the_data_changes(client, kamnik_world):
    first = client.get(url("partnerships"))
    etag = first["ETag"]

    again = client.get(url("partnerships"), HTTP_IF_NONE_MATCH=etag)
    filtered = client.get(url("partnerships"), {"country": "SI"}, HTTP_IF_NONE_MATCH=etag)
    DataStamp.touch()
    changed = client.get(url("partnerships"), HTTP_IF_NONE_MATCH=etag)

    assert first["Last-Modified"]
    assert again.status_code == 304
    assert filtered.status_code == 200
    assert changed.status_code == 200


@pytest.mark.parametrize(
    ("name", "fmt", "queries"),
    [
        ("municipalities", "csv", 2),
        ("municipalities", "geojson", 3),
        # The partnerships' themes and sources: two more queries per chunk of rows.
        ("partnerships", "csv", 4),
        ("partnerships", "geojson", 5),
        ("networks", "csv", 2),
        ("networks", "geojson", 3),
        ("memberships", "csv", 2),
        ("memberships", "geojson", 3),
    ],
)
def test_an_export_costs_the_same_queries_however_many_rows(
    client, kamnik_world, django_assert_num_queries, name, fmt, queries
):
    DataStamp.current()
    for number in range(5):
        town = make_municipality(f"Town {number}", "HR")
        make_partnership(kamnik_world["kamnik"], town)
        make_membership(make_network(f"Network {number}"), town)

    with django_assert_num_queries(queries):
        response = client.get(url(name, fmt))
        content = body(response)

    assert "Town 4" in content or name == "networks"


def test_the_full_files_are_gzip_and_served_as_they_are(client, kamnik_world, settings, tmp_path):
    from django.core.management import call_command

    settings.EXPORT_ROOT = tmp_path
    call_command("export_data", stdout=io.StringIO())

    response = client.get(reverse("export-file", args=["partnerships.csv.gz"]))

    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert response["Content-Type"] == "application/gzip"
    text = gzip.decompress(b"".join(response.streaming_content)).decode()
    assert text.startswith("id,external_id,municipality_a_id")
    assert client.get(reverse("export-file", args=["secrets.csv.gz"])).status_code == 404
