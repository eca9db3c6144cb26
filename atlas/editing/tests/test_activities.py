"""A partnership's activities: adding, editing and deleting them, who may, lost updates,
hostile input, CSRF, the partnership's last activity, and the browser walk from a
proposal to an activity on Kamnik's page."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.timezone import localdate

from atlas.directory.models import Activity, Change, Partnership
from atlas.editing.tests.partnership_helpers import (
    HOSTILE_ATTRIBUTE,
    HOSTILE_SCRIPT,
    RIGHT_TO_LEFT,
    edit_url,
    make_activity,
    pair,
)
from conftest import (
    DEFAULT_PASSWORD,
    EDIT_MATRIX,
    LOGIN,
    OK,
    assert_outcome,
    client_as,
    make_coordinator,
    make_municipality,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(with_andechs):
    return make_activity(with_andechs, title="Mayor's visit", kind=Activity.Kind.VISIT)


def activity_data(**fields):
    return {
        "date": "2025-06-21",
        "title": "Midsummer choir festival",
        "kind": "event",
        "participants": "Youth choir, 40 pupils",
        "link": "https://www.kamnik.si/festival",
        **fields,
    }


def post_activity(client, municipality, partnership, **fields):
    return client.post(
        edit_url("edit-activities", municipality, partnership.pk), activity_data(**fields)
    )


# The permission matrix


@pytest.mark.parametrize(("persona", "expected"), EDIT_MATRIX)
def test_adding_an_activity_to_a_partnership_of_kamnik(
    personas, kamnik_world, with_andechs, persona, expected
):
    kamnik = kamnik_world["kamnik"]

    response = post_activity(client_as(personas, persona), kamnik, with_andechs)

    with_andechs.refresh_from_db()
    if expected == LOGIN:
        assert_outcome(response, LOGIN)
    elif expected == OK:
        assert response.status_code == 302
        assert response["Location"] == edit_url("edit-activities", kamnik, with_andechs.pk)
        activity = Activity.objects.get()
        assert (activity.title, activity.created_by) == (
            "Midsummer choir festival",
            personas[persona],
        )
        assert with_andechs.last_activity == date(2025, 6, 21)
        assert Change.objects.get(object_id=activity.pk).action == "created"
    else:
        assert response.status_code == expected
    if expected != OK:
        assert not Activity.objects.exists()
        assert with_andechs.last_activity is None


@pytest.mark.parametrize(("persona", "expected"), EDIT_MATRIX)
def test_editing_an_activity_of_kamnik(
    personas, kamnik_world, with_andechs, visit, persona, expected
):
    kamnik = kamnik_world["kamnik"]

    response = client_as(personas, persona).post(
        edit_url("edit-activity", kamnik, with_andechs.pk, visit.pk),
        activity_data(version=visit.version, date="2025-01-10", title="Renamed"),
    )

    visit.refresh_from_db()
    with_andechs.refresh_from_db()
    if expected == LOGIN:
        assert_outcome(response, LOGIN)
    elif expected == OK:
        assert response.status_code == 302
        assert (visit.title, visit.version) == ("Renamed", 2)
        assert with_andechs.last_activity == date(2025, 1, 10)
    else:
        assert response.status_code == expected
    if expected != OK:
        assert (visit.title, visit.version) == ("Mayor's visit", 1)
        assert with_andechs.last_activity == date(2024, 5, 17)


@pytest.mark.parametrize(("persona", "expected"), EDIT_MATRIX)
def test_deleting_an_activity_of_kamnik(
    personas, kamnik_world, with_andechs, visit, persona, expected
):
    kamnik = kamnik_world["kamnik"]
    make_activity(with_andechs, date=date(2020, 2, 2), title="Older")

    response = client_as(personas, persona).post(
        edit_url("edit-activity-delete", kamnik, with_andechs.pk, visit.pk),
        {"version": visit.version},
    )

    visit = Activity.all_objects.get(pk=visit.pk)
    with_andechs.refresh_from_db()
    if expected == LOGIN:
        assert_outcome(response, LOGIN)
    elif expected == OK:
        assert response.status_code == 302
        assert visit.deleted_at is not None
        # The last activity falls back to the latest one left.
        assert with_andechs.last_activity == date(2020, 2, 2)
    else:
        assert response.status_code == expected
        assert visit.deleted_at is None
        assert with_andechs.last_activity == date(2024, 5, 17)


def test_unknown_activities_and_those_of_another_partnership_are_a_404(
    personas, kamnik_world, with_andechs, visit
):
    kamnik = kamnik_world["kamnik"]
    other = pair(kamnik, kamnik_world["trofaiach"])
    admin = client_as(personas, "admin")

    for name in ("edit-activity", "edit-activity-delete"):
        assert admin.post(edit_url(name, kamnik, with_andechs.pk, 999999)).status_code == 404
        assert admin.post(edit_url(name, kamnik, other.pk, visit.pk)).status_code == 404
        assert admin.post(edit_url(name, kamnik, 999999, visit.pk)).status_code == 404
    assert admin.get(edit_url("edit-activities", kamnik, 999999)).status_code == 404
    Activity.objects.filter(pk=visit.pk).update(deleted_at="2025-01-01T00:00:00Z")
    assert admin.get(edit_url("edit-activity", kamnik, with_andechs.pk, visit.pk)).status_code == (
        404
    )


def test_deleting_an_activity_is_post_only(personas, kamnik_world, with_andechs, visit):
    response = client_as(personas, "admin").get(
        edit_url("edit-activity-delete", kamnik_world["kamnik"], with_andechs.pk, visit.pk)
    )

    assert response.status_code == 405


# What the form checks


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"date": ""}, "This field is required."),
        ({"date": "1700-01-01"}, "Give a date after 1800."),
        (
            {"date": (localdate() + timedelta(days=3)).isoformat()},
            "Record activities once they have taken place",
        ),
        ({"title": ""}, "This field is required."),
        ({"kind": "party"}, "Select a valid choice."),
        ({"link": "javascript:alert(1)"}, "Enter a valid URL."),
        ({"link": HOSTILE_ATTRIBUTE}, "Enter a valid URL."),
        ({"title": "x" * 201}, "Ensure this value has at most 200 characters (it has 201)."),
        (
            {"participants": "x" * 301},
            "Ensure this value has at most 300 characters (it has 301).",
        ),
        (
            {"link": "https://example.org/" + "x" * 200},
            "Ensure this value has at most 200 characters",
        ),
        ({"title": "a\x00b"}, "Null characters are not allowed."),
        ({"participants": "a\x00b"}, "Null characters are not allowed."),
        ({"link": "https://example.org/\x00"}, "Null characters are not allowed."),
    ],
)
def test_bad_activities_are_field_errors(personas, kamnik_world, with_andechs, fields, error):
    response = post_activity(
        client_as(personas, "coordinator"), kamnik_world["kamnik"], with_andechs, **fields
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", HOSTILE_SCRIPT),
        ("title", HOSTILE_ATTRIBUTE),
        ("title", RIGHT_TO_LEFT),
        ("participants", HOSTILE_SCRIPT),
        ("participants", HOSTILE_ATTRIBUTE),
        ("participants", RIGHT_TO_LEFT),
        ("link", f"https://example.org/?q={HOSTILE_SCRIPT}"),
        ("link", 'https://example.org/?q="onmouseover="x'),
    ],
)
def test_hostile_activities_are_stored_as_typed_and_shown_escaped(
    personas, kamnik_world, with_andechs, field, value
):
    kamnik = kamnik_world["kamnik"]
    client = client_as(personas, "coordinator")

    response = post_activity(client, kamnik, with_andechs, **{field: value})

    assert response.status_code == 302
    assert getattr(Activity.objects.get(), field) == value
    for page in (
        Client().get(reverse("partnership", args=[with_andechs.pk])),
        client.get(edit_url("edit-activities", kamnik, with_andechs.pk)),
    ):
        html = page.content.decode()
        assert "<script>alert(1)" not in html
        assert '"onmouseover="x' not in html and '" onmouseover="x' not in html
        if value == RIGHT_TO_LEFT:
            assert f"<bdi>{RIGHT_TO_LEFT}</bdi>" in html


# Lost updates


def test_an_activity_saved_from_a_stale_form_is_a_409_and_overwrites_nothing(
    personas, kamnik_world, with_andechs, visit
):
    kamnik = kamnik_world["kamnik"]
    url = edit_url("edit-activity", kamnik, with_andechs.pk, visit.pk)
    stale = activity_data(version=visit.version)
    client_as(personas, "staff_right_country").post(url, {**stale, "title": "First"})

    response = client_as(personas, "coordinator").post(url, {**stale, "title": "Second"})

    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this record after you opened the form." in html
    assert 'value="First"' in html and 'name="version" value="2"' in html
    visit.refresh_from_db()
    assert (visit.title, visit.version) == ("First", 2)


def test_deleting_a_changed_activity_is_a_409(personas, kamnik_world, with_andechs, visit):
    kamnik = kamnik_world["kamnik"]
    client = client_as(personas, "coordinator")
    client.post(
        edit_url("edit-activity", kamnik, with_andechs.pk, visit.pk),
        activity_data(version=1, title="Changed meanwhile"),
    )

    response = client.post(
        edit_url("edit-activity-delete", kamnik, with_andechs.pk, visit.pk), {"version": 1}
    )

    assert response.status_code == 409
    assert Activity.objects.filter(pk=visit.pk).exists()


# CSRF and the query count


@pytest.mark.parametrize("name", ["edit-activities", "edit-activity", "edit-activity-delete"])
def test_each_activity_form_needs_its_csrf_token(personas, kamnik_world, with_andechs, visit, name):
    client = client_as(personas, "admin", enforce_csrf_checks=True)
    args = [with_andechs.pk] if name == "edit-activities" else [with_andechs.pk, visit.pk]

    response = client.post(
        edit_url(name, kamnik_world["kamnik"], *args), activity_data(version=1, title="Forged")
    )

    assert response.status_code == 403
    assert list(Activity.all_objects.values_list("title", "deleted_at")) == [
        ("Mayor's visit", None)
    ]


def test_the_activities_page_costs_the_same_queries_however_many_activities(
    personas, kamnik_world, with_andechs, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(personas, "coordinator")
    url = edit_url("edit-activities", kamnik_world["kamnik"], with_andechs.pk)
    make_activity(with_andechs)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for number in range(20):
        make_activity(with_andechs, title=f"Visit {number}")
    with django_assert_num_queries(len(few)):
        response = client.get(url)
    assert response.content.decode().count("Visit ") == 20


# In a browser


def log_in(page, email):
    page.goto("/en/account/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/account/")


@pytest.mark.browser
def test_a_proposal_confirmed_by_the_partner_appears_with_its_last_activity(
    page, kamnik_world, artefacts_dir
):
    from playwright.sync_api import expect

    kamnik = kamnik_world["kamnik"]
    sherborne = make_municipality("Sherborne", "GB", latitude=50.95, longitude=-2.52)
    make_coordinator("coordinator@kamnik.si", kamnik)
    make_coordinator("coordinator@sherborne.gb", sherborne)

    log_in(page, "coordinator@kamnik.si")
    page.goto(edit_url("edit-partnership-propose", kamnik))
    page.get_by_label("Partner municipality").fill("Sherbo")
    page.get_by_role("option", name="Sherborne").click()
    expect(page.locator("#id_partner")).to_have_value(sherborne.slug)
    page.get_by_label("Kind of partnership").select_option("twinning")
    page.get_by_label("Message to the partner (optional)").fill("Shall we twin?")
    page.screenshot(path=artefacts_dir / "partnerships-propose.png", full_page=True)
    page.get_by_role("button", name="Send the proposal").click()
    expect(page.locator(".messages")).to_contain_text("Your proposal is sent to Sherborne")
    page.goto(kamnik.get_absolute_url())
    expect(page.locator("#partners-heading + .table-wrap")).not_to_contain_text("Sherborne")
    page.get_by_role("button", name="Log out").click()

    log_in(page, "coordinator@sherborne.gb")
    page.goto(edit_url("edit-partnerships", sherborne))
    expect(page.locator(".proposal")).to_contain_text("Shall we twin?")
    page.screenshot(path=artefacts_dir / "partnerships-received.png", full_page=True)
    page.get_by_role("button", name="Confirm the partnership with Kamnik").click()
    expect(page.locator(".messages")).to_contain_text("Kamnik is now a partner of Sherborne")

    page.goto(kamnik.get_absolute_url())
    row = page.locator("#partners-heading + .table-wrap tr", has_text="Sherborne")
    expect(row).to_be_visible()
    expect(row).to_contain_text("—")

    partnership = Partnership.objects.involving(sherborne).get()
    page.goto(edit_url("edit-activities", sherborne, partnership.pk))
    page.get_by_label("Date").fill("2025-06-21")
    page.get_by_label("Title").fill("First visit of the mayors")
    page.get_by_label("Kind").select_option("visit")
    page.get_by_role("button", name="Add the activity").click()
    expect(page.locator(".messages")).to_contain_text("The activity is recorded.")
    page.screenshot(path=artefacts_dir / "partnerships-activities.png", full_page=True)

    page.goto(kamnik.get_absolute_url())
    expect(row.locator('time[datetime="2025-06-21"]')).to_have_text("June 21, 2025")
    page.screenshot(path=artefacts_dir / "partnerships-kamnik-page.png", full_page=True)
