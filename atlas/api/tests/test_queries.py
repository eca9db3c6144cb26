"""Every endpoint answers in a fixed number of queries, with a few rows or many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atlas.api.tests.helpers import api
from atlas.directory.models import DataStamp, Partnership, ProjectPartner
from conftest import (
    make_board_entry,
    make_membership,
    make_municipality,
    make_network,
    make_partnership,
    make_project,
    make_source,
)

pytestmark = pytest.mark.django_db


def grow(world, count: int) -> None:
    """`count` more of everything around Kamnik: towns twinned with it (with a theme and
    two sources each), members of its network, projects with partners, board entries."""
    kamnik, network = world["kamnik"], world["network"]
    author = world["open_entry"].author
    other_source = make_source("other", name="Other source")
    make_network("Towns of Europe")
    for number in range(count):
        town = make_municipality(f"Town {number}", "HR", population=1000 + number)
        partnership = make_partnership(
            kamnik, town, start_year=1990 + number, sources=[world["wiki"], other_source]
        )
        partnership.themes.add(world["culture"])
        make_membership(network, town)
        project = make_project(f"Town project {number}", partners=[town, kamnik])
        project.themes.add(world["culture"])
        ProjectPartner.objects.create(project=project, network=network)
        entry = make_board_entry(town, author, themes=[world["culture"]])
        entry.countries.set(["AT", "SI"])
    DataStamp.touch()


@pytest.fixture(params=[3, 30], ids=["few", "many"])
def grown(request, world):
    grow(world, request.param)
    return world


def queries(client, path: str, **query) -> int:
    """How many queries one answer takes, after a first request has built what is kept
    between requests (the search index, the matchmaking snapshot)."""
    assert client.get(api(path), query).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(api(path), query)
    assert response.status_code == 200, response.content[:500]
    return len(captured)


# 1: the data stamp; then the count, the page and what the page prefetches.
@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [
        ("municipalities/", {}, 3),
        ("municipalities/", {"country": "HR", "twinned": "true"}, 3),
        ("municipalities/", {"network": "NETWORK"}, 4),  # + the network
        ("partnerships/", {}, 5),  # + sources and themes
        (
            "partnerships/",
            {"municipality": "KAMNIK", "theme": "culture", "since": 1990, "scope": "international"},
            7,  # + the theme (the form checks it) and the municipality
        ),
        ("networks/", {}, 4),  # + countries
        ("networks/", {"country": "SI", "top_level": "true"}, 4),
        ("memberships/", {}, 3),
        ("memberships/", {"network": "NETWORK", "municipality": "KAMNIK"}, 5),
        ("projects/", {}, 5),  # + themes, partners
        ("projects/", {"network": "NETWORK", "theme": "culture"}, 7),
        # + the board's state, the filter form's themes and countries, the page's themes
        # and wished countries
        ("board/", {}, 8),
        ("board/", {"state": "all", "theme": "culture", "wished_country": "AT"}, 8),
        ("search/", {"q": "town"}, 6),  # stamp twice, places, networks, projects, sources
    ],
)
def test_a_list_takes_the_same_number_of_queries_with_few_or_many_rows(
    client, grown, path, query, expected
):
    slugs = {"NETWORK": grown["network"].slug, "KAMNIK": grown["kamnik"].slug}
    query = {name: slugs.get(value, value) for name, value in query.items()}

    assert queries(client, path, limit=500, **query) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        # stamp, the town with its profile, profile themes, other names, partnerships,
        # their sources, memberships, project roles, the region, city parts
        ("municipalities/KAMNIK/", 10),
        # stamp, the town, the snapshot's stamp, places, themes (twice: reasons, slugs), sources
        ("municipalities/KAMNIK/suggestions/", 7),
        ("partnerships/PAIR/", 5),  # stamp, pair, sources, themes, activities
        ("networks/NETWORK/", 6),  # stamp, network, countries, sub-networks, roles, funded
        ("memberships/MEMBERSHIP/", 2),
        ("projects/PROJECT/", 4),  # stamp, project, themes, partners
        ("board/ENTRY/", 5),  # the board's state (2), the entry, themes, countries
        ("", 2),  # the index: stamp, sources
    ],
)
def test_a_record_takes_the_same_number_of_queries_however_much_it_links_to(
    client, grown, path, expected
):
    kamnik = grown["kamnik"]
    path = (
        path.replace("KAMNIK", kamnik.slug)
        .replace("PAIR", str(Partnership.objects.filter(municipality_a=kamnik).first().pk))
        .replace("NETWORK", grown["network"].slug)
        .replace("MEMBERSHIP", str(grown["network"].memberships.first().pk))
        .replace("PROJECT", grown["project"].slug)
        .replace("ENTRY", str(grown["open_entry"].pk))
    )

    assert queries(client, path) == expected
