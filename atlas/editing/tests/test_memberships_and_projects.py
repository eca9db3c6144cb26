"""A municipality's memberships in networks and its participations in projects: list, add
(or restore), edit, delete. The two share their views, so each test runs for both kinds
(KINDS says what differs); the tests of what only one kind has come last."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django.utils.timezone import now

from atlas.directory.models import Change, DataStamp, Membership, Network, ProjectPartner
from conftest import (
    EDIT_MATRIX,
    OK,
    assert_outcome,
    client_as,
    make_membership,
    make_municipality,
    make_network,
    make_project,
)

HOSTILE_NAME = "<script>alert(1)</script> Alliance"


@dataclass(frozen=True)
class Kind:
    name: str
    model: type[Membership] | type[ProjectPartner]
    joined: str  # the field naming the network or the project (as kamnik_world names it)
    list_url: str
    edit_url: str
    delete_url: str
    rows: str  # the name of the list in the list page's context
    stored: dict[str, Any]  # the values of Kamnik's record in kamnik_world
    new: dict[str, str]  # posted with a network or project to add
    added: dict[str, Any]  # what that adds
    edit: dict[str, str]  # posted to edit Kamnik's record
    edited: dict[str, Any]  # what that saves
    already: str  # the refusal to add what Kamnik has
    empty: str  # the network's or project's page without Kamnik
    make_new: Callable[[], Any]  # a network or project Kamnik has not joined
    make_joined: Callable[[str, Any], Any]  # a network or project Kamnik joined, by name


MEMBERSHIPS = Kind(
    name="membership",
    model=Membership,
    joined="network",
    list_url="edit-memberships",
    edit_url="edit-membership",
    delete_url="edit-membership-delete",
    rows="memberships",
    stored={"role": "member", "start_year": None},
    new={"role": "founder", "start_year": "2005"},
    added={"role": "founder", "start_year": 2005},
    edit={"role": "lead", "start_year": "2001", "end_year": ""},
    edited={"role": "lead", "start_year": 2001},
    already="Kamnik is already a member of",
    empty="No member is recorded yet.",
    make_new=lambda: make_network(
        "Alliance in the Alps", kind=Network.Kind.ALLIANCE, acronym="AidA"
    ),
    make_joined=lambda name, town: make_membership(make_network(name), town),
)
PROJECTS = Kind(
    name="project",
    model=ProjectPartner,
    joined="project",
    list_url="edit-projects",
    edit_url="edit-project",
    delete_url="edit-project-delete",
    rows="project_partners",
    stored={"role": "partner"},
    new={"role": "lead"},
    added={"role": "lead"},
    edit={"role": "lead"},
    edited={"role": "lead"},
    already="Kamnik already takes part in Eko tržnica",
    empty="No partner is recorded yet.",
    make_new=lambda: make_project("Youth exchange in the Alps", acronym="YEA"),
    make_joined=lambda name, town: make_project(name, partners=[town]),
)
KINDS = [MEMBERSHIPS, PROJECTS]


def kind_id(value) -> str | None:
    return value.name if isinstance(value, Kind) else None


@pytest.fixture(params=KINDS, ids=kind_id)
def kind(request) -> Kind:
    return request.param


@pytest.fixture
def record(kind, kamnik_world):
    """Kamnik in the association of historic towns, or in the Eko tržnica project, from
    the dataset."""
    return kind.model.objects.get(
        municipality=kamnik_world["kamnik"], **{kind.joined: kamnik_world[kind.joined]}
    )


@pytest.fixture
def new(kind, db):
    """A network or project Kamnik has not joined."""
    return kind.make_new()


def url(name: str, municipality, *args) -> str:
    return reverse(name, args=[municipality.slug, *args])


def values(record, expected: dict[str, Any]) -> dict[str, Any]:
    """The values of `record` in the fields of `expected`."""
    return {name: getattr(record, name) for name in expected}


def as_posted(stored: dict[str, Any]) -> dict[str, str]:
    return {name: "" if value is None else str(value) for name, value in stored.items()}


# Who may do what


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), EDIT_MATRIX)
def test_adding_a_membership_or_project_of_kamnik(personas, kamnik, kind, new, persona, expected):
    response = client_as(personas, persona).post(
        url(kind.list_url, kamnik), {kind.joined: new.pk, **kind.new}
    )

    assert_outcome(response, expected, url(kind.list_url, kamnik))
    added = kind.model.objects.filter(municipality=kamnik, **{kind.joined: new}).first()
    if expected == OK:
        assert values(added, kind.added) == kind.added
        if isinstance(added, Membership):
            assert added.source.key == "atlas-coordinators"
        change = Change.objects.get()
        assert change.action == Change.Action.CREATED
        assert change.user == personas[persona]
        assert change.municipality == kamnik
    else:
        assert added is None
        assert not Change.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), EDIT_MATRIX)
def test_editing_a_membership_or_project_of_kamnik(
    personas, kamnik, kind, record, persona, expected
):
    response = client_as(personas, persona).post(
        url(kind.edit_url, kamnik, record.pk), {"version": 1, **kind.edit}
    )

    assert_outcome(response, expected, url(kind.list_url, kamnik))
    record.refresh_from_db()
    if expected == OK:
        assert (values(record, kind.edited), record.version) == (kind.edited, 2)
        change = Change.objects.get()
        assert change.before == kind.stored
        assert change.after == kind.edited
    else:
        assert (values(record, kind.stored), record.version) == (kind.stored, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), EDIT_MATRIX)
def test_deleting_a_membership_or_project_of_kamnik(
    personas, kamnik, kind, record, persona, expected
):
    response = client_as(personas, persona).post(
        url(kind.delete_url, kamnik, record.pk), {"version": 1}
    )

    assert_outcome(response, expected, url(kind.list_url, kamnik))
    deleted = kind.model.all_objects.get(pk=record.pk).deleted_at is not None
    assert deleted is (expected == OK)
    assert kind.model.objects.filter(pk=record.pk).exists() is not deleted


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), EDIT_MATRIX)
def test_opening_the_memberships_or_projects_pages(
    personas, kamnik, kind, record, persona, expected
):
    client = client_as(personas, persona)
    for name, args in [
        (kind.list_url, []),
        (kind.edit_url, [record.pk]),
        (kind.delete_url, [record.pk]),
    ]:
        response = client.get(url(name, kamnik, *args))
        assert_outcome(response, 200 if expected == OK else expected)
    assert kind.model.objects.get(pk=record.pk).deleted_at is None


@pytest.mark.django_db
def test_unknown_municipalities_memberships_and_participations_are_a_404(
    personas, kamnik_world, kind, record
):
    client = client_as(personas, "admin")
    trofaiach = kamnik_world["trofaiach"]

    assert client.get(reverse(kind.list_url, args=["atlantis"])).status_code == 404
    assert client.get(url(kind.edit_url, kamnik_world["kamnik"], 999999)).status_code == 404
    # Kamnik's membership or participation under Trofaiach's address
    assert client.get(url(kind.edit_url, trofaiach, record.pk)).status_code == 404
    response = client.post(url(kind.edit_url, trofaiach, record.pk), {"version": 1, **kind.edit})
    assert response.status_code == 404
    response = client.post(url(kind.delete_url, trofaiach, record.pk), {"version": 1})
    assert response.status_code == 404
    assert kind.model.objects.filter(pk=record.pk).exists()
    record.refresh_from_db()
    assert (values(record, kind.stored), record.deleted_at) == (kind.stored, None)


@pytest.mark.django_db
def test_a_deleted_membership_or_participation_cannot_be_edited_or_deleted_again(
    client, personas, kamnik, kind, record
):
    record.deleted_at = now()
    record.save()
    client.force_login(personas["coordinator"])

    assert client.get(url(kind.edit_url, kamnik, record.pk)).status_code == 404
    response = client.post(url(kind.delete_url, kamnik, record.pk), {"version": 1})
    assert response.status_code == 404


# Adding


@pytest.mark.django_db
def test_adding_a_membership_or_project_that_exists_says_so(client, personas, kamnik, kind, record):
    client.force_login(personas["coordinator"])
    joined = getattr(record, kind.joined)

    response = client.post(url(kind.list_url, kamnik), {kind.joined: joined.pk, **kind.new})

    assert response.status_code == 200
    assert kind.already in response.content.decode()
    assert kind.model.all_objects.filter(**{kind.joined: joined}).count() == 1
    assert not Change.objects.exists()


@pytest.mark.django_db
def test_adding_a_deleted_membership_or_participation_again_restores_and_updates_it(
    client, personas, kamnik, kind, record
):
    record.deleted_at = now()
    record.version = 2
    record.save()
    client.force_login(personas["coordinator"])
    joined = getattr(record, kind.joined)

    response = client.post(url(kind.list_url, kamnik), {kind.joined: joined.pk, **kind.new})

    assert response.status_code == 302
    restored = kind.model.objects.get(municipality=kamnik, **{kind.joined: joined})
    assert restored.pk == record.pk
    assert values(restored, kind.added) == kind.added
    assert kind.model.all_objects.filter(**{kind.joined: joined}).count() == 1
    if isinstance(record, Membership):
        assert restored.source == record.source  # still the dataset's record
    assert [c.action for c in Change.objects.order_by("pk")] == ["restored", "changed"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "data", "field"),
    [
        (MEMBERSHIPS, {"start_year": "1066"}, "start_year"),
        (MEMBERSHIPS, {"start_year": "3000"}, "start_year"),
        (MEMBERSHIPS, {"start_year": "2010", "end_year": "2005"}, "end_year"),
        (MEMBERSHIPS, {"start_year": "twenty"}, "start_year"),
        (MEMBERSHIPS, {"role": "emperor"}, "role"),
        (MEMBERSHIPS, {"network": "999999"}, "network"),
        (MEMBERSHIPS, {"network": ""}, "network"),
        (PROJECTS, {"role": "emperor"}, "role"),
        (PROJECTS, {"project": "999999"}, "project"),
        (PROJECTS, {"project": ""}, "project"),
    ],
    ids=kind_id,
)
def test_adding_checks_the_network_or_project_the_role_and_years(
    client, personas, kamnik, kind, new, data, field
):
    client.force_login(personas["coordinator"])

    response = client.post(
        url(kind.list_url, kamnik), {kind.joined: new.pk, "role": kind.stored["role"], **data}
    )

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Change.objects.exists()


@pytest.mark.django_db
def test_adding_touches_the_data_stamp_and_shows_on_the_public_pages(
    client, personas, kamnik, kind, new
):
    client.force_login(personas["coordinator"])
    stamp = DataStamp.current()

    client.post(url(kind.list_url, kamnik), {kind.joined: new.pk, **kind.new})

    assert DataStamp.current() > stamp
    assert str(new) in client.get(kamnik.get_absolute_url()).content.decode()
    joined_page = client.get(new.get_absolute_url()).content.decode()
    assert kamnik.get_absolute_url() in joined_page


# Editing and deleting


@pytest.mark.django_db
def test_two_edits_opened_at_version_1_the_second_is_refused_with_a_409(
    personas, kamnik, kind, record
):
    first = client_as(personas, "coordinator")
    second = client_as(personas, "staff_right_country")
    edit = url(kind.edit_url, kamnik, record.pk)

    first.post(edit, {"version": 1, **kind.edit})
    refused = second.post(edit, {"version": 1, **as_posted(kind.stored)})

    assert refused.status_code == 409
    assert "Someone else saved this record" in refused.content.decode()
    assert refused.context["form"]["role"].value() == kind.edited["role"]
    assert refused.context["form"]["version"].value() == 2
    record.refresh_from_db()
    assert (values(record, kind.edited), record.version) == (kind.edited, 2)


@pytest.mark.django_db
def test_deleting_with_an_old_version_is_refused_with_a_409(client, personas, kamnik, kind, record):
    client.force_login(personas["coordinator"])
    client.post(url(kind.edit_url, kamnik, record.pk), {"version": 1, **kind.edit})

    response = client.post(url(kind.delete_url, kamnik, record.pk), {"version": 1})

    assert response.status_code == 409
    assert kind.model.objects.filter(pk=record.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["", "x", "-1"])
def test_deleting_without_a_valid_version_deletes_nothing(
    client, personas, kamnik, kind, record, version
):
    client.force_login(personas["coordinator"])

    response = client.post(url(kind.delete_url, kamnik, record.pk), {"version": version})

    assert response.status_code == 409
    assert kind.model.objects.filter(pk=record.pk).exists()


@pytest.mark.django_db
def test_a_deleted_membership_or_participation_leaves_the_public_pages_and_the_list(
    client, personas, kamnik, kind, record
):
    joined = getattr(record, kind.joined)
    assert kamnik.get_absolute_url() in client.get(joined.get_absolute_url()).content.decode()
    client.force_login(personas["coordinator"])

    response = client.post(url(kind.delete_url, kamnik, record.pk), {"version": 1}, follow=True)

    assert list(response.context[kind.rows]) == []
    assert str(joined) not in client.get(kamnik.get_absolute_url()).content.decode()
    client.logout()
    joined_page = client.get(joined.get_absolute_url()).content.decode()
    assert kamnik.get_absolute_url() not in joined_page
    assert kind.empty in joined_page
    assert str(joined) not in client.get(kamnik.get_absolute_url()).content.decode()
    assert Change.objects.get().action == Change.Action.DELETED


# Query counts, CSRF and hostile names


@pytest.mark.django_db
def test_the_list_page_costs_a_fixed_number_of_queries(
    client, personas, kamnik, kind, django_assert_num_queries
):
    def add(count: int) -> None:
        for number in range(count):
            kind.make_joined(f"{kind.joined} {number}", kamnik)
            make_municipality("Other")

    client.force_login(personas["coordinator"])
    add(2)
    client.get(url(kind.list_url, kamnik))
    with django_assert_num_queries(6):
        client.get(url(kind.list_url, kamnik))
    add(10)
    with django_assert_num_queries(6):
        client.get(url(kind.list_url, kamnik))


@pytest.mark.django_db
def test_the_forms_refuse_a_post_without_their_csrf_token(personas, kamnik, kind, record, new):
    client = client_as(personas, "coordinator", enforce_csrf_checks=True)
    posts = [
        (url(kind.list_url, kamnik), {kind.joined: new.pk, **kind.new}),
        (url(kind.edit_url, kamnik, record.pk), {"version": 1, **kind.edit}),
        (url(kind.delete_url, kamnik, record.pk), {"version": 1}),
    ]
    for address, data in posts:
        assert client.post(address, data).status_code == 403, address
        assert 'name="csrfmiddlewaretoken"' in client.get(address).content.decode()
    record.refresh_from_db()
    assert (values(record, kind.stored), record.deleted_at) == (kind.stored, None)
    assert not Change.objects.exists()


@pytest.mark.django_db
def test_network_and_project_names_are_shown_escaped(client, personas, kamnik, kind):
    kind.make_joined(HOSTILE_NAME, kamnik)
    client.force_login(personas["coordinator"])

    html = client.get(url(kind.list_url, kamnik)).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Alliance" in html


# Memberships only: statistical regions come from the dataset; networks are grouped


@pytest.fixture
def region(kamnik):
    network = make_network("Osrednjeslovenska", kind=Network.Kind.STATISTICAL_REGION, code="SI041")
    return make_membership(network, kamnik)


@pytest.mark.django_db
def test_statistical_regions_are_listed_but_not_editable(client, personas, kamnik, region):
    client.force_login(personas["coordinator"])

    response = client.get(url("edit-memberships", kamnik))

    html = response.content.decode()
    assert "Osrednjeslovenska" in html
    assert url("edit-membership", kamnik, region.pk) not in html
    assert region.network.pk not in [
        choice for choice, _ in response.context["form"].fields["network"].choices
    ]
    assert client.get(url("edit-membership", kamnik, region.pk)).status_code == 403
    response = client.post(url("edit-membership-delete", kamnik, region.pk), {"version": 1})
    assert response.status_code == 403
    response = client.post(url("edit-memberships", kamnik), {"network": region.network.pk})
    assert "network" in response.context["form"].errors
    assert not Change.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [MEMBERSHIPS], ids=kind_id)
def test_the_network_choice_is_grouped_by_kind_and_shows_acronyms(client, personas, kamnik, new):
    client.force_login(personas["coordinator"])

    html = client.get(url("edit-memberships", kamnik)).content.decode()

    assert '<optgroup label="Alliance">' in html
    assert "Alliance in the Alps (AidA)" in html


# Projects only: networks' participations, the order of the choice, history and restore


@pytest.mark.django_db
def test_a_network_s_participation_is_not_editable_under_a_municipality(
    personas, kamnik_world, kamnik
):
    project = make_project("Network project", partners=[kamnik_world["network"]])
    network_partner = ProjectPartner.objects.get(project=project)
    client = client_as(personas, "admin")

    assert client.get(url("edit-project", kamnik, network_partner.pk)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [PROJECTS], ids=kind_id)
def test_the_project_choice_is_ordered_by_title(client, personas, kamnik, new):
    make_project("Alpine bus")
    client.force_login(personas["coordinator"])

    response = client.get(url("edit-projects", kamnik))

    labels = [str(label) for _, label in response.context["form"].fields["project"].choices]
    assert labels[1:] == ["Alpine bus", "Eko tržnica", "Youth exchange in the Alps"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [PROJECTS], ids=kind_id)
def test_the_history_shows_the_change_and_revert_puts_the_role_back(
    client, personas, kamnik, record
):
    client.force_login(personas["coordinator"])
    client.post(url("edit-project", kamnik, record.pk), {"version": 1, "role": "lead"})
    history = url("edit-history", kamnik)

    html = client.get(history).content.decode()

    assert "Kamnik in the project Eko tržnica" in html
    assert "Lead partner" in html or "lead partner" in html
    change = Change.objects.get()
    response = client.post(url("edit-revert", kamnik, change.pk), follow=True)
    assert "The change is reverted" in response.content.decode()
    record.refresh_from_db()
    assert (record.role, record.version) == ("partner", 3)
    assert Change.objects.filter(reverts=change).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [PROJECTS], ids=kind_id)
def test_a_deleted_participation_is_listed_and_staff_restore_it(client, personas, kamnik, record):
    coordinator = client_as(personas, "coordinator")
    coordinator.post(url("edit-project-delete", kamnik, record.pk), {"version": 1})
    restore = reverse("edit-restore", args=[kamnik.slug, "project_partner", record.pk])

    coordinator_html = coordinator.get(url("edit-history", kamnik)).content.decode()
    assert "Eko tržnica" in coordinator_html
    assert restore not in coordinator_html
    assert coordinator.post(restore).status_code == 403

    staff = client_as(personas, "staff_right_country")
    assert restore in staff.get(url("edit-history", kamnik)).content.decode()
    response = staff.post(restore, follow=True)

    assert "“Kamnik in the project Eko tržnica” is restored." in response.content.decode()
    record.refresh_from_db()
    assert record.deleted_at is None
    project_page = client.get(record.project.get_absolute_url()).content.decode()
    assert kamnik.get_absolute_url() in project_page
