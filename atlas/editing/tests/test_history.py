"""The history of a municipality: who sees it, what it shows, reverting a change and
restoring a deleted record."""

from datetime import date

import pytest
from django.urls import reverse

from atlas.directory.models import (
    Activity,
    Change,
    Membership,
    MunicipalityProfile,
    Network,
    Partnership,
    ProjectPartner,
)
from atlas.editing import services
from conftest import (
    EDIT_MATRIX,
    LOGIN,
    assert_outcome,
    client_as,
    make_coordinator,
    make_membership,
    make_network,
    make_project,
    make_theme,
)

RESTORE_MATRIX = [
    ("anonymous", LOGIN),
    ("coordinator", 403),  # deletions are restored by staff
    ("other_coordinator", 403),
    ("staff_other_country", 403),
    ("staff_right_country", "ok"),
    ("admin", "ok"),
]


@pytest.fixture
def coordinator(personas):
    return personas["coordinator"]


@pytest.fixture
def profile_change(kamnik, coordinator):
    """The coordinator wrote Kamnik's description."""
    profile = MunicipalityProfile.objects.create(municipality=kamnik)
    return services.update(
        profile,
        acting_user=coordinator,
        version=1,
        values={"description": "Under the Kamnik Alps"},
    )


def partnership_of(municipality, other) -> Partnership:
    return Partnership.objects.involving(municipality).involving(other).get()


@pytest.fixture
def twinning(kamnik_world):
    """Kamnik and Trofaiach."""
    return partnership_of(kamnik_world["kamnik"], kamnik_world["trofaiach"])


def deleted_membership(kamnik, coordinator) -> Membership:
    membership = Membership.objects.get(municipality=kamnik)
    services.delete(membership, acting_user=coordinator, version=membership.version)
    return membership


def history_url(municipality) -> str:
    return reverse("edit-history", args=[municipality.slug])


def revert_url(municipality, change) -> str:
    return reverse("edit-revert", args=[municipality.slug, change.pk])


def restore_url(municipality, kind, record) -> str:
    return reverse("edit-restore", args=[municipality.slug, kind, record.pk])


# Who may do what


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), EDIT_MATRIX)
def test_opening_the_history_of_kamnik(personas, kamnik, profile_change, persona, expected):
    response = client_as(personas, persona).get(history_url(kamnik))

    if expected == LOGIN:
        assert_outcome(response, LOGIN)
    else:
        assert response.status_code == (200 if expected == "ok" else 403)


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), EDIT_MATRIX)
def test_reverting_a_change_of_kamnik(personas, kamnik, profile_change, persona, expected):
    response = client_as(personas, persona).post(revert_url(kamnik, profile_change))

    assert_outcome(response, expected, history_url(kamnik))
    profile = MunicipalityProfile.objects.get()
    if expected == "ok":
        assert profile.description == ""
        undo = Change.objects.get(reverts=profile_change)
        assert undo.user == personas[persona]
        assert undo.after == {"description": ""}
    else:
        assert profile.description == "Under the Kamnik Alps"
        assert Change.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), RESTORE_MATRIX)
def test_restoring_a_deleted_membership_of_kamnik(personas, kamnik, coordinator, persona, expected):
    membership = deleted_membership(kamnik, coordinator)

    response = client_as(personas, persona).post(restore_url(kamnik, "membership", membership))

    assert_outcome(response, expected, history_url(kamnik))
    membership.refresh_from_db()
    assert (membership.deleted_at is None) is (expected == "ok")
    if expected == "ok":
        assert Change.objects.filter(action="restored", user=personas[persona]).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), RESTORE_MATRIX)
def test_reverting_a_deletion_is_a_restore_and_for_staff_only(
    personas, kamnik, coordinator, persona, expected
):
    membership = deleted_membership(kamnik, coordinator)
    deletion = Change.objects.get(action="deleted")

    response = client_as(personas, persona).post(revert_url(kamnik, deletion))

    assert_outcome(response, expected, history_url(kamnik))
    membership.refresh_from_db()
    assert (membership.deleted_at is None) is (expected == "ok")


@pytest.mark.django_db
def test_unknown_municipalities_changes_and_records_are_a_404(
    personas, kamnik_world, kamnik, coordinator, profile_change
):
    client = client_as(personas, "admin")
    membership = deleted_membership(kamnik, coordinator)
    andechs = kamnik_world["andechs"]

    assert client.get(reverse("edit-history", args=["atlantis"])).status_code == 404
    assert (
        client.post(reverse("edit-revert", args=["atlantis", profile_change.pk])).status_code == 404
    )
    assert client.post(reverse("edit-revert", args=[kamnik.slug, 999999])).status_code == 404
    # Kamnik's changes and records are not Andechs's
    assert client.post(revert_url(andechs, profile_change)).status_code == 404
    assert client.post(restore_url(andechs, "membership", membership)).status_code == 404
    assert client.post(restore_url(kamnik, "municipality", kamnik)).status_code == 404
    assert client.post(restore_url(kamnik, "membership", Membership(pk=999999))).status_code == 404
    url = reverse("edit-restore", args=["atlantis", "membership", membership.pk])
    assert client.post(url).status_code == 404
    assert MunicipalityProfile.objects.get().description == "Under the Kamnik Alps"
    assert Membership.objects.filter(pk=membership.pk).count() == 0


@pytest.mark.django_db
def test_a_record_that_is_not_deleted_cannot_be_restored(client, personas, kamnik):
    client.force_login(personas["admin"])
    membership = Membership.objects.get(municipality=kamnik)

    assert client.post(restore_url(kamnik, "membership", membership)).status_code == 404


@pytest.mark.django_db
def test_revert_and_restore_take_only_a_post(client, personas, kamnik, coordinator, profile_change):
    client.force_login(personas["admin"])
    membership = deleted_membership(kamnik, coordinator)

    assert client.get(revert_url(kamnik, profile_change)).status_code == 405
    assert client.get(restore_url(kamnik, "membership", membership)).status_code == 405


# What it shows


@pytest.mark.django_db
def test_the_history_names_people_by_name_and_shows_addresses_to_staff_only(
    personas, kamnik, profile_change
):
    coordinator = personas["coordinator"]
    for persona, shows_email in [
        ("coordinator", False),
        ("staff_right_country", True),
        ("admin", True),
    ]:
        html = client_as(personas, persona).get(history_url(kamnik)).content.decode()
        assert coordinator.first_name in html
        assert (coordinator.email in html) is shows_email, persona


@pytest.mark.django_db
def test_the_history_shows_field_names_and_values_as_people_read_them(
    client, personas, kamnik, coordinator
):
    culture, youth = make_theme("culture", "Culture"), make_theme("youth", "Youth")
    profile = MunicipalityProfile.objects.create(municipality=kamnik)
    services.update(
        profile,
        acting_user=coordinator,
        version=1,
        values={"themes": [culture, youth], "office_languages": ["de", "sl"]},
    )
    alliance = make_network("Alliance in the Alps", kind=Network.Kind.ALLIANCE)
    services.add_or_restore(
        acting_user=coordinator,
        municipality=kamnik,
        joined=alliance,
        values={"role": "founder", "start_year": 1997, "end_year": None},
    )
    client.force_login(coordinator)

    html = client.get(history_url(kamnik)).content.decode()

    assert "Themes of interest" in html
    assert "Culture, Youth" in html
    assert "German, Slovenian" in html
    assert "Alliance in the Alps" in html  # the network by its name
    assert "founding member" in html  # the role by its label
    assert "1997" in html
    slovenian = client.get(history_url(kamnik).replace("/en/", "/sl/")).content.decode()
    assert "Vloga" in slovenian  # "Role"
    assert "Culture (sl), Youth (sl)" in slovenian


@pytest.mark.django_db
def test_a_partnership_change_is_in_the_history_of_both_towns(
    client, personas, kamnik_world, twinning
):
    services.update(
        twinning, acting_user=personas["admin"], version=1, values={"status": "dormant"}
    )
    trofaiach = kamnik_world["trofaiach"]
    make_coordinator("second@trofaiach.at", trofaiach)
    client.force_login(personas["other_coordinator"])

    html = client.get(history_url(trofaiach)).content.decode()

    assert "dormant" in html
    client.force_login(personas["coordinator"])
    assert "dormant" in client.get(history_url(kamnik_world["kamnik"])).content.decode()


@pytest.mark.django_db
def test_deleted_records_are_listed_with_restore_buttons_for_staff_only(
    personas, kamnik_world, kamnik, coordinator, twinning
):
    membership = deleted_membership(kamnik, coordinator)
    services.delete(twinning, acting_user=coordinator, version=1)
    activity = Activity.objects.create(
        partnership=partnership_of(kamnik, kamnik_world["andechs"]),
        date=date(2024, 5, 1),
        title="Choir visit",
        kind="visit",
    )
    services.delete(activity, acting_user=coordinator, version=1)

    coordinator_html = client_as(personas, "coordinator").get(history_url(kamnik)).content.decode()
    staff_html = (
        client_as(personas, "staff_right_country").get(history_url(kamnik)).content.decode()
    )

    for html in (coordinator_html, staff_html):
        assert membership.network.name in html
        assert "Kamnik – Trofaiach" in html or "Trofaiach – Kamnik" in html
        assert "Choir visit" in html
    for kind, record in (
        ("membership", membership),
        ("partnership", twinning),
        ("activity", activity),
    ):
        address = restore_url(kamnik, kind, record)
        assert address not in coordinator_html
        assert address in staff_html
    assert "association staff can restore these records" in coordinator_html


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["membership", "partnership", "activity"])
def test_staff_restore_each_kind_of_record(client, personas, kamnik, coordinator, twinning, kind):
    if kind == "membership":
        record = deleted_membership(kamnik, coordinator)
    elif kind == "partnership":
        record = twinning
        services.delete(twinning, acting_user=coordinator, version=1)
    else:
        record = Activity.objects.create(
            partnership=twinning, date=date(2024, 5, 1), title="Visit", kind="visit"
        )
        services.delete(record, acting_user=coordinator, version=1)
    client.force_login(personas["staff_right_country"])

    response = client.post(restore_url(kamnik, kind, record), follow=True)

    assert "is restored" in response.content.decode()
    record.refresh_from_db()
    assert record.deleted_at is None


@pytest.mark.django_db
def test_a_change_changed_again_since_is_not_reverted_and_says_why(
    client, personas, kamnik, coordinator, profile_change
):
    profile = MunicipalityProfile.objects.get()
    services.update(profile, acting_user=coordinator, version=2, values={"description": "Later"})
    client.force_login(coordinator)

    response = client.post(revert_url(kamnik, profile_change), follow=True)

    assert "has been changed again since" in response.content.decode()
    assert MunicipalityProfile.objects.get().description == "Later"


@pytest.mark.django_db
def test_a_reverted_change_says_so_and_its_revert_can_be_reverted(
    client, personas, kamnik, coordinator, profile_change
):
    client.force_login(coordinator)
    client.post(revert_url(kamnik, profile_change))
    undo = Change.objects.get(reverts=profile_change)

    response = client.get(history_url(kamnik))

    html = response.content.decode()
    assert "This change has been reverted." in html
    assert revert_url(kamnik, profile_change) not in html
    assert revert_url(kamnik, undo) in html
    client.post(revert_url(kamnik, undo))
    assert MunicipalityProfile.objects.get().description == "Under the Kamnik Alps"


@pytest.mark.django_db
def test_the_history_is_newest_first_in_pages_of_fifty(client, personas, kamnik, coordinator):
    profile = MunicipalityProfile.objects.create(municipality=kamnik)
    for number in range(55):
        services.update(
            profile,
            acting_user=coordinator,
            version=number + 1,
            values={"seeking": f"Text {number}"},
        )
    client.force_login(coordinator)

    first = client.get(history_url(kamnik))
    second = client.get(history_url(kamnik), {"page": 2})

    assert len(first.context["entries"]) == 50
    assert first.context["entries"][0].fields[0].new == "Text 54"
    assert len(second.context["entries"]) == 5
    assert client.get(history_url(kamnik), {"page": "<script>"}).status_code == 200


@pytest.mark.django_db
def test_the_history_costs_a_fixed_number_of_queries(
    client, personas, kamnik, coordinator, twinning, django_assert_num_queries
):
    profile = MunicipalityProfile.objects.create(municipality=kamnik)
    client.force_login(personas["staff_right_country"])

    def grow(start: int, count: int) -> None:
        for number in range(start, start + count):
            theme = make_theme(f"theme-{number}", f"Theme {number}")
            services.update(
                profile,
                acting_user=coordinator,
                version=profile.version,
                values={"themes": [theme], "description": str(number)},
            )
            network = make_network(f"Network {number}")
            membership = make_membership(network, kamnik)
            services.update(membership, acting_user=coordinator, version=1, values={"role": "lead"})
            services.delete(membership, acting_user=coordinator, version=2)
            project = make_project(f"Project {number}", partners=[kamnik])
            participation = ProjectPartner.objects.get(project=project)
            services.delete(participation, acting_user=coordinator, version=1)

    grow(0, 2)
    client.get(history_url(kamnik))
    with django_assert_num_queries(15):
        client.get(history_url(kamnik))
    grow(2, 10)
    with django_assert_num_queries(15):
        client.get(history_url(kamnik))


@pytest.mark.django_db
def test_stored_hostile_text_is_escaped_in_the_history(client, personas, kamnik, coordinator):
    make_membership(make_network('<script>alert(1)</script>" onmouseover="x'), kamnik)
    membership = Membership.objects.get(network__name__startswith="<script>")
    services.update(membership, acting_user=coordinator, version=1, values={"role": "lead"})
    client.force_login(coordinator)

    html = client.get(history_url(kamnik)).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert '" onmouseover="x' not in html
    assert "&lt;script&gt;" in html


@pytest.mark.django_db
def test_revert_and_restore_refuse_a_post_without_its_csrf_token(
    personas, kamnik, coordinator, profile_change
):
    membership = deleted_membership(kamnik, coordinator)
    client = client_as(personas, "admin", enforce_csrf_checks=True)

    assert client.post(revert_url(kamnik, profile_change)).status_code == 403
    assert client.post(restore_url(kamnik, "membership", membership)).status_code == 403

    html = client.get(history_url(kamnik)).content.decode()
    assert html.count('name="csrfmiddlewaretoken"') >= 3  # logout, revert, restore
    assert MunicipalityProfile.objects.get().description == "Under the Kamnik Alps"
    assert Membership.objects.filter(pk=membership.pk).count() == 0
