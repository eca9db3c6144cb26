"""What every answer goes through: caching headers and 304, CORS, HEAD and OPTIONS, the
methods refused, the rate limit, addresses that do not exist, and failures."""

import pytest
from django.test import Client

from atlas.api.tests.helpers import api, get
from atlas.directory.models import DataStamp

pytestmark = pytest.mark.django_db

LISTS = ["municipalities/", "partnerships/", "networks/", "memberships/", "projects/", "board/"]


# --- ETag, Last-Modified and 304 ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["", *LISTS, "search/?q=kamnik"])
def test_a_client_that_has_the_answer_gets_304_until_the_data_changes(client, world, path):
    first = client.get(api(path))
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('W/"')
    assert first["Cache-Control"] == "public, no-cache"

    again = client.get(api(path), headers={"If-None-Match": etag})
    since = client.get(api(path), headers={"If-Modified-Since": last_modified})

    assert again.status_code == since.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["Access-Control-Allow-Origin"] == "*"

    DataStamp.touch()
    if path == "board/":
        return  # the board's own test below
    changed = client.get(api(path), headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_the_etag_depends_on_the_parameters_not_on_their_order(client, world):
    a = client.get(api("partnerships/?country=SI&status=active"))["ETag"]
    b = client.get(api("partnerships/?status=active&country=SI"))["ETag"]
    c = client.get(api("partnerships/?country=AT&status=active"))["ETag"]

    assert a == b != c


def test_the_board_s_etag_changes_when_an_entry_is_closed(client, world):
    etag = client.get(api("board/"))["ETag"]

    world["open_entry"].close()

    response = client.get(api("board/"), headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_a_bad_request_is_never_a_304(client, world):
    etag = client.get(api("partnerships/"))["ETag"]

    response = client.get(api("partnerships/?status=forever"), headers={"If-None-Match": etag})

    assert response.status_code == 400


def test_data_answers_name_their_licence_in_a_link_header_and_the_board_does_not(client, world):
    data = client.get(api("partnerships/"))
    board = client.get(api("board/"))

    assert '<https://creativecommons.org/licenses/by-sa/4.0/>; rel="license"' in data["Link"]
    assert not board.has_header("Link")


# --- CORS, HEAD and OPTIONS --------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["", "partnerships/", "partnerships/0/", "nowhere", "openapi.json"]
)
def test_every_answer_may_be_read_by_scripts_of_any_site_without_credentials(client, world, path):
    response = client.get(api(path), headers={"Origin": "https://example.org"})

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert not response.has_header("Access-Control-Allow-Credentials")


def test_a_preflight_request_is_answered_for_get_head_and_options(client, world):
    response = client.options(
        api("partnerships/"),
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match",
        },
    )

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "If-None-Match" in response["Access-Control-Allow-Headers"]
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_head_gives_the_headers_of_get_without_the_body(client, world):
    got = client.get(api("partnerships/"))

    head = client.head(api("partnerships/"))

    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == got["ETag"]
    assert head["Content-Length"] == str(len(got.content))


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writing_methods_are_refused_with_405_in_the_error_shape(client, world, method):
    response = getattr(client, method)(api("partnerships/"), data={"a": "b"})

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response.json() == {
        "status": 405,
        "errors": [
            {
                "parameter": None,
                "message": "Only GET, HEAD and OPTIONS are allowed: the API is read-only.",
            }
        ],
    }


# --- Rate limit --------------------------------------------------------------------------------


def test_a_client_over_the_limit_gets_429_with_retry_after(client, world, settings):
    settings.API_RATE_LIMIT = 3
    for _ in range(3):
        assert client.get(api("networks/")).status_code == 200

    refused = client.get(api("partnerships/"))

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["Access-Control-Allow-Origin"] == "*"
    [error] = refused.json()["errors"]
    assert error["message"].startswith("Too many requests: at most 3 a minute from one address.")
    # Another address is not held back.
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.get(api("partnerships/")).status_code == 200


def test_the_limit_counts_the_address_the_proxy_names(client, world, settings):
    settings.API_RATE_LIMIT = 1
    settings.TRUSTED_PROXY_COUNT = 1
    first = Client(HTTP_X_FORWARDED_FOR="198.51.100.1")
    second = Client(HTTP_X_FORWARDED_FOR="198.51.100.2")

    assert first.get(api("")).status_code == 200
    assert first.get(api("")).status_code == 429
    assert second.get(api("")).status_code == 200


def test_a_limit_of_zero_switches_it_off(client, world, settings):
    settings.API_RATE_LIMIT = 0

    statuses = {client.get(api("")).status_code for _ in range(50)}

    assert statuses == {200}


# --- Addresses and failures --------------------------------------------------------------------


def test_an_unknown_address_is_a_json_404_that_points_to_the_index(client, world):
    response = client.get(api("towns/"))

    assert response.status_code == 404
    [error] = response.json()["errors"]
    assert "http://testserver/api/v1/" in error["message"]


def test_an_address_without_its_final_slash_is_redirected(client, world):
    response = client.get(api("partnerships") + "?country=SI")

    assert response.status_code == 301
    assert response["Location"] == "/api/v1/partnerships/?country=SI"


def test_there_is_no_interactive_documentation_from_a_cdn(client, world):
    assert client.get(api("docs")).status_code == 404


def test_a_failure_is_a_500_in_the_error_shape(client, world, monkeypatch):
    from atlas.api import records

    def broken(self, partnership):
        raise RuntimeError("boom")

    monkeypatch.setattr(records.Context, "partnership", broken)

    response = client.get(api("partnerships/"))

    assert response.status_code == 500
    assert response.json()["errors"][0]["message"] == (
        "Something went wrong on our side; it is logged."
    )


def test_the_api_speaks_english_whatever_the_visitor_s_language(client, world):
    response = client.get(api("partnerships/?status=x"), headers={"Accept-Language": "de"})
    page = get(client, api(f"municipalities/{world['kamnik'].slug}/"))

    assert "Input should be" in response.json()["errors"][0]["message"]
    assert page["result"]["url"].startswith("http://testserver/en/")
