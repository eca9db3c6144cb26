"""Staff review dataset conflicts: a list in their scope, accept or dismiss."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from playwright.sync_api import expect

from atlas.directory.models import Change, DatasetConflict, Partnership, SiteField
from atlas.editing import services
from conftest import (
    DEFAULT_PASSWORD,
    EDIT_MATRIX,
    LOGIN,
    OK,
    assert_outcome,
    client_as,
    make_municipality,
)


def conflict_on(partnership, acting_user, *, dataset="dormant", site="ended"):
    """`acting_user` set the partnership's status to `site`; a load then brought `dataset`."""
    services.update(
        partnership, acting_user=acting_user, version=partnership.version, values={"status": site}
    )
    site_field = SiteField.objects.of(partnership).get(field="status")
    return DatasetConflict.objects.create(
        content_type=ContentType.objects.get_for_model(Partnership),
        object_id=str(partnership.pk),
        label=str(partnership),
        municipality=partnership.municipality_a,
        other_municipality=partnership.municipality_b,
        field="status",
        dataset_value=dataset,
        site_value=site,
        site_set_by=acting_user,
        site_set_at=site_field.set_at,
    )


@pytest.fixture
def andechs(kamnik_world):
    return Partnership.objects.involving(kamnik_world["andechs"]).get()


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), EDIT_MATRIX)
@pytest.mark.parametrize("decision", ["accept", "dismiss"])
def test_who_may_decide_a_conflict_of_kamnik_and_andechs(
    personas, andechs, persona, expected, decision
):
    conflict = conflict_on(andechs, personas["coordinator"])
    # Kamnik's coordinator set the value but staff decide; an Austrian staff member has
    # neither town in scope.
    expected = 403 if persona == "coordinator" else expected

    response = client_as(personas, persona).post(
        reverse("conflict-decide", args=[conflict.pk]), {"decision": decision}
    )

    if expected == OK:
        assert_outcome(response, reverse("conflicts"))
        conflict.refresh_from_db()
        assert conflict.status == ("accepted" if decision == "accept" else "dismissed")
        andechs.refresh_from_db()
        assert andechs.status == ("dormant" if decision == "accept" else "ended")
    else:
        assert_outcome(response, expected)
        assert DatasetConflict.objects.get().status == "open"
        andechs.refresh_from_db()
        assert andechs.status == "ended"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", LOGIN),
        ("coordinator", 403),
        ("other_coordinator", 403),
        ("staff_other_country", 200),
        ("staff_right_country", 200),
        ("admin", 200),
    ],
)
def test_the_list_shows_staff_the_conflicts_in_their_scope(personas, andechs, persona, expected):
    conflict_on(andechs, personas["coordinator"])

    response = client_as(personas, persona).get(reverse("conflicts"))

    assert_outcome(response, expected)
    if expected == 200:
        shown = response.content.decode().count('class="request"')
        assert shown == (0 if persona == "staff_other_country" else 1)


@pytest.mark.django_db
def test_the_list_says_what_each_side_says_and_filters_by_country(personas, kamnik_world, andechs):
    conflict_on(andechs, personas["coordinator"])
    client = client_as(personas, "admin")

    page = client.get(reverse("conflicts")).content.decode()
    assert "The dataset says" in page and "dormant" in page and "ended" in page
    assert "Coordinator" in page  # by whom (the coordinator's first name)

    assert "Kamnik" in client.get(reverse("conflicts") + "?country=DE").content.decode()
    empty = client.get(reverse("conflicts") + "?country=AT").content.decode()
    assert "No conflict is waiting for you" in empty


@pytest.mark.django_db
def test_a_decided_conflict_cannot_be_decided_again(personas, andechs):
    conflict = conflict_on(andechs, personas["coordinator"])
    client = client_as(personas, "staff_right_country")
    url = reverse("conflict-decide", args=[conflict.pk])
    client.post(url, {"decision": "dismiss"})

    response = client.post(url, {"decision": "accept"}, follow=True)

    assert "decided already" in response.content.decode()
    andechs.refresh_from_db()
    assert andechs.status == "ended"


@pytest.mark.django_db
def test_accepting_records_a_change_that_can_be_reverted(personas, andechs):
    conflict = conflict_on(andechs, personas["coordinator"])
    client_as(personas, "staff_right_country").post(
        reverse("conflict-decide", args=[conflict.pk]), {"decision": "accept"}
    )

    change = Change.objects.filter(object_id=andechs.pk).first()
    assert change.user == personas["staff_right_country"]
    services.revert(change, acting_user=personas["staff_right_country"])
    andechs.refresh_from_db()
    assert andechs.status == "ended"
    assert SiteField.objects.of(andechs).filter(field="status").exists()


@pytest.mark.django_db
def test_the_account_page_links_staff_to_the_conflicts(personas, andechs):
    conflict_on(andechs, personas["coordinator"])

    page = client_as(personas, "staff_right_country").get(reverse("account")).content.decode()

    assert reverse("conflicts") in page
    assert "1 dataset conflict waiting for review" in page


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_one_conflict_or_many(
    personas, kamnik_world, django_assert_num_queries
):
    client = client_as(personas, "staff_right_country")
    kamnik = kamnik_world["kamnik"]

    def add_conflicts(count):
        from conftest import make_partnership

        for number in range(count):
            partner = make_municipality(f"Partner {number}", "DE")
            conflict_on(make_partnership(kamnik, partner), personas["coordinator"])

    add_conflicts(1)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("conflicts"))
    add_conflicts(6)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("conflicts"))
    assert response.content.decode().count('class="request"') == 7


@pytest.mark.browser
def test_staff_accept_a_conflict_with_the_keyboard(page, kamnik_world, personas, artefacts_dir):
    andechs = Partnership.objects.involving(kamnik_world["andechs"]).get()
    conflict_on(andechs, personas["coordinator"])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/en/account/login/")
    page.get_by_label("E-mail address").fill("staff@skupnostobcin.si")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.locator("h1")).to_have_text("Your account")

    page.get_by_role("link", name="1 dataset conflict waiting for review").click()
    expect(page.locator("h1")).to_have_text("Dataset conflicts")
    page.screenshot(path=artefacts_dir / "dataset-conflicts.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    accept = page.get_by_role("button", name="Accept the dataset's value")
    accept.focus()
    page.keyboard.press("Enter")

    expect(page.locator(".messages")).to_contain_text("The dataset's value is applied")
    expect(page.locator(".empty")).to_contain_text("No conflict is waiting for you")
    andechs.refresh_from_db()
    assert andechs.status == "dormant"
