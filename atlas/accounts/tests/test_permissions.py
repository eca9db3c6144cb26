"""Who may do what: the permission matrix of every view that writes, with the personas
around Kamnik (conftest.personas), and CSRF on every form."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from atlas.accounts.models import CoordinatorRole, StaffRole
from conftest import (
    DEFAULT_PASSWORD,
    LOGIN,
    PERSONAS,
    Client,
    assert_outcome,
    client_as,
    make_network,
    make_user,
)

User = get_user_model()


@pytest.fixture
def pending(kamnik_world):
    """A request to coordinate Kamnik, waiting for a decision."""
    return CoordinatorRole.objects.create(
        user=make_user("requester@kamnik.si"),
        municipality=kamnik_world["kamnik"],
        position="Office for international cooperation",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected", "creates"),
    [
        ("anonymous", LOGIN, False),
        ("coordinator", 200, False),  # already coordinates Kamnik: told so, nothing new
        ("other_coordinator", "account", True),
        ("staff_other_country", "account", True),
        ("staff_right_country", "account", True),
        ("admin", "account", True),
    ],
)
def test_asking_to_coordinate_kamnik(personas, kamnik_world, persona, expected, creates):
    client = client_as(personas, persona)
    before = CoordinatorRole.objects.count()

    response = client.post(
        reverse("accounts-request-role", args=[kamnik_world["kamnik"].slug]),
        {"position": "Mayor's office", "message": ""},
    )

    assert_outcome(response, reverse(expected) if expected == "account" else expected)
    assert CoordinatorRole.objects.count() == before + int(creates)
    if persona == "coordinator":
        assert "You coordinate Kamnik." in response.content.decode()


@pytest.mark.django_db
def test_asking_to_coordinate_an_unknown_municipality_is_a_404(personas):
    client = client_as(personas, "other_coordinator")

    response = client.post(reverse("accounts-request-role", args=["atlantis"]), {"position": "x"})

    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("decision", ["approve", "refuse"])
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", LOGIN),
        ("coordinator", 403),
        ("other_coordinator", 403),
        ("staff_other_country", 403),
        ("staff_right_country", "queue"),
        ("admin", "queue"),
    ],
)
def test_deciding_on_a_request_for_kamnik(personas, pending, persona, expected, decision):
    client = client_as(personas, persona)

    response = client.post(
        reverse("accounts-decide", args=[pending.pk]), {"decision": decision, "note": ""}
    )

    assert_outcome(response, reverse("accounts-requests") if expected == "queue" else expected)
    pending.refresh_from_db()
    if expected == "queue":
        assert pending.status == ("approved" if decision == "approve" else "refused")
        assert pending.decided_by == personas[persona]
    else:
        assert pending.status == "requested"
        assert pending.decided_by is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected", "sees_kamnik"),
    [
        ("anonymous", LOGIN, False),
        ("coordinator", 403, False),
        ("other_coordinator", 403, False),
        ("staff_other_country", 200, False),
        ("staff_right_country", 200, True),
        ("admin", 200, True),
    ],
)
def test_the_request_queue(personas, pending, persona, expected, sees_kamnik):
    response = client_as(personas, persona).get(reverse("accounts-requests"))

    assert_outcome(response, expected)
    if expected == 200:
        shown = list(response.context["page"])
        assert (pending in shown) is sees_kamnik


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_deleting_an_account_deletes_only_ones_own(personas, persona):
    client = client_as(personas, persona)
    before = User.objects.count()

    response = client.post(reverse("accounts-delete"), {"password": DEFAULT_PASSWORD})

    if persona == "anonymous":
        assert_outcome(response, LOGIN)
        assert User.objects.count() == before
    else:
        assert_outcome(response, reverse("home"))
        assert User.objects.count() == before - 1
        assert not User.objects.filter(pk=personas[persona].pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_downloading_personal_data_gives_only_ones_own(personas, persona):
    response = client_as(personas, persona).get(reverse("accounts-data"))

    if persona == "anonymous":
        assert_outcome(response, LOGIN)
    else:
        assert response.status_code == 200
        assert response.json()["account"]["email"] == personas[persona].email
        for other in PERSONAS:
            if other not in {persona, "anonymous"}:
                assert personas[other].email not in response.content.decode()


@pytest.mark.django_db
def test_deciding_on_an_unknown_request_is_a_404(personas):
    response = client_as(personas, "admin").post(
        reverse("accounts-decide", args=[999999]), {"decision": "approve"}
    )

    assert response.status_code == 404


@pytest.mark.django_db
def test_deciding_takes_only_a_post(personas, pending):
    response = client_as(personas, "admin").get(reverse("accounts-decide", args=[pending.pk]))

    assert response.status_code == 405


@pytest.mark.django_db
def test_staff_of_a_network_decide_for_its_members_only(client, kamnik_world, pending):
    member_staff = make_user("staff@zgodovinska-mesta.si")
    StaffRole.objects.create(user=member_staff, network=kamnik_world["network"])
    other_staff = make_user("staff@douzelage.eu")
    StaffRole.objects.create(user=other_staff, network=make_network("Douzelage"))

    assert pending.can_be_decided_by(member_staff)
    assert not pending.can_be_decided_by(other_staff)
    client.force_login(other_staff)
    assert (
        client.post(reverse("accounts-decide", args=[pending.pk]), {"decision": "approve"})
    ).status_code == 403


@pytest.mark.django_db
def test_staff_may_not_approve_their_own_request(client, personas, kamnik_world):
    staff = personas["staff_right_country"]
    own = CoordinatorRole.objects.create(
        user=staff, municipality=kamnik_world["kamnik"], position="Mayor"
    )
    client.force_login(staff)

    response = client.post(reverse("accounts-decide", args=[own.pk]), {"decision": "approve"})

    assert response.status_code == 403
    own.refresh_from_db()
    assert own.is_pending


@pytest.mark.django_db
def test_a_decided_request_cannot_be_decided_again(client, personas, pending):
    client.force_login(personas["staff_right_country"])
    url = reverse("accounts-decide", args=[pending.pk])
    client.post(url, {"decision": "refuse"})

    response = client.post(url, {"decision": "approve"}, follow=True)

    assert "This request was already decided." in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == "refused"


@pytest.mark.django_db
def test_a_decision_must_be_approve_or_refuse(client, personas, pending):
    client.force_login(personas["admin"])

    response = client.post(reverse("accounts-decide", args=[pending.pk]), {"decision": "maybe"})

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.is_pending


# CSRF: every form that writes refuses a post without the token.
@pytest.mark.django_db
def test_every_form_refuses_a_post_without_its_csrf_token(personas, pending, kamnik_world):
    anonymous = Client(enforce_csrf_checks=True)
    for name, args in [
        ("accounts-signup", []),
        ("accounts-login", []),
        ("password_reset", []),
        ("accounts-confirm", ["any-token"]),
        ("password_reset_confirm", ["MQ", "set-password"]),
    ]:
        assert anonymous.post(reverse(name, args=args), {}).status_code == 403, name

    member = Client(enforce_csrf_checks=True)
    member.force_login(personas["admin"])
    for name, args in [
        ("accounts-request-role", [kamnik_world["kamnik"].slug]),
        ("accounts-decide", [pending.pk]),
        ("accounts-delete", []),
        ("accounts-logout", []),
    ]:
        assert member.post(reverse(name, args=args), {}).status_code == 403, name
    pending.refresh_from_db()
    assert pending.is_pending
    assert User.objects.filter(pk=personas["admin"].pk).exists()


@pytest.mark.django_db
def test_every_form_carries_a_csrf_token(personas, pending, kamnik_world):
    client = Client()
    pages = [reverse("accounts-signup"), reverse("accounts-login"), reverse("password_reset")]
    for page in pages:
        assert 'name="csrfmiddlewaretoken"' in client.get(page).content.decode(), page
    client.force_login(personas["admin"])
    for page in [
        reverse("accounts-request-role", args=[kamnik_world["kamnik"].slug]),
        reverse("accounts-requests"),
        reverse("accounts-delete"),
        reverse("home"),  # the logout button in the header
    ]:
        assert 'name="csrfmiddlewaretoken"' in client.get(page).content.decode(), page
