"""Bad input: every error in one shape, 400 (never ninja's 422) for parameters, and hostile
values in every string parameter of every endpoint answered calmly."""

import json
from urllib.parse import quote

import pytest

from atlas.api.tests.helpers import api
from atlas.api.views import openapi_body

pytestmark = pytest.mark.django_db

HOSTILE = [
    "<script>alert(1)</script>",
    "\x00",
    "SI\x00",
    "x" * 5000,
    "\u202eIS",
    "\u200fשלום",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
    "１２",
    "\U0001f3f3\ufe0f\u200d\U0001f308",
]


def operations() -> list[tuple[str, dict]]:
    schema = json.loads(openapi_body())
    return [(path, methods["get"]) for path, methods in schema["paths"].items()]


def string_parameters() -> list[tuple[str, str]]:
    """(address, name) of every query parameter of every endpoint."""
    found = []
    for path, operation in operations():
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query":
                found.append((path, parameter["name"]))
    return found


def fill(path: str, world) -> str:
    """The address with the path parameters of real records."""
    return path.replace("{slug}", world["kamnik"].slug).replace("{id}", "1")


def required(path: str) -> dict[str, str]:
    """What an address needs besides the parameter tried."""
    return {"q": "kamnik"} if path.endswith("/search/") else {}


def assert_error_shape(response, status: int) -> list[dict]:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"status", "errors"}
    assert body["status"] == status
    assert body["errors"]
    for error in body["errors"]:
        assert set(error) == {"parameter", "message"}
        assert error["message"]
    return body["errors"]


@pytest.mark.parametrize(("path", "name"), string_parameters())
def test_hostile_values_in_every_parameter_are_a_400_or_searched_as_text(client, world, path, name):
    for value in HOSTILE:
        response = client.get(fill(path, world), {**required(path), name: value})
        assert response.status_code in (200, 400), (name, value, response.content[:300])
        if response.status_code == 400:
            errors = assert_error_shape(response, 400)
            assert {error["parameter"] for error in errors} == {name}
        else:
            response.json()


@pytest.mark.parametrize(
    "path", ["municipalities/{}/", "networks/{}/", "projects/{}/", "partnerships/{}/"]
)
def test_hostile_values_in_the_address_are_a_404_or_400(client, world, path):
    for value in HOSTILE:
        response = client.get(api(path.format(quote(value, safe=""))))
        assert response.status_code in (400, 404), (value, response.content[:300])
        assert_error_shape(response, response.status_code)


@pytest.mark.parametrize(("path", "_operation"), operations())
def test_an_unknown_parameter_is_named_in_a_400(client, world, path, _operation):
    response = client.get(fill(path, world), {"colour": "red", "<script>": "1", "q" * 500: "1"})

    errors = assert_error_shape(response, 400)
    assert [error["parameter"] for error in errors] == ["<script>", "colour", "q" * 40 + "…"]
    assert {error["message"] for error in errors} == {"This parameter is not known here."}


def test_parameter_errors_are_400_with_each_parameter_named(client, world):
    response = client.get(
        api("partnerships/"), {"status": "forever", "since": "soon", "limit": "0"}
    )

    errors = assert_error_shape(response, 400)
    assert {error["parameter"] for error in errors} == {"status", "since", "limit"}


def test_a_missing_parameter_is_named(client, world):
    errors = assert_error_shape(client.get(api("search/")), 400)

    assert errors == [{"parameter": "q", "message": "This parameter is required."}]


@pytest.mark.parametrize(
    ("path", "query", "parameter", "message"),
    [
        (
            "partnerships/",
            {"theme": "no-such-theme"},
            "theme",
            "There is no such area of cooperation.",
        ),
        (
            "partnerships/",
            {"since": 2000, "until": 1990},
            "until",
            "The end of the period comes before its start.",
        ),
        (
            "partnerships/",
            {"municipality": "atlantis"},
            "municipality",
            "There is no municipality with this slug.",
        ),
        ("municipalities/", {"network": "no-such"}, "network", "There is no such network."),
        ("networks/", {"parent": "no-such"}, "parent", "There is no such network."),
        ("memberships/", {"network": "no-such"}, "network", "There is no such network."),
        ("projects/", {"programme": "no-such"}, "programme", "There is no such funding programme."),
        ("projects/", {"theme": "no-such"}, "theme", "There is no such area of cooperation."),
        (
            "board/",
            {"language": "xx"},
            "language",
            "Select a valid choice. xx is not one of the available choices.",
        ),
        ("partnerships/", {"limit": 501}, "limit", "Input should be less than or equal to 500"),
        (
            "partnerships/",
            {"country": "SVN"},
            "country",
            "String should match pattern '^[A-Za-z]{2}$'",
        ),
    ],
)
def test_a_value_that_names_nothing_is_a_400_that_says_so(
    client, world, path, query, parameter, message
):
    errors = assert_error_shape(client.get(api(path), query), 400)

    assert errors == [{"parameter": parameter, "message": message}]


def test_a_parameter_given_twice_is_refused(client, world):
    errors = assert_error_shape(client.get(api("partnerships/?kind=twinning&kind=friendship")), 400)

    assert errors == [{"parameter": "kind", "message": "Give this parameter once."}]


@pytest.mark.parametrize("number", [2**63, 2**64, -(2**63) - 1, 10**30])
@pytest.mark.parametrize("path", ["partnerships/{}/", "memberships/{}/", "board/{}/"])
def test_an_id_beyond_what_the_database_holds_is_simply_not_found(client, world, path, number):
    errors = assert_error_shape(client.get(api(path.format(number))), 404)

    assert errors[0]["parameter"] == "id"


def test_a_request_with_too_many_parameters_is_a_400_in_the_error_shape(client, world):
    query = "&".join(f"p{number}=1" for number in range(1001))

    errors = assert_error_shape(client.get(api("partnerships/") + "?" + query), 400)

    assert errors[0]["parameter"] is None
