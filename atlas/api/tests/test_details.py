"""One record each: what it says, and 404 for what does not exist or is not public."""

import pytest

from atlas.api.tests.helpers import api, get, names
from atlas.directory.models import Membership, Partnership

pytestmark = pytest.mark.django_db


def test_a_municipality_with_its_partners_networks_projects_and_profile(client, world):
    kamnik = world["kamnik"]

    answer = get(client, api(f"municipalities/{kamnik.slug}/"))

    result = answer["result"]
    assert result["name"] == "Kamnik"
    assert result["partner_count"] == 2
    assert sorted(p["partner"]["name"] for p in result["partnerships"]) == ["Andechs", "Trofaiach"]
    trofaiach = next(p for p in result["partnerships"] if p["partner"]["name"] == "Trofaiach")
    assert (trofaiach["start_year"], trofaiach["status"]) == (1999, "active")
    assert trofaiach["api_url"].startswith("http://testserver/api/v1/partnerships/")
    assert sorted(m["network"]["slug"] for m in result["memberships"]) == sorted(
        [world["network"].slug, "osrednjeslovenska"]
    )
    assert [p["project"]["title"] for p in result["projects"]] == ["Eko tržnica"]
    assert result["region"]["slug"] == "osrednjeslovenska"
    assert result["profile"] == {
        "description": "A historic town under the Kamnik–Savinja Alps.",
        "website": "",
        "office_languages": ["sl", "en", "de"],
        "themes": ["sport"],
        "seeking": "A partner for youth exchanges.",
    }
    assert result["suggestions_api_url"].endswith(f"/municipalities/{kamnik.slug}/suggestions/")
    assert answer["license"]["url"] == "https://creativecommons.org/licenses/by-sa/4.0/"


def test_a_municipality_does_not_show_its_contact_nor_its_deleted_partnership(client, world):
    response = client.get(api(f"municipalities/{world['kamnik'].slug}/"))

    assert b"international@kamnik.si" not in response.content
    assert "Ljubljana" not in response.content.decode()


def test_a_municipality_does_not_show_its_deleted_memberships_and_participations(client, world):
    kranj = get(client, api(f"municipalities/{world['kranj'].slug}/"))["result"]
    trofaiach = get(client, api(f"municipalities/{world['trofaiach'].slug}/"))["result"]

    assert kranj["memberships"] == []
    assert [p["project"]["title"] for p in kranj["projects"]] == ["Alpine youth exchange"]
    assert trofaiach["projects"] == []
    assert [m["network"]["slug"] for m in trofaiach["memberships"]] == ["alliance"]


def test_another_name_of_a_municipality_is_listed(client, world):
    result = get(client, api(f"municipalities/{world['villach'].slug}/"))["result"]

    assert result["other_names"] == [{"name": "Beljak", "language": "sl"}]
    assert result["profile"] is None


def test_a_partnership_with_its_activities(client, world):
    pair = world["kranj_villach"]

    result = get(client, api(f"partnerships/{pair.pk}/"))["result"]

    assert (result["municipality_a"]["name"], result["municipality_b"]["name"]) == (
        "Kranj",
        "Villach",
    )
    assert result["activities"] == [
        {
            "date": "2024-05-01",
            "title": "Joint EU cross-border project",
            "kind": "meeting",
            "participants": "",
            "link": "",
        }
    ]


def test_a_deleted_partnership_and_membership_are_not_found(client, world):
    deleted = Partnership.all_objects.get(deleted_at__isnull=False)
    membership = Membership.all_objects.get(deleted_at__isnull=False)

    for path in (f"partnerships/{deleted.pk}/", f"memberships/{membership.pk}/"):
        response = client.get(api(path))
        assert response.status_code == 404
        assert response.json()["errors"][0]["parameter"] == "id"


def test_a_network_with_its_sub_networks_and_projects(client, world):
    result = get(client, api("networks/alliance/"))["result"]

    assert names(result["children"]) == ["Osrednjeslovenska"]
    assert [p["project"]["title"] for p in result["projects"]] == ["Eko tržnica"]
    assert result["member_count"] == 1
    members = client.get(result["members_api_url"]).json()
    assert [m["municipality"]["name"] for m in members["results"]] == ["Trofaiach"]


def test_a_network_names_the_projects_it_funds(client, world):
    result = get(client, api(f"networks/{world['network'].slug}/"))["result"]

    assert names(result["funded_projects"], "title") == ["Eko tržnica"]
    assert result["founded"] == 2001


def test_a_membership(client, world):
    membership = Membership.objects.get(network=world["alps"])

    result = get(client, api(f"memberships/{membership.pk}/"))["result"]

    assert (result["role"], result["start_year"]) == ("founder", 1997)
    assert result["municipality"]["name"] == "Trofaiach"


def test_a_project(client, world):
    result = get(client, api(f"projects/{world['project'].slug}/"))["result"]

    assert result["title"] == "Eko tržnica"
    assert result["programme"] == {
        "slug": "interreg-si-at",
        "name": "Interreg Slovenia–Austria",
        "funder": "EU",
        "period": "2021-2027",
    }
    assert len(result["partners"]) == 2


def test_published_board_entries_are_public_open_or_closed(client, world):
    for key, state in (("open_entry", "open"), ("closed_entry", "closed")):
        result = get(client, api(f"board/{world[key].pk}/"))["result"]
        assert result["state"] == state
        assert result["url"].endswith(f"/board/{world[key].pk}/")


def test_pending_and_hidden_board_entries_are_not_found(client, world):
    for key in ("pending_entry", "hidden_entry"):
        response = client.get(api(f"board/{world[key].pk}/"))
        assert response.status_code == 404
        assert response.json() == {
            "status": 404,
            "errors": [
                {"parameter": "id", "message": "There is no published board entry with this id."}
            ],
        }


@pytest.mark.parametrize(
    "path",
    [
        "municipalities/no-such-town/",
        "municipalities/no-such-town/suggestions/",
        "networks/no-such-network/",
        "projects/no-such-project/",
        "partnerships/0/",
        "memberships/123456789/",
        "board/-1/",
    ],
)
def test_a_record_that_does_not_exist_is_a_json_404(client, world, path):
    response = client.get(api(path))

    assert response.status_code == 404
    body = response.json()
    assert body["status"] == 404
    assert body["errors"][0]["message"].startswith("There is no")
