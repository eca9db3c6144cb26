"""The projects a municipality takes part in: list, add (or restore), edit, delete."""

import pytest
from django.urls import reverse
from django.utils.timezone import now

from atlas.directory.models import Change, DataStamp, ProjectPartner
from conftest import EDIT_MATRIX, LOGIN, assert_outcome, client_as, make_project

HOSTILE_PROJECT = "<script>alert(1)</script> Exchange"


@pytest.fixture
def kamnik(kamnik_world):
    return kamnik_world["kamnik"]


@pytest.fixture
def partner(kamnik_world):
    """Kamnik in the Eko tržnica project, from the dataset."""
    return ProjectPartner.objects.get(
        project=kamnik_world["project"], municipality=kamnik_world["kamnik"]
    )


@pytest.fixture
def youth_exchange(db):
    return make_project("Youth exchange in the Alps", acronym="YEA")


def url(name: str, municipality, *args) -> str:
    return reverse(name, args=[municipality.slug, *args])


# Who may do what


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), EDIT_MATRIX)
def test_adding_a_project_of_kamnik(personas, kamnik, youth_exchange, persona, expected):
    response = client_as(personas, persona).post(
        url("edit-projects", kamnik), {"project": youth_exchange.pk, "role": "lead"}
    )

    assert_outcome(response, expected, url("edit-projects", kamnik))
    added = ProjectPartner.objects.filter(project=youth_exchange, municipality=kamnik).first()
    if expected == "ok":
        assert added.role == "lead"
        change = Change.objects.get()
        assert change.action == Change.Action.CREATED
        assert change.user == personas[persona]
        assert change.municipality == kamnik
    else:
        assert added is None
        assert not Change.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), EDIT_MATRIX)
def test_editing_a_project_of_kamnik(personas, kamnik, partner, persona, expected):
    response = client_as(personas, persona).post(
        url("edit-project", kamnik, partner.pk), {"version": 1, "role": "lead"}
    )

    assert_outcome(response, expected, url("edit-projects", kamnik))
    partner.refresh_from_db()
    if expected == "ok":
        assert (partner.role, partner.version) == ("lead", 2)
        change = Change.objects.get()
        assert change.before == {"role": "partner"}
        assert change.after == {"role": "lead"}
    else:
        assert (partner.role, partner.version) == ("partner", 1)


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), EDIT_MATRIX)
def test_deleting_a_project_of_kamnik(personas, kamnik, partner, persona, expected):
    response = client_as(personas, persona).post(
        url("edit-project-delete", kamnik, partner.pk), {"version": 1}
    )

    assert_outcome(response, expected, url("edit-projects", kamnik))
    deleted = ProjectPartner.all_objects.get(pk=partner.pk).deleted_at is not None
    assert deleted is (expected == "ok")
    assert ProjectPartner.objects.filter(pk=partner.pk).exists() is not deleted


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), EDIT_MATRIX)
def test_opening_the_projects_pages(personas, kamnik, partner, persona, expected):
    client = client_as(personas, persona)
    for name, args in [
        ("edit-projects", []),
        ("edit-project", [partner.pk]),
        ("edit-project-delete", [partner.pk]),
    ]:
        response = client.get(url(name, kamnik, *args))
        if expected == LOGIN:
            assert_outcome(response, LOGIN)
        else:
            assert response.status_code == (200 if expected == "ok" else 403), name
    assert ProjectPartner.objects.get(pk=partner.pk).deleted_at is None


@pytest.mark.django_db
def test_unknown_municipalities_and_participations_are_a_404(personas, kamnik_world, partner):
    client = client_as(personas, "admin")
    trofaiach = kamnik_world["trofaiach"]

    assert client.get(reverse("edit-projects", args=["atlantis"])).status_code == 404
    assert client.get(url("edit-project", kamnik_world["kamnik"], 999999)).status_code == 404
    # Kamnik's participation under Trofaiach's address
    assert client.get(url("edit-project", trofaiach, partner.pk)).status_code == 404
    response = client.post(
        url("edit-project", trofaiach, partner.pk), {"version": 1, "role": "lead"}
    )
    assert response.status_code == 404
    response = client.post(url("edit-project-delete", trofaiach, partner.pk), {"version": 1})
    assert response.status_code == 404
    partner.refresh_from_db()
    assert (partner.role, partner.deleted_at) == ("partner", None)


@pytest.mark.django_db
def test_a_network_s_participation_is_not_editable_under_a_municipality(
    personas, kamnik_world, kamnik
):
    project = make_project("Network project", partners=[kamnik_world["network"]])
    network_partner = ProjectPartner.objects.get(project=project)
    client = client_as(personas, "admin")

    assert client.get(url("edit-project", kamnik, network_partner.pk)).status_code == 404


@pytest.mark.django_db
def test_a_deleted_participation_cannot_be_edited_or_deleted_again(
    client, personas, kamnik, partner
):
    partner.deleted_at = now()
    partner.save()
    client.force_login(personas["coordinator"])

    assert client.get(url("edit-project", kamnik, partner.pk)).status_code == 404
    response = client.post(url("edit-project-delete", kamnik, partner.pk), {"version": 1})
    assert response.status_code == 404


# Adding


@pytest.mark.django_db
def test_the_project_choice_is_ordered_by_title(client, personas, kamnik, youth_exchange):
    make_project("Alpine bus")
    client.force_login(personas["coordinator"])

    response = client.get(url("edit-projects", kamnik))

    labels = [str(label) for _, label in response.context["form"].fields["project"].choices]
    assert labels[1:] == ["Alpine bus", "Eko tržnica", "Youth exchange in the Alps"]


@pytest.mark.django_db
def test_adding_a_project_it_takes_part_in_says_so(client, personas, kamnik, partner):
    client.force_login(personas["coordinator"])

    response = client.post(
        url("edit-projects", kamnik), {"project": partner.project.pk, "role": "lead"}
    )

    assert response.status_code == 200
    assert "Kamnik already takes part in Eko tržnica" in response.content.decode()
    assert ProjectPartner.all_objects.filter(project=partner.project).count() == 1
    assert not Change.objects.exists()


@pytest.mark.django_db
def test_adding_a_deleted_participation_again_restores_and_updates_it(
    client, personas, kamnik, partner
):
    partner.deleted_at = now()
    partner.version = 2
    partner.save()
    client.force_login(personas["coordinator"])

    response = client.post(
        url("edit-projects", kamnik), {"project": partner.project.pk, "role": "lead"}
    )

    assert response.status_code == 302
    restored = ProjectPartner.objects.get(project=partner.project, municipality=kamnik)
    assert restored.pk == partner.pk
    assert restored.role == "lead"
    assert ProjectPartner.all_objects.filter(project=partner.project).count() == 1
    assert [c.action for c in Change.objects.order_by("pk")] == ["restored", "changed"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"role": "emperor"}, "role"),
        ({"project": "999999"}, "project"),
        ({"project": ""}, "project"),
    ],
)
def test_adding_checks_the_project_and_role(client, personas, kamnik, youth_exchange, data, field):
    client.force_login(personas["coordinator"])

    response = client.post(
        url("edit-projects", kamnik), {"project": youth_exchange.pk, "role": "partner", **data}
    )

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Change.objects.exists()


@pytest.mark.django_db
def test_adding_touches_the_data_stamp_and_shows_on_the_public_pages(
    client, personas, kamnik, youth_exchange
):
    client.force_login(personas["coordinator"])
    stamp = DataStamp.current()

    client.post(url("edit-projects", kamnik), {"project": youth_exchange.pk, "role": "partner"})

    assert DataStamp.current() > stamp
    assert "Youth exchange in the Alps" in client.get(kamnik.get_absolute_url()).content.decode()
    project_page = client.get(youth_exchange.get_absolute_url()).content.decode()
    assert kamnik.get_absolute_url() in project_page


# Editing and deleting


@pytest.mark.django_db
def test_two_edits_opened_at_version_1_the_second_is_refused_with_a_409(personas, kamnik, partner):
    first = client_as(personas, "coordinator")
    second = client_as(personas, "staff_right_country")
    edit = url("edit-project", kamnik, partner.pk)

    first.post(edit, {"version": 1, "role": "lead"})
    refused = second.post(edit, {"version": 1, "role": "partner"})

    assert refused.status_code == 409
    assert "Someone else saved this record" in refused.content.decode()
    assert refused.context["form"]["role"].value() == "lead"
    assert refused.context["form"]["version"].value() == 2
    partner.refresh_from_db()
    assert (partner.role, partner.version) == ("lead", 2)


@pytest.mark.django_db
def test_deleting_with_an_old_version_is_refused_with_a_409(client, personas, kamnik, partner):
    client.force_login(personas["coordinator"])
    client.post(url("edit-project", kamnik, partner.pk), {"version": 1, "role": "lead"})

    response = client.post(url("edit-project-delete", kamnik, partner.pk), {"version": 1})

    assert response.status_code == 409
    assert ProjectPartner.objects.filter(pk=partner.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["", "x", "-1"])
def test_deleting_without_a_valid_version_deletes_nothing(
    client, personas, kamnik, partner, version
):
    client.force_login(personas["coordinator"])

    response = client.post(url("edit-project-delete", kamnik, partner.pk), {"version": version})

    assert response.status_code == 409
    assert ProjectPartner.objects.filter(pk=partner.pk).exists()


@pytest.mark.django_db
def test_a_deleted_participation_leaves_the_public_pages_and_the_list(
    client, personas, kamnik, partner
):
    project = partner.project
    assert kamnik.get_absolute_url() in client.get(project.get_absolute_url()).content.decode()
    client.force_login(personas["coordinator"])

    response = client.post(
        url("edit-project-delete", kamnik, partner.pk), {"version": 1}, follow=True
    )

    assert list(response.context["project_partners"]) == []
    client.logout()
    project_page = client.get(reverse("project", args=[project.slug])).content.decode()
    assert kamnik.get_absolute_url() not in project_page
    assert "No partner is recorded yet." in project_page
    assert project.title not in client.get(kamnik.get_absolute_url()).content.decode()
    assert Change.objects.get().action == Change.Action.DELETED


# History, revert and restore


@pytest.mark.django_db
def test_the_history_shows_the_change_and_revert_puts_the_role_back(
    client, personas, kamnik, partner
):
    client.force_login(personas["coordinator"])
    client.post(url("edit-project", kamnik, partner.pk), {"version": 1, "role": "lead"})
    history = url("edit-history", kamnik)

    html = client.get(history).content.decode()

    assert "Kamnik in the project Eko tržnica" in html
    assert "Lead partner" in html or "lead partner" in html
    change = Change.objects.get()
    response = client.post(url("edit-revert", kamnik, change.pk), follow=True)
    assert "The change is reverted" in response.content.decode()
    partner.refresh_from_db()
    assert (partner.role, partner.version) == ("partner", 3)
    assert Change.objects.filter(reverts=change).exists()


@pytest.mark.django_db
def test_a_deleted_participation_is_listed_and_staff_restore_it(client, personas, kamnik, partner):
    coordinator = client_as(personas, "coordinator")
    coordinator.post(url("edit-project-delete", kamnik, partner.pk), {"version": 1})
    restore = reverse("edit-restore", args=[kamnik.slug, "project_partner", partner.pk])

    coordinator_html = coordinator.get(url("edit-history", kamnik)).content.decode()
    assert "Eko tržnica" in coordinator_html
    assert restore not in coordinator_html
    assert coordinator.post(restore).status_code == 403

    staff = client_as(personas, "staff_right_country")
    assert restore in staff.get(url("edit-history", kamnik)).content.decode()
    response = staff.post(restore, follow=True)

    assert "“Kamnik in the project Eko tržnica” is restored." in response.content.decode()
    partner.refresh_from_db()
    assert partner.deleted_at is None
    project_page = client.get(partner.project.get_absolute_url()).content.decode()
    assert kamnik.get_absolute_url() in project_page


# Query counts and CSRF


def add_projects(kamnik, count: int) -> None:
    for number in range(count):
        make_project(f"Project {number}", partners=[kamnik])


@pytest.mark.django_db
def test_the_projects_page_costs_a_fixed_number_of_queries(
    client, personas, kamnik, django_assert_num_queries
):
    client.force_login(personas["coordinator"])
    add_projects(kamnik, 2)
    client.get(url("edit-projects", kamnik))
    with django_assert_num_queries(6):
        client.get(url("edit-projects", kamnik))
    add_projects(kamnik, 10)
    with django_assert_num_queries(6):
        client.get(url("edit-projects", kamnik))


@pytest.mark.django_db
def test_the_project_forms_refuse_a_post_without_their_csrf_token(
    personas, kamnik, partner, youth_exchange
):
    client = client_as(personas, "coordinator", enforce_csrf_checks=True)
    posts = [
        (url("edit-projects", kamnik), {"project": youth_exchange.pk, "role": "partner"}),
        (url("edit-project", kamnik, partner.pk), {"version": 1, "role": "lead"}),
        (url("edit-project-delete", kamnik, partner.pk), {"version": 1}),
    ]
    for address, data in posts:
        assert client.post(address, data).status_code == 403, address
        assert 'name="csrfmiddlewaretoken"' in client.get(address).content.decode()
    partner.refresh_from_db()
    assert (partner.role, partner.deleted_at) == ("partner", None)
    assert not Change.objects.exists()


@pytest.mark.django_db
def test_project_titles_are_shown_escaped(client, personas, kamnik):
    make_project(HOSTILE_PROJECT, partners=[kamnik])
    client.force_login(personas["coordinator"])

    html = client.get(url("edit-projects", kamnik)).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Exchange" in html
