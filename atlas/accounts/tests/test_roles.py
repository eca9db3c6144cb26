"""Coordinator requests and staff decisions: the rules on the models, the mails the
services send, the municipality page's invitation, hostile input and query counts."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from atlas.accounts import services
from atlas.accounts.models import CoordinatorRole, StaffRole
from conftest import Client, make_coordinator, make_municipality, make_network, make_user

User = get_user_model()
HOSTILE = [
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "Ana \u202eNovak\u200f \u200e",  # right-to-left override and marks
    "line one\r\nline two\t\x1b[31mred\x07",  # control characters
]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def request_kamnik(kamnik_world, email="requester@kamnik.si", **fields):
    fields.setdefault("position", "Mayor's office")
    fields.setdefault("message", "")
    return services.request_coordinator_role(
        acting_user=make_user(email), municipality=kamnik_world["kamnik"], **fields
    )


@pytest.mark.django_db
def test_a_request_mails_the_staff_of_the_country_and_the_networks_but_not_others(
    personas, kamnik_world, mailoutbox, django_capture_on_commit_callbacks
):
    network_staff = make_user("staff@zgodovinska-mesta.si")
    StaffRole.objects.create(user=network_staff, network=kamnik_world["network"])

    with django_capture_on_commit_callbacks(execute=True):
        role = request_kamnik(kamnik_world, message="I run the twinning committee.")

    assert role.status == CoordinatorRole.Status.REQUESTED
    assert sorted(m.to[0] for m in mailoutbox) == [
        "staff@skupnostobcin.si",
        "staff@zgodovinska-mesta.si",
    ]
    assert all(len(m.to) == 1 for m in mailoutbox)  # nobody sees the others' addresses
    assert mailoutbox[0].subject == "Request to coordinate Kamnik"
    assert "I run the twinning committee." in mailoutbox[0].body
    assert reverse("accounts-requests") in mailoutbox[0].body


@pytest.mark.django_db
def test_a_request_without_staff_in_scope_goes_to_the_administrators(
    personas, kamnik_world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.request_coordinator_role(
            acting_user=make_user("someone@andechs.de"),
            municipality=kamnik_world["andechs"],
            position="Bürgermeister",
            message="",
        )

    assert [m.to for m in mailoutbox] == [["admin@example.org"]]


@pytest.mark.django_db
def test_asking_twice_while_waiting_is_refused(kamnik_world):
    role = request_kamnik(kamnik_world)

    with pytest.raises(ValidationError, match="your request is waiting"):
        services.request_coordinator_role(
            acting_user=role.user, municipality=role.municipality, position="x", message=""
        )


@pytest.mark.django_db
def test_after_a_refusal_the_person_may_ask_again(personas, kamnik_world):
    role = request_kamnik(kamnik_world)
    services.decide_coordinator_role(
        acting_user=personas["admin"], role=role, approve=False, note="Who are you?"
    )

    again = services.request_coordinator_role(
        acting_user=role.user, municipality=role.municipality, position="Mayor", message="Me."
    )

    assert again.pk != role.pk
    assert CoordinatorRole.objects.filter(user=role.user).count() == 2


@pytest.mark.django_db
def test_approval_mails_the_requester_with_the_note(
    personas, kamnik_world, mailoutbox, django_capture_on_commit_callbacks
):
    role = request_kamnik(kamnik_world)

    with django_capture_on_commit_callbacks(execute=True):
        services.decide_coordinator_role(
            acting_user=personas["staff_right_country"], role=role, approve=True, note="Welcome!"
        )

    role.refresh_from_db()
    assert role.status == CoordinatorRole.Status.APPROVED
    assert role.decided_by == personas["staff_right_country"]
    assert role.decided_at is not None
    assert [m.to for m in mailoutbox] == [["requester@kamnik.si"]]
    assert mailoutbox[0].subject == "You now coordinate Kamnik"
    assert "Welcome!" in mailoutbox[0].body


@pytest.mark.django_db
def test_refusal_mails_the_requester(
    personas, kamnik_world, mailoutbox, django_capture_on_commit_callbacks
):
    role = request_kamnik(kamnik_world)

    with django_capture_on_commit_callbacks(execute=True):
        services.decide_coordinator_role(acting_user=personas["admin"], role=role, approve=False)

    assert mailoutbox[0].subject == "Your request to coordinate Kamnik was refused"


@pytest.mark.django_db
def test_the_service_itself_refuses_a_decision_by_someone_out_of_scope(personas, kamnik_world):
    role = request_kamnik(kamnik_world)

    with pytest.raises(PermissionDenied):
        services.decide_coordinator_role(
            acting_user=personas["staff_other_country"], role=role, approve=True
        )


@pytest.mark.django_db
def test_a_municipality_can_have_several_coordinators_and_a_person_several_municipalities(
    kamnik_world,
):
    ana = make_coordinator("ana@kamnik.si", kamnik_world["kamnik"])
    make_coordinator("bor@kamnik.si", kamnik_world["kamnik"])
    CoordinatorRole.objects.create(
        user=ana,
        municipality=kamnik_world["trofaiach"],
        position="x",
        status="approved",
        decided_at="2026-01-01T00:00Z",
    )

    assert (
        CoordinatorRole.objects.approved().filter(municipality=kamnik_world["kamnik"]).count() == 2
    )
    assert CoordinatorRole.objects.approved().of(ana).count() == 2


@pytest.mark.django_db
def test_the_database_refuses_a_second_open_role_for_the_same_person_and_place(kamnik_world):
    role = request_kamnik(kamnik_world)

    with pytest.raises(IntegrityError), transaction.atomic():
        CoordinatorRole.objects.create(user=role.user, municipality=role.municipality, position="x")


@pytest.mark.django_db
def test_the_database_refuses_a_decision_without_a_date(kamnik_world):
    with pytest.raises(IntegrityError), transaction.atomic():
        CoordinatorRole.objects.create(
            user=make_user(), municipality=kamnik_world["kamnik"], position="x", status="approved"
        )


@pytest.mark.django_db
@pytest.mark.parametrize("scope", [{}, "both"])
def test_a_staff_role_has_exactly_one_scope(kamnik_world, scope):
    fields = {} if scope == {} else {"country_id": "SI", "network": kamnik_world["network"]}

    with pytest.raises(IntegrityError), transaction.atomic():
        StaffRole.objects.create(user=make_user(), **fields)


@pytest.mark.django_db
def test_deciding_rights_are_one_query_however_many_roles(
    personas, kamnik_world, django_assert_num_queries
):
    staff = personas["staff_right_country"]
    for number in range(5):
        StaffRole.objects.create(user=staff, network=make_network(f"Network {number}"))

    with django_assert_num_queries(1):
        list(CoordinatorRole.objects.decidable_by(staff))


# The municipality page's invitation.
@pytest.mark.django_db
def test_the_municipality_page_invites_visitors_to_log_in_and_members_to_ask(client, kamnik_world):
    page = kamnik_world["kamnik"].get_absolute_url()
    ask = reverse("accounts-request-role", args=[kamnik_world["kamnik"].slug])

    html = client.get(page).content.decode()
    assert "Log in to ask to coordinate it" in html
    assert f"?next={ask}" in html

    client.force_login(make_user())
    html = client.get(page).content.decode()
    assert f'href="{ask}"' in html and "Ask to coordinate Kamnik" in html

    request_kamnik(kamnik_world, email="waiting@kamnik.si")
    client.force_login(User.objects.get(email="waiting@kamnik.si"))
    assert "is waiting for association staff" in client.get(page).content.decode()


@pytest.mark.django_db
def test_the_municipality_page_tells_a_coordinator_they_coordinate_it(
    client, personas, kamnik_world
):
    client.force_login(personas["coordinator"])

    html = client.get(kamnik_world["kamnik"].get_absolute_url()).content.decode()

    assert "You coordinate Kamnik." in html


# Hostile input: stored as typed, shown escaped, never executed.
@pytest.mark.django_db
@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_in_every_field_is_stored_as_typed_and_shown_escaped(
    client, personas, kamnik_world, hostile, mailoutbox
):
    # Sign-up stores the name as typed.
    client.post(
        reverse("accounts-signup"),
        {"name": hostile, "email": "hostile@example.org", "password": "a long passphrase"},
    )
    (confirmation,) = mailoutbox
    link = re.search(r"https?://\S+", confirmation.body).group(0)
    client.post("/" + link.split("/", 3)[3])
    user = User.objects.get(email="hostile@example.org")
    assert user.first_name == hostile.strip()
    assert user.is_active

    client.force_login(user)
    client.post(
        reverse("accounts-request-role", args=[kamnik_world["kamnik"].slug]),
        {"position": hostile, "message": hostile},
    )
    role = CoordinatorRole.objects.get(user=user)
    assert role.position == hostile.strip()
    assert role.message == hostile.strip()
    # Mails are plain text: the text arrives as typed, not HTML-escaped.
    assert role.message in mailoutbox[-1].body

    staff = logged_in(personas["staff_right_country"])
    queue = staff.get(reverse("accounts-requests")).content.decode()
    staff.post(reverse("accounts-decide", args=[role.pk]), {"decision": "refuse", "note": hostile})
    role.refresh_from_db()
    assert role.decision_note == hostile.strip()

    account = client.get(reverse("account")).content.decode()
    for html in (queue, account):
        assert "<script>alert" not in html
        assert "<img src=x" not in html
    if hostile.startswith("<script>"):
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in queue
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in account
    if "\u202e" in hostile:
        assert "<bdi>Ana \u202eNovak" in queue  # isolated, so it cannot flip the page around


@pytest.mark.django_db
def test_text_longer_than_allowed_is_refused_with_a_message_and_nothing_is_stored(
    client, personas, kamnik_world
):
    client.force_login(personas["other_coordinator"])
    response = client.post(
        reverse("accounts-request-role", args=[kamnik_world["kamnik"].slug]),
        {"position": "x" * 201, "message": "y" * 2001},
    )
    html = response.content.decode()
    assert "Ensure this value has at most 200 characters (it has 201)." in html
    assert "Ensure this value has at most 2000 characters (it has 2001)." in html
    assert (
        not CoordinatorRole.objects.of(personas["other_coordinator"])
        .filter(municipality=kamnik_world["kamnik"])
        .exists()
    )

    client.logout()
    response = client.post(
        reverse("accounts-signup"), {"name": "n" * 151, "email": "a@b.org", "password": "p" * 9}
    )
    assert "at most 150 characters" in response.content.decode()

    role = request_kamnik(kamnik_world)
    staff = logged_in(personas["staff_right_country"])
    response = staff.post(
        reverse("accounts-decide", args=[role.pk]),
        {"decision": "approve", "note": "z" * 2001},
        follow=True,
    )
    assert "at most 2000 characters" in response.content.decode()
    role.refresh_from_db()
    assert role.is_pending


@pytest.mark.django_db
def test_a_null_character_is_refused_rather_than_stored(client, personas, kamnik_world):
    client.force_login(personas["other_coordinator"])

    response = client.post(
        reverse("accounts-request-role", args=[kamnik_world["kamnik"].slug]),
        {"position": "Mayor\x00", "message": ""},
    )

    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()


# Query counts: flat however many rows.
@pytest.mark.django_db
def test_the_account_page_costs_a_fixed_number_of_queries(
    client, personas, kamnik_world, django_assert_num_queries
):
    staff = personas["staff_right_country"]
    client.force_login(staff)

    def add_rows(count):
        for number in range(count):
            town = make_municipality(f"Town {number}", "SI")
            CoordinatorRole.objects.create(user=staff, municipality=town, position="x")
            CoordinatorRole.objects.create(
                user=make_user(f"p{number}-{town.pk}@example.org"), municipality=town, position="x"
            )
            StaffRole.objects.create(user=staff, network=make_network(f"Network {town.pk}"))

    add_rows(2)
    client.get(reverse("account"))
    # Session, user, staff roles, pending count, open dataset conflicts, coordinator roles.
    with django_assert_num_queries(6):
        client.get(reverse("account"))
    add_rows(8)
    with django_assert_num_queries(6):
        client.get(reverse("account"))


@pytest.mark.django_db
def test_the_request_queue_costs_a_fixed_number_of_queries(
    client, personas, kamnik_world, django_assert_num_queries
):
    client.force_login(personas["staff_right_country"])

    def add_requests(count):
        for number in range(count):
            CoordinatorRole.objects.create(
                user=make_user(f"person{number}-{CoordinatorRole.objects.count()}@example.org"),
                municipality=make_municipality(f"Town {number}", "SI"),
                position="x",
                message="y",
            )

    add_requests(2)
    client.get(reverse("accounts-requests"))
    # Session, user, staff check, count for the paginator, the page of requests.
    with django_assert_num_queries(5):
        client.get(reverse("accounts-requests"))
    add_requests(8)
    with django_assert_num_queries(5):
        response = client.get(reverse("accounts-requests"))
    assert len(response.context["page"]) == 10


@pytest.mark.django_db
def test_the_municipality_page_costs_one_more_query_for_a_member(
    client, kamnik_world, django_assert_num_queries
):
    page = kamnik_world["kamnik"].get_absolute_url()
    client.get(page)
    with django_assert_num_queries(9):  # as in atlas/directory/tests/test_pages.py
        client.get(page)

    client.force_login(make_user())
    client.get(page)
    with django_assert_num_queries(9 + 3):  # session, user, the visitor's role
        client.get(page)
