"""Editing a partnership, recording its end and deleting it: who may, what is checked,
lost updates, hostile notes, CSRF; and the public partnership page."""

import pytest
from django.test import Client
from django.urls import reverse

from atlas.directory.models import Change, DataStamp, Partnership, Theme
from atlas.editing.tests.partnership_helpers import (
    HOSTILE_ATTRIBUTE,
    HOSTILE_SCRIPT,
    RIGHT_TO_LEFT,
    assert_shown_escaped,
    edit_url,
    make_activity,
    pair,
)
from conftest import (
    EDIT_MATRIX,
    LOGIN,
    OK,
    assert_outcome,
    client_as,
    make_municipality,
    make_partnership,
)

pytestmark = pytest.mark.django_db


def partnership_data(partnership, **fields):
    return {
        "version": partnership.version,
        "kind": partnership.kind,
        "status": partnership.status,
        "start_year": partnership.start_year or "",
        "start_date": "",
        "end_year": "",
        "end_date": "",
        "notes": "",
        **fields,
    }


def post_edit(client, municipality, partnership, **fields):
    return client.post(
        edit_url("edit-partnership", municipality, partnership.pk),
        partnership_data(partnership, **fields),
    )


# The permission matrix


@pytest.mark.parametrize(("persona", "expected"), EDIT_MATRIX)
def test_editing_a_partnership_of_kamnik(
    personas, kamnik_world, with_andechs, persona, expected, mailoutbox
):
    kamnik = kamnik_world["kamnik"]
    culture = Theme.objects.create(
        slug="culture", name_en="Culture", name_sl="Kultura", name_sk="Kultúra",
        name_cs="Kultura", name_de="Kultur",
    )  # fmt: skip

    response = post_edit(
        client_as(personas, persona),
        kamnik,
        with_andechs,
        status="dormant",
        start_date="2004-05-09",
        themes=[culture.pk],
        notes="Choirs visit each other.",
    )

    with_andechs.refresh_from_db()
    if expected == LOGIN:
        assert_outcome(response, LOGIN)
    elif expected == OK:
        assert response.status_code == 302
        assert response["Location"] == edit_url("edit-partnerships", kamnik)
        assert with_andechs.status == "dormant"
        assert str(with_andechs.start_date) == "2004-05-09"
        assert list(with_andechs.themes.all()) == [culture]
        assert with_andechs.version == 2
        change = Change.objects.get(object_id=with_andechs.pk, action="changed")
        assert change.user == personas[persona]
        assert change.before == {"status": "active", "start_date": None, "notes": "", "themes": []}
        # Applied at once: Andechs has no coordinator to ask. Those who look after it (no
        # staff for Germany here: the administrators) are told, unless one made the change
        # (administrators act for both sides).
        notice = [] if persona == "admin" else [["admin@example.org"]]
        assert [m.to for m in mailoutbox] == notice
    else:
        assert response.status_code == expected
    if expected != OK:
        assert (with_andechs.status, with_andechs.version) == ("active", 1)
        assert not mailoutbox


@pytest.mark.parametrize(("persona", "expected"), EDIT_MATRIX)
def test_recording_the_end_of_a_partnership_of_kamnik(
    personas, kamnik_world, with_andechs, persona, expected
):
    kamnik = kamnik_world["kamnik"]

    response = client_as(personas, persona).post(
        edit_url("edit-partnership-end", kamnik, with_andechs.pk),
        {"end-version": with_andechs.version, "end-end_year": "", "end-end_date": "2020-03-01"},
    )

    with_andechs.refresh_from_db()
    if expected == LOGIN:
        assert_outcome(response, LOGIN)
    elif expected == OK:
        assert response.status_code == 302
        assert with_andechs.status == "ended"
        assert (with_andechs.end_year, str(with_andechs.end_date)) == (2020, "2020-03-01")
    else:
        assert response.status_code == expected
    if expected != OK:
        assert (with_andechs.status, with_andechs.end_year) == ("active", None)


@pytest.mark.parametrize(("persona", "expected"), EDIT_MATRIX)
def test_deleting_a_partnership_of_kamnik(personas, kamnik_world, with_andechs, persona, expected):
    kamnik = kamnik_world["kamnik"]

    response = client_as(personas, persona).post(
        edit_url("edit-partnership-delete", kamnik, with_andechs.pk),
        {"version": with_andechs.version},
    )

    with_andechs = Partnership.all_objects.get(pk=with_andechs.pk)
    if expected == LOGIN:
        assert_outcome(response, LOGIN)
    elif expected == OK:
        assert response.status_code == 302
        assert with_andechs.deleted_at is not None
        assert not Partnership.objects.filter(pk=with_andechs.pk).exists()
        assert Change.objects.get(object_id=with_andechs.pk).action == "deleted"
    else:
        assert response.status_code == expected
        assert with_andechs.deleted_at is None


def test_a_coordinator_of_either_side_may_edit_it(personas, kamnik_world):
    kamnik, trofaiach = kamnik_world["kamnik"], kamnik_world["trofaiach"]
    partnership = pair(kamnik, trofaiach)
    client = client_as(personas, "other_coordinator")

    # Notes are each side's own: they apply at once, though Kamnik has a coordinator.
    from_kamnik = post_edit(client, kamnik, partnership, notes="From Kamnik's address")
    partnership.refresh_from_db()
    from_trofaiach = post_edit(client, trofaiach, partnership, notes="From Trofaiach's")

    assert (from_kamnik.status_code, from_trofaiach.status_code) == (302, 302)
    partnership.refresh_from_db()
    assert partnership.notes == "From Trofaiach's"
    # …and staff over Austria, Trofaiach's country, too.
    assert (
        client_as(personas, "staff_other_country")
        .get(edit_url("edit-partnership", kamnik, partnership.pk))
        .status_code
        == 200
    )


@pytest.mark.parametrize(
    "name", ["edit-partnership", "edit-partnership-end", "edit-partnership-delete"]
)
def test_an_unknown_partnership_or_one_of_another_town_is_a_404(
    personas, kamnik_world, with_andechs, name
):
    admin = client_as(personas, "admin")
    trofaiach = kamnik_world["trofaiach"]

    assert admin.post(edit_url(name, kamnik_world["kamnik"], 999999)).status_code == 404
    assert admin.post(edit_url(name, trofaiach, with_andechs.pk)).status_code == 404
    assert admin.post(reverse(name, args=["atlantis", with_andechs.pk])).status_code == 404
    Partnership.objects.filter(pk=with_andechs.pk).update(deleted_at="2025-01-01T00:00:00Z")
    assert admin.post(edit_url(name, kamnik_world["kamnik"], with_andechs.pk)).status_code == 404


def test_recording_the_end_is_post_only(personas, kamnik_world, with_andechs):
    response = client_as(personas, "admin").get(
        edit_url("edit-partnership-end", kamnik_world["kamnik"], with_andechs.pk)
    )

    assert response.status_code == 405


# What the form checks


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"start_year": "2010", "end_year": "2005"}, "The end cannot be before the start."),
        ({"start_year": "2004", "start_date": "2005-01-01"}, "The year and the date do not agree."),
        (
            {"start_date": "2010-05-01", "end_date": "2010-04-01"},
            "The end cannot be before the start.",
        ),
        ({"status": "married"}, "Select a valid choice."),
        ({"start_date": "2010-02-30"}, "Enter a valid date."),
        ({"themes": ["999"]}, "Select a valid choice."),
        ({"end_year": "99999"}, "Give a year up to"),
        ({"version": ""}, "This form is incomplete: reload the page"),
        ({"version": "x"}, "This form is incomplete: reload the page"),
    ],
)
def test_bad_values_are_field_errors(personas, kamnik_world, with_andechs, fields, error):
    response = post_edit(
        client_as(personas, "coordinator"), kamnik_world["kamnik"], with_andechs, **fields
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    with_andechs.refresh_from_db()
    assert with_andechs.version == 1


def test_a_date_gives_its_year(personas, kamnik_world, with_andechs):
    post_edit(
        client_as(personas, "coordinator"),
        kamnik_world["kamnik"],
        with_andechs,
        start_year="",
        start_date="2003-10-04",
    )

    with_andechs.refresh_from_db()
    assert with_andechs.start_year == 2003


def test_changing_the_kind_to_one_the_pair_already_has_is_refused(personas, kamnik_world):
    kamnik, andechs = kamnik_world["kamnik"], kamnik_world["andechs"]
    make_partnership(kamnik, andechs, kind="friendship")
    twinning = pair(kamnik, andechs)

    response = post_edit(client_as(personas, "coordinator"), kamnik, twinning, kind="friendship")

    assert response.status_code == 200
    assert "already have a partnership of this kind" in response.content.decode()


def test_saving_nothing_new_changes_nothing(personas, kamnik_world, with_andechs):
    before = DataStamp.current()

    response = post_edit(client_as(personas, "coordinator"), kamnik_world["kamnik"], with_andechs)

    assert response.status_code == 302
    with_andechs.refresh_from_db()
    assert with_andechs.version == 1
    assert not Change.objects.exists()
    assert DataStamp.current() == before


# Lost updates


def test_a_save_from_a_stale_form_is_a_409_and_overwrites_nothing(
    personas, kamnik_world, with_andechs
):
    kamnik = kamnik_world["kamnik"]
    stale = partnership_data(with_andechs)
    post_edit(client_as(personas, "staff_right_country"), kamnik, with_andechs, notes="First")

    response = client_as(personas, "coordinator").post(
        edit_url("edit-partnership", kamnik, with_andechs.pk), {**stale, "notes": "Second"}
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this record after you opened the form." in html
    # The form now shows the version saved in between, to make the change again on it.
    assert 'name="version" value="2"' in html
    assert "First</textarea>" in html
    with_andechs.refresh_from_db()
    assert (with_andechs.notes, with_andechs.version) == ("First", 2)


def test_ending_or_deleting_from_a_stale_page_is_a_409(personas, kamnik_world, with_andechs):
    kamnik = kamnik_world["kamnik"]
    client = client_as(personas, "coordinator")
    post_edit(client, kamnik, with_andechs, notes="Changed meanwhile")

    ended = client.post(
        edit_url("edit-partnership-end", kamnik, with_andechs.pk),
        {"end-version": "1", "end-end_year": "2020"},
    )
    deleted = client.post(
        edit_url("edit-partnership-delete", kamnik, with_andechs.pk), {"version": "1"}
    )

    assert (ended.status_code, deleted.status_code) == (409, 409)
    with_andechs.refresh_from_db()
    assert (with_andechs.status, with_andechs.deleted_at) == ("active", None)


# Hostile input in the notes


@pytest.mark.parametrize("notes", [HOSTILE_SCRIPT, HOSTILE_ATTRIBUTE, RIGHT_TO_LEFT])
def test_hostile_notes_are_stored_as_typed_and_shown_escaped(
    personas, kamnik_world, with_andechs, notes
):
    response = post_edit(
        client_as(personas, "coordinator"), kamnik_world["kamnik"], with_andechs, notes=notes
    )

    assert response.status_code == 302
    with_andechs.refresh_from_db()
    assert with_andechs.notes == notes
    html = Client().get(reverse("partnership", args=[with_andechs.pk])).content.decode()
    assert_shown_escaped(html, notes)


@pytest.mark.parametrize(
    ("notes", "error"),
    [
        ("x" * 5001, "Ensure this value has at most 5000 characters (it has 5001)."),
        ("a\x00b", "Null characters are not allowed."),
    ],
)
def test_overlong_or_binary_notes_are_a_field_error(
    personas, kamnik_world, with_andechs, notes, error
):
    response = post_edit(
        client_as(personas, "coordinator"), kamnik_world["kamnik"], with_andechs, notes=notes
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    with_andechs.refresh_from_db()
    assert with_andechs.notes == ""


# CSRF


@pytest.mark.parametrize(
    "name", ["edit-partnership", "edit-partnership-end", "edit-partnership-delete"]
)
def test_each_partnership_form_needs_its_csrf_token(personas, kamnik_world, with_andechs, name):
    client = client_as(personas, "admin", enforce_csrf_checks=True)
    data = {**partnership_data(with_andechs, status="ended"), "end-version": 1}

    response = client.post(edit_url(name, kamnik_world["kamnik"], with_andechs.pk), data)

    assert response.status_code == 403
    with_andechs.refresh_from_db()
    assert (with_andechs.status, with_andechs.version) == ("active", 1)


# The public partnership page


def test_the_public_page_shows_the_partnership_and_its_activities(kamnik_world, with_andechs):
    make_activity(with_andechs, title="Choir festival", participants="Youth choir, 40 pupils")
    make_activity(with_andechs, title="Gone", deleted_at="2025-01-01T00:00:00Z")

    response = Client().get(reverse("partnership", args=[with_andechs.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Kamnik – Andechs" in html
    assert "Choir festival" in html and "Youth choir, 40 pupils" in html
    assert "Gone" not in html
    assert 'datetime="2024-05-17"' in html


def test_a_deleted_or_unknown_partnership_has_no_public_page(kamnik_world, with_andechs):
    Partnership.objects.filter(pk=with_andechs.pk).update(deleted_at="2025-01-01T00:00:00Z")

    assert Client().get(reverse("partnership", args=[with_andechs.pk])).status_code == 404
    assert Client().get(reverse("partnership", args=[999999])).status_code == 404


def test_the_public_page_costs_the_same_queries_however_many_activities(
    kamnik_world, with_andechs, django_assert_num_queries
):
    client = Client()
    url = reverse("partnership", args=[with_andechs.pk])
    for count in (2, 20):
        for number in range(count):
            make_activity(with_andechs, title=f"Visit {count}-{number}")
        # The partnership, its sources, its themes, its activities.
        with django_assert_num_queries(4):
            response = client.get(url)
        assert response.status_code == 200


def test_last_activity_shows_on_both_towns_pages_and_in_the_list(kamnik_world, with_andechs):
    make_activity(with_andechs, title="Choir festival")
    client = Client()

    for page in (
        kamnik_world["kamnik"].get_absolute_url(),
        kamnik_world["andechs"].get_absolute_url(),
        reverse("partnerships"),
    ):
        html = client.get(page).content.decode()
        assert "Last activity" in html
        assert '<time datetime="2024-05-17">May 17, 2024</time>' in html


def test_the_partnership_list_costs_the_same_queries_with_more_activity(
    kamnik_world, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    kamnik = kamnik_world["kamnik"]
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("partnerships"))
    for number in range(10):
        partnership = make_partnership(kamnik, make_municipality(f"Twin {number}", "IT"))
        make_activity(partnership)
    with django_assert_num_queries(len(few)):
        client.get(reverse("partnerships"))
