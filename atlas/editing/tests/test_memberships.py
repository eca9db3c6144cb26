"""A municipality's memberships in networks: list, add (or restore), edit, delete."""

import pytest
from django.urls import reverse
from django.utils.timezone import now

from atlas.directory.models import Change, DataStamp, Membership, Network
from conftest import (
    EDIT_MATRIX,
    LOGIN,
    assert_outcome,
    client_as,
    make_membership,
    make_municipality,
    make_network,
)

HOSTILE_NETWORK = "<script>alert(1)</script> Alliance"


@pytest.fixture
def kamnik(kamnik_world):
    return kamnik_world["kamnik"]


@pytest.fixture
def membership(kamnik_world):
    """Kamnik in the association of historic towns, from the dataset."""
    return Membership.objects.get(
        network=kamnik_world["network"], municipality=kamnik_world["kamnik"]
    )


@pytest.fixture
def alliance(db):
    return make_network("Alliance in the Alps", kind=Network.Kind.ALLIANCE, acronym="AidA")


@pytest.fixture
def region(kamnik):
    network = make_network("Osrednjeslovenska", kind=Network.Kind.STATISTICAL_REGION, code="SI041")
    return make_membership(network, kamnik)


def url(name: str, municipality, *args) -> str:
    return reverse(name, args=[municipality.slug, *args])


# Who may do what


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), EDIT_MATRIX)
def test_adding_a_membership_of_kamnik(personas, kamnik, alliance, persona, expected):
    response = client_as(personas, persona).post(
        url("edit-memberships", kamnik),
        {"network": alliance.pk, "role": "founder", "start_year": "2005"},
    )

    assert_outcome(response, expected, url("edit-memberships", kamnik))
    added = Membership.objects.filter(network=alliance, municipality=kamnik).first()
    if expected == "ok":
        assert added.role == "founder"
        assert added.start_year == 2005
        assert added.source.key == "atlas-coordinators"
        change = Change.objects.get()
        assert change.action == Change.Action.CREATED
        assert change.user == personas[persona]
    else:
        assert added is None
        assert not Change.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), EDIT_MATRIX)
def test_editing_a_membership_of_kamnik(personas, kamnik, membership, persona, expected):
    response = client_as(personas, persona).post(
        url("edit-membership", kamnik, membership.pk),
        {"version": 1, "role": "lead", "start_year": "2001", "end_year": ""},
    )

    assert_outcome(response, expected, url("edit-memberships", kamnik))
    membership.refresh_from_db()
    if expected == "ok":
        assert (membership.role, membership.start_year, membership.version) == ("lead", 2001, 2)
        change = Change.objects.get()
        assert change.before == {"role": "member", "start_year": None}
        assert change.after == {"role": "lead", "start_year": 2001}
    else:
        assert (membership.role, membership.version) == ("member", 1)


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), EDIT_MATRIX)
def test_deleting_a_membership_of_kamnik(personas, kamnik, membership, persona, expected):
    response = client_as(personas, persona).post(
        url("edit-membership-delete", kamnik, membership.pk), {"version": 1}
    )

    assert_outcome(response, expected, url("edit-memberships", kamnik))
    deleted = Membership.all_objects.get(pk=membership.pk).deleted_at is not None
    assert deleted is (expected == "ok")
    assert Membership.objects.filter(pk=membership.pk).exists() is not deleted


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), EDIT_MATRIX)
def test_opening_the_memberships_pages(personas, kamnik, membership, persona, expected):
    client = client_as(personas, persona)
    for name, args in [
        ("edit-memberships", []),
        ("edit-membership", [membership.pk]),
        ("edit-membership-delete", [membership.pk]),
    ]:
        response = client.get(url(name, kamnik, *args))
        if expected == LOGIN:
            assert_outcome(response, LOGIN)
        else:
            assert response.status_code == (200 if expected == "ok" else 403), name
    assert Membership.objects.get(pk=membership.pk).deleted_at is None


@pytest.mark.django_db
def test_unknown_municipalities_and_memberships_are_a_404(personas, kamnik_world, membership):
    client = client_as(personas, "admin")
    trofaiach = kamnik_world["trofaiach"]

    assert client.get(reverse("edit-memberships", args=["atlantis"])).status_code == 404
    assert client.get(url("edit-membership", kamnik_world["kamnik"], 999999)).status_code == 404
    # Kamnik's membership under Trofaiach's address
    assert client.get(url("edit-membership", trofaiach, membership.pk)).status_code == 404
    response = client.post(url("edit-membership-delete", trofaiach, membership.pk), {"version": 1})
    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.django_db
def test_a_deleted_membership_cannot_be_edited_or_deleted_again(
    client, personas, kamnik, membership
):
    membership.deleted_at = now()
    membership.save()
    client.force_login(personas["coordinator"])

    assert client.get(url("edit-membership", kamnik, membership.pk)).status_code == 404
    response = client.post(url("edit-membership-delete", kamnik, membership.pk), {"version": 1})
    assert response.status_code == 404


# Statistical regions come from the dataset


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


# Adding


@pytest.mark.django_db
def test_the_network_choice_is_grouped_by_kind_and_shows_acronyms(
    client, personas, kamnik, alliance
):
    client.force_login(personas["coordinator"])

    html = client.get(url("edit-memberships", kamnik)).content.decode()

    assert '<optgroup label="Alliance">' in html
    assert "Alliance in the Alps (AidA)" in html


@pytest.mark.django_db
def test_adding_a_membership_that_exists_says_so(client, personas, kamnik, membership):
    client.force_login(personas["coordinator"])

    response = client.post(
        url("edit-memberships", kamnik), {"network": membership.network.pk, "role": "member"}
    )

    assert response.status_code == 200
    assert "Kamnik is already a member of" in response.content.decode()
    assert Membership.all_objects.filter(network=membership.network).count() == 1


@pytest.mark.django_db
def test_adding_a_deleted_membership_again_restores_and_updates_it(
    client, personas, kamnik, membership
):
    membership.deleted_at = now()
    membership.version = 2
    membership.save()
    client.force_login(personas["coordinator"])

    response = client.post(
        url("edit-memberships", kamnik),
        {"network": membership.network.pk, "role": "founder", "start_year": "2001"},
    )

    assert response.status_code == 302
    restored = Membership.objects.get(network=membership.network, municipality=kamnik)
    assert restored.pk == membership.pk
    assert (restored.role, restored.start_year) == ("founder", 2001)
    assert restored.source == membership.source  # still the dataset's record
    assert [c.action for c in Change.objects.order_by("pk")] == ["restored", "changed"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"start_year": "1066"}, "start_year"),
        ({"start_year": "3000"}, "start_year"),
        ({"start_year": "2010", "end_year": "2005"}, "end_year"),
        ({"start_year": "twenty"}, "start_year"),
        ({"role": "emperor"}, "role"),
        ({"network": "999999"}, "network"),
        ({"network": ""}, "network"),
    ],
)
def test_adding_checks_the_network_role_and_years(client, personas, kamnik, alliance, data, field):
    client.force_login(personas["coordinator"])

    response = client.post(
        url("edit-memberships", kamnik), {"network": alliance.pk, "role": "member", **data}
    )

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Change.objects.exists()


@pytest.mark.django_db
def test_adding_touches_the_data_stamp_and_shows_on_the_public_page(
    client, personas, kamnik, alliance
):
    client.force_login(personas["coordinator"])
    stamp = DataStamp.current()

    client.post(url("edit-memberships", kamnik), {"network": alliance.pk, "role": "member"})

    assert DataStamp.current() > stamp
    assert "Alliance in the Alps" in client.get(kamnik.get_absolute_url()).content.decode()


# Editing and deleting


@pytest.mark.django_db
def test_two_edits_opened_at_version_1_the_second_is_refused_with_a_409(
    personas, kamnik, membership
):
    first = client_as(personas, "coordinator")
    second = client_as(personas, "staff_right_country")
    edit = url("edit-membership", kamnik, membership.pk)

    first.post(edit, {"version": 1, "role": "founder"})
    refused = second.post(edit, {"version": 1, "role": "observer", "start_year": "1999"})

    assert refused.status_code == 409
    assert "Someone else saved this record" in refused.content.decode()
    assert refused.context["form"]["role"].value() == "founder"
    assert refused.context["form"]["version"].value() == 2
    membership.refresh_from_db()
    assert (membership.role, membership.start_year) == ("founder", None)


@pytest.mark.django_db
def test_deleting_with_an_old_version_is_refused_with_a_409(client, personas, kamnik, membership):
    client.force_login(personas["coordinator"])
    client.post(url("edit-membership", kamnik, membership.pk), {"version": 1, "role": "lead"})

    response = client.post(url("edit-membership-delete", kamnik, membership.pk), {"version": 1})

    assert response.status_code == 409
    assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["", "x", "-1"])
def test_deleting_without_a_valid_version_deletes_nothing(
    client, personas, kamnik, membership, version
):
    client.force_login(personas["coordinator"])

    response = client.post(
        url("edit-membership-delete", kamnik, membership.pk), {"version": version}
    )

    assert response.status_code == 409
    assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.django_db
def test_a_deleted_membership_leaves_the_public_page_and_the_list(
    client, personas, kamnik, membership
):
    client.force_login(personas["coordinator"])

    response = client.post(
        url("edit-membership-delete", kamnik, membership.pk), {"version": 1}, follow=True
    )

    assert list(response.context["memberships"]) == []
    assert membership.network.name not in client.get(kamnik.get_absolute_url()).content.decode()
    assert Change.objects.get().action == Change.Action.DELETED


# Query counts and CSRF


def add_memberships(kamnik, count: int) -> None:
    for _number in range(count):
        make_membership(make_network(f"Network {_number}"), kamnik)
        make_municipality("Other")


@pytest.mark.django_db
def test_the_memberships_page_costs_a_fixed_number_of_queries(
    client, personas, kamnik, django_assert_num_queries
):
    client.force_login(personas["coordinator"])
    add_memberships(kamnik, 2)
    client.get(url("edit-memberships", kamnik))
    with django_assert_num_queries(6):
        client.get(url("edit-memberships", kamnik))
    add_memberships(kamnik, 10)
    with django_assert_num_queries(6):
        client.get(url("edit-memberships", kamnik))


@pytest.mark.django_db
def test_the_membership_forms_refuse_a_post_without_their_csrf_token(
    personas, kamnik, membership, alliance
):
    client = client_as(personas, "coordinator", enforce_csrf_checks=True)
    posts = [
        (url("edit-memberships", kamnik), {"network": alliance.pk, "role": "member"}),
        (url("edit-membership", kamnik, membership.pk), {"version": 1, "role": "lead"}),
        (url("edit-membership-delete", kamnik, membership.pk), {"version": 1}),
    ]
    for address, data in posts:
        assert client.post(address, data).status_code == 403, address
        assert 'name="csrfmiddlewaretoken"' in client.get(address).content.decode()
    membership.refresh_from_db()
    assert (membership.role, membership.deleted_at) == ("member", None)
    assert not Change.objects.exists()


@pytest.mark.django_db
def test_network_names_are_shown_escaped(client, personas, kamnik):
    make_membership(make_network(HOSTILE_NETWORK), kamnik)
    client.force_login(personas["coordinator"])

    html = client.get(url("edit-memberships", kamnik)).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Alliance" in html
