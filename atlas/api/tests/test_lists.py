"""The lists: what each gives, every filter, deleted records left out, and paging through
all of them."""

import pytest
from django.urls import reverse

from atlas.api.tests.helpers import api, every_page, get, names
from atlas.board.models import Entry
from atlas.directory.models import Partnership
from conftest import make_municipality, make_partnership

pytestmark = pytest.mark.django_db


def partners(results):
    return [(r["municipality_a"]["name"], r["municipality_b"]["name"]) for r in results]


# --- Municipalities ----------------------------------------------------------------------------


def test_municipalities_come_by_id_with_their_partner_counts_and_source(client, world):
    page = get(client, api("municipalities/"))

    ids = [result["id"] for result in page["results"]]
    assert ids == sorted(ids)
    assert page["count"] == len(ids) == 6
    kamnik = next(r for r in page["results"] if r["name"] == "Kamnik")
    # Trofaiach and Andechs; the deleted friendship with Ljubljana does not count.
    assert kamnik["partner_count"] == 2
    assert kamnik["country"] == "SI"
    assert (kamnik["latitude"], kamnik["longitude"]) == (46.2, 14.6)
    assert kamnik["population"] == 30000
    assert kamnik["source"]["key"] == "test-source"
    assert kamnik["url"] == "http://testserver" + reverse("municipality", args=[kamnik["slug"]])
    assert kamnik["api_url"] == f"http://testserver/api/v1/municipalities/{kamnik['slug']}/"
    assert page["license"]["name"] == "CC BY-SA 4.0"
    assert page["attribution"] == "Test source"


def test_municipalities_are_filtered_by_country_kind_network_and_partners(client, world):
    def found(**query):
        return sorted(names(get(client, api("municipalities/"), **query)["results"]))

    assert found(country="at") == ["Trofaiach", "Villach"]
    assert found(country="SI", twinned="true") == ["Kamnik", "Kranj"]
    assert found(twinned="false") == ["Ljubljana"]
    assert found(kind="city_part") == []
    # Kranj's membership of the network is deleted.
    assert found(network=world["network"].slug) == ["Kamnik"]
    assert found(network="alliance") == ["Trofaiach"]


# --- Partnerships ------------------------------------------------------------------------------


def test_partnerships_leave_out_deleted_ones_and_name_their_sources_and_themes(client, world):
    page = get(client, api("partnerships/"))

    assert page["count"] == 3
    assert ("Kamnik", "Ljubljana") not in partners(page["results"])
    kranj_villach = next(r for r in page["results"] if r["id"] == world["kranj_villach"].pk)
    assert kranj_villach["start_year"] == 2008
    assert kranj_villach["status"] == "active"
    assert kranj_villach["themes"] == ["culture"]
    assert kranj_villach["sources"] == [
        {
            "key": "wikipedia",
            "name": "Twin towns from Wikipedia",
            "licence": "CC BY-SA 4.0",
            "licence_url": "https://creativecommons.org/licenses/by-sa/4.0/",
        }
    ]
    assert kranj_villach["municipality_a"]["name"] == "Kranj"
    assert kranj_villach["api_url"].endswith(f"/api/v1/partnerships/{world['kranj_villach'].pk}/")
    assert page["attribution"] == "Test source; Wikipedia contributors, CC BY-SA 4.0"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"country": "de"}, [("Kamnik", "Andechs")]),
        ({"since": 2000}, [("Kamnik", "Andechs"), ("Kranj", "Villach")]),
        ({"until": 2000}, [("Kamnik", "Trofaiach")]),
        ({"since": 2004, "until": 2004}, [("Kamnik", "Andechs")]),
        ({"theme": "culture"}, [("Kranj", "Villach")]),
        ({"status": "ended"}, []),
        ({"kind": "friendship"}, []),
        ({"scope": "domestic"}, []),
        (
            {"scope": "international", "country": "AT"},
            [("Kamnik", "Trofaiach"), ("Kranj", "Villach")],
        ),
    ],
)
def test_partnerships_are_filtered_like_the_site_and_the_exports(client, world, query, expected):
    assert partners(get(client, api("partnerships/"), **query)["results"]) == expected


def test_partnerships_of_one_municipality(client, world):
    kamnik = world["kamnik"]

    page = get(client, api("partnerships/"), municipality=kamnik.slug)

    assert partners(page["results"]) == [("Kamnik", "Trofaiach"), ("Kamnik", "Andechs")]


def test_a_domestic_partnership_is_found_by_scope(client, world):
    make_partnership(world["kamnik"], world["kranj"])

    page = get(client, api("partnerships/"), scope="domestic")

    assert partners(page["results"]) == [("Kamnik", "Kranj")]


# --- Networks and memberships ------------------------------------------------------------------


def test_networks_count_members_that_are_not_deleted(client, world):
    page = get(client, api("networks/"))

    counts = {r["name"]: r["member_count"] for r in page["results"]}
    assert counts == {
        "Združenje zgodovinskih mest Slovenije": 1,
        "Alliance in the Alps": 1,
        "Osrednjeslovenska": 1,
    }
    region = next(r for r in page["results"] if r["slug"] == "osrednjeslovenska")
    assert region["parent"]["slug"] == "alliance"
    assert region["code"] == "SI041"
    alps = next(r for r in page["results"] if r["slug"] == "alliance")
    assert alps["countries"] == ["AT", "SI"]
    assert alps["members_api_url"] == "http://testserver/api/v1/memberships/?network=alliance"


def test_networks_are_filtered_by_kind_country_parent_and_level(client, world):
    def found(**query):
        return sorted(names(get(client, api("networks/"), **query)["results"]))

    assert found(kind="alliance") == ["Alliance in the Alps"]
    assert found(country="at") == ["Alliance in the Alps"]
    assert found(parent="alliance") == ["Osrednjeslovenska"]
    assert found(top_level="true") == [
        "Alliance in the Alps",
        "Združenje zgodovinskih mest Slovenije",
    ]
    assert found(top_level="false") == ["Osrednjeslovenska"]


def test_memberships_leave_out_deleted_ones_and_are_filtered(client, world):
    def found(**query):
        results = get(client, api("memberships/"), **query)["results"]
        return sorted((r["network"]["slug"], r["municipality"]["name"]) for r in results)

    network = world["network"].slug
    assert found() == sorted(
        [(network, "Kamnik"), ("osrednjeslovenska", "Kamnik"), ("alliance", "Trofaiach")]
    )
    assert found(network=network) == [(network, "Kamnik")]
    assert found(country="AT") == [("alliance", "Trofaiach")]
    assert found(municipality=world["kranj"].slug) == []
    assert found(role="founder") == [("alliance", "Trofaiach")]


# --- Projects ----------------------------------------------------------------------------------


def test_projects_show_programme_budget_themes_and_partners_not_deleted(client, world):
    page = get(client, api("projects/"))

    assert names(page["results"], "title") == ["Eko tržnica", "Alpine youth exchange"]
    eko = page["results"][0]
    assert eko["programme"]["slug"] == "interreg-si-at"
    assert eko["budget_eur"] == 125000.5
    assert eko["themes"] == ["culture"]
    assert eko["funded_by"]["slug"] == world["network"].slug
    # Trofaiach's participation is deleted.
    assert sorted(
        (p["role"], (p["municipality"] or p["network"])["name"]) for p in eko["partners"]
    ) == [("lead", "Alliance in the Alps"), ("partner", "Kamnik")]


def test_projects_are_filtered_by_programme_network_municipality_and_theme(client, world):
    def found(**query):
        return names(get(client, api("projects/"), **query)["results"], "title")

    assert found(programme="interreg-si-at") == ["Eko tržnica"]
    assert found(network="alliance") == ["Eko tržnica"]  # a partner
    assert found(network=world["network"].slug) == ["Eko tržnica"]  # the funder
    assert found(municipality=world["kranj"].slug) == ["Alpine youth exchange"]
    assert found(municipality=world["trofaiach"].slug) == []  # deleted participation
    assert found(theme="sport") == []


# --- The board ---------------------------------------------------------------------------------


def test_the_board_shows_open_entries_by_default_like_the_site(client, world):
    page = get(client, api("board/"))

    assert names(page["results"], "title") == ["Kamnik seeks a partner for a youth choir"]
    entry = page["results"][0]
    assert entry["state"] == "open"
    assert entry["themes"] == ["culture"]
    assert entry["wished_countries"] == ["AT"]
    assert entry["working_languages"] == ["en"]
    assert entry["municipality"]["name"] == "Kamnik"
    assert page["license"] is None
    assert "partner-search board" in page["attribution"]


def test_the_board_never_shows_pending_or_hidden_entries_nor_who_posted(client, world):
    response = client.get(api("board/"), {"state": "all"})

    titles = names(response.json()["results"], "title")
    assert sorted(titles) == [
        "Kamnik offered a summer camp",
        "Kamnik seeks a partner for a youth choir",
        "Kranj sought a partner",
    ]
    assert b"coordinator@kamnik.si" not in response.content
    assert "author" not in response.json()["results"][0]


def test_the_board_is_filtered_like_the_site(client, world):
    def found(**query):
        return sorted(names(get(client, api("board/"), **query)["results"], "title"))

    assert found(state="closed") == ["Kamnik offered a summer camp", "Kranj sought a partner"]
    assert found(state="all", kind="offer") == ["Kamnik offered a summer camp"]
    assert found(theme="sport") == []
    assert found(wished_country="de") == []
    assert found(wished_country="at") == ["Kamnik seeks a partner for a youth choir"]
    assert found(state="all", country="si", size="large") == [
        "Kamnik offered a summer camp",
        "Kamnik seeks a partner for a youth choir",
        "Kranj sought a partner",
    ]
    assert found(size="small") == []
    assert found(language="de") == []
    assert found(purpose="twinning") == ["Kamnik seeks a partner for a youth choir"]


def test_the_board_lists_the_newest_first(client, world):
    results, _ = every_page(client, api("board/"), state="all", limit=1)

    published = [r["published_at"] for r in results]
    assert published == sorted(published, reverse=True)
    assert len(results) == Entry.objects.published().count()


# --- Paging ------------------------------------------------------------------------------------


def test_paging_through_every_partnership_gives_the_count_the_site_shows(client, world):
    for number in range(7):
        make_partnership(world["kamnik"], make_municipality(f"Partner {number}", "HR"))
    site = client.get(reverse("partnerships"))
    shown = site.context["page"].paginator.count

    results, counts = every_page(client, api("partnerships/"), limit=3)

    assert shown == Partnership.objects.count() == 10
    assert set(counts) == {shown}
    ids = [result["id"] for result in results]
    assert len(ids) == len(set(ids)) == shown
    assert ids == sorted(ids)


def test_the_next_page_keeps_the_filters(client, world):
    page = get(client, api("partnerships/"), country="AT", limit=1)

    assert "country=AT" in page["next"]
    assert "limit=1" in page["next"]
    second = client.get(page["next"]).json()
    assert partners(page["results"] + second["results"]) == [
        ("Kamnik", "Trofaiach"),
        ("Kranj", "Villach"),
    ]
    assert second["next"] is None


def test_a_row_added_while_paging_neither_repeats_nor_hides_another(client, world):
    first = get(client, api("partnerships/"), limit=2)
    make_partnership(world["villach"], make_municipality("Newcomer", "IT"))

    rest, _ = every_page(client, first["next"].replace("http://testserver", ""))

    ids = [r["id"] for r in first["results"] + rest]
    assert len(ids) == len(set(ids)) == 4


@pytest.mark.parametrize(
    "cursor",
    ["abc", "WzJd:forged", "", "\x00", "x" * 499],
)
def test_a_cursor_not_made_by_the_list_is_refused(client, world, cursor):
    response = client.get(api("partnerships/"), {"cursor": cursor, "limit": 1})

    if cursor == "":
        assert response.status_code == 200  # empty: the first page
        return
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "cursor"


def test_a_cursor_of_another_list_or_edited_is_refused(client, world):
    municipalities = get(client, api("municipalities/"), limit=1)
    cursor = municipalities["next"].split("cursor=")[1]

    other_list = client.get(api("partnerships/") + f"?cursor={cursor}")
    tampered = cursor[:-1] + ("A" if cursor[-1] != "A" else "B")
    edited = client.get(api("municipalities/") + f"?cursor={tampered}")

    assert other_list.status_code == edited.status_code == 400
    assert client.get(api("municipalities/") + f"?cursor={cursor}").status_code == 200


@pytest.mark.parametrize(
    "path",
    ["municipalities/", "partnerships/", "networks/", "memberships/", "projects/", "board/"],
)
def test_paging_one_by_one_gives_every_result_once(client, world, path):
    query = {"state": "all"} if path == "board/" else {}
    everything = get(client, api(path), **query)

    results, counts = every_page(client, api(path), limit=1, **query)

    assert len(results) == everything["count"] == len(everything["results"]) > 1
    assert [r["id"] for r in results] == [r["id"] for r in everything["results"]]
    assert set(counts) == {everything["count"]}
