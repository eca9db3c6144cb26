"""The OpenAPI schema describes every endpoint fully, and the page for people explains it
with answers from the real data."""

import re
import typing

import pytest
from django.urls import reverse

from atlas.api import schemas
from atlas.api.tests.helpers import api
from atlas.board.models import Entry, Purpose
from atlas.directory.models import Membership, Municipality, Network, Partnership, ProjectPartner

ENDPOINTS = {
    "/api/v1/",
    "/api/v1/municipalities/",
    "/api/v1/municipalities/{slug}/",
    "/api/v1/municipalities/{slug}/suggestions/",
    "/api/v1/partnerships/",
    "/api/v1/partnerships/{id}/",
    "/api/v1/networks/",
    "/api/v1/networks/{slug}/",
    "/api/v1/memberships/",
    "/api/v1/memberships/{id}/",
    "/api/v1/projects/",
    "/api/v1/projects/{slug}/",
    "/api/v1/board/",
    "/api/v1/board/{id}/",
    "/api/v1/search/",
}


@pytest.fixture
def schema(client, db):
    response = client.get(api("openapi.json"))
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


def test_the_schema_has_every_endpoint_and_only_get(schema):
    assert schema["openapi"].startswith("3.1")
    assert set(schema["paths"]) == ENDPOINTS
    for methods in schema["paths"].values():
        assert set(methods) == {"get"}


def test_every_operation_documents_its_answers_and_errors(schema):
    error = {"$ref": "#/components/schemas/Error"}
    for path, methods in schema["paths"].items():
        operation = methods["get"]
        assert operation["summary"], path
        responses = operation["responses"]
        assert set(responses) == {"200", "304", "400", "404", "429", "500"}, path
        for status in ("400", "404", "429", "500"):
            assert responses[status]["content"]["application/json"]["schema"] == error
        assert "$ref" in responses["200"]["content"]["application/json"]["schema"]


def test_every_parameter_has_a_description(schema):
    for path, methods in schema["paths"].items():
        for parameter in methods["get"].get("parameters", []):
            assert parameter.get("description"), (path, parameter["name"])


def test_the_schema_names_the_data_s_licence(schema):
    assert schema["info"]["license"]["url"] == "https://creativecommons.org/licenses/by-sa/4.0/"


def test_the_schema_is_cached_by_etag(client, db):
    etag = client.get(api("openapi.json"))["ETag"]

    assert client.get(api("openapi.json"), headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize(
    ("literal", "choices"),
    [
        (schemas.MunicipalityKind, Municipality.Kind),
        (schemas.PartnershipKind, Partnership.Kind),
        (schemas.PartnershipStatus, Partnership.Status),
        (schemas.NetworkKind, Network.Kind),
        (schemas.MembershipRole, Membership.Role),
        (schemas.ProjectRole, ProjectPartner.Role),
        (schemas.EntryKind, Entry.Kind),
        (schemas.EntryPurpose, Purpose),
    ],
)
def test_the_codes_of_the_api_are_the_models_codes(literal, choices):
    assert list(typing.get_args(literal)) == list(choices.values)


# --- The page for people -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_page_shows_real_answers_of_the_api(client, world):
    response = client.get(reverse("api-docs"))

    page = response.content.decode()
    kamnik = world["kamnik"]
    assert f"/api/v1/municipalities/{kamnik.slug}/" in page
    assert "&quot;name&quot;: &quot;Kamnik&quot;" in page
    assert "&quot;status&quot;: 400" in page
    assert "http://testserver/api/v1/" in page
    assert reverse("api:openapi") in page
    # Every endpoint is listed, from the schema.
    for path in ENDPOINTS:
        assert f"<code>{path.removeprefix('/api/v1/') or '/'}</code>" in page


@pytest.mark.django_db
def test_the_api_page_loads_nothing_from_elsewhere(client, world):
    page = client.get(reverse("api-docs")).content.decode()

    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert sources
    assert all(source.startswith("/") for source in sources), sources


@pytest.mark.django_db
def test_the_api_page_works_on_an_empty_atlas(client):
    response = client.get(reverse("api-docs"))

    assert response.status_code == 200
    assert "Examples" not in response.content.decode()


@pytest.mark.django_db
def test_the_api_page_does_not_count_against_the_reader_s_rate_limit(client, world, settings):
    settings.API_RATE_LIMIT = 1

    assert client.get(reverse("api-docs")).status_code == 200
    assert client.get(api("")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["downloads", "home"])
def test_the_api_page_is_linked_from_the_downloads_page_and_the_footer(client, page):
    assert reverse("api-docs") in client.get(reverse(page)).content.decode()
