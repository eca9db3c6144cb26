"""A property-based fuzz run of the whole API with schemathesis: for every operation in the
OpenAPI schema, requests made up from the schema (valid ones and, in negative mode, ones
that break it) go to the app in this process, over WSGI, against a small real-looking world.
No answer may be a server error (5xx), and every answer must match the schema of its
status code. Bounded so that it takes about a minute per database."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from atlas.board.models import Entry
from atlas.directory.models import (
    Country,
    FundingProgramme,
    Membership,
    Municipality,
    Network,
    Partnership,
    Project,
    Theme,
)
from atlas.wsgi import application

# Per operation (15 of them): enough to reach every parameter, both ways, many times.
EXAMPLES = 150


# The schema comes from the app itself (no database is needed to write it).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

# Made-up slugs and ids find nothing: half of the time, a parameter that names a record
# names one of the world's instead (deleted and unpublished ones too), so that the fuzzer
# also reaches the answers with data in them.
RECORDS_IN_PATHS = {
    "/api/v1/municipalities/": lambda: Municipality.objects.values_list("slug", flat=True),
    "/api/v1/networks/": lambda: Network.objects.values_list("slug", flat=True),
    "/api/v1/projects/": lambda: Project.objects.values_list("slug", flat=True),
    "/api/v1/partnerships/": lambda: Partnership.all_objects.values_list("pk", flat=True),
    "/api/v1/memberships/": lambda: Membership.all_objects.values_list("pk", flat=True),
    "/api/v1/board/": lambda: Entry.objects.values_list("pk", flat=True),
}
RECORDS_IN_QUERIES = {
    "municipality": RECORDS_IN_PATHS["/api/v1/municipalities/"],
    "network": RECORDS_IN_PATHS["/api/v1/networks/"],
    "parent": RECORDS_IN_PATHS["/api/v1/networks/"],
    "theme": lambda: Theme.objects.values_list("slug", flat=True),
    "programme": lambda: FundingProgramme.objects.values_list("slug", flat=True),
    "country": lambda: Country.objects.values_list("code", flat=True),
    "wished_country": lambda: Country.objects.values_list("code", flat=True),
}


def sometimes_real(value, records) -> st.SearchStrategy:
    real = sorted(records())
    return st.one_of(st.just(value), st.sampled_from(real)) if real else st.just(value)


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    names = list(path_parameters or {})
    path = context.operation.path if context.operation else ""
    records = next((r for prefix, r in RECORDS_IN_PATHS.items() if path.startswith(prefix)), None)
    if len(names) != 1 or records is None:
        return st.just(path_parameters)
    [name] = names
    chosen = sometimes_real(path_parameters[name], records)
    return chosen.map(lambda value: {**path_parameters, name: value})


@schema.hook
def flatmap_query(context, query):
    if not isinstance(query, dict):
        return st.just(query)
    choices = {
        name: sometimes_real(value, RECORDS_IN_QUERIES[name])
        for name, value in query.items()
        if name in RECORDS_IN_QUERIES
    }
    if "cursor" in query:
        # A made-up cursor is always refused: half of the time, start at the first page.
        choices["cursor"] = st.one_of(st.just(query["cursor"]), st.none())
    if not choices:
        return st.just(query)
    return st.fixed_dictionaries(choices).map(
        lambda chosen: {
            name: value for name, value in {**query, **chosen}.items() if value is not None
        }
    )


@pytest.fixture
def fuzzed(world, settings):
    # The fuzzer is one client sending thousands of requests: the limit has its own tests.
    settings.API_RATE_LIMIT = 0
    # The WSGI handler closes the database connection around each request, as a server
    # must; in a test, that connection holds the test's transaction (Django's test client
    # keeps it open the same way).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield world
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_request_within_its_schema(case, fuzzed):
    case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])
