"""Proposing a partnership, and the partner confirming, refusing or the proposer
withdrawing it: who may, what is checked, who is told, and that nothing is public before
the partner confirms."""

import pytest
from django.core import mail
from django.urls import reverse

from atlas.directory.models import Change, DataStamp, Partnership, PartnershipProposal, Source
from atlas.editing import proposals
from atlas.editing.tests.partnership_helpers import (
    HOSTILE_ATTRIBUTE,
    HOSTILE_SCRIPT,
    RIGHT_TO_LEFT,
    assert_shown_escaped,
    edit_url,
    make_proposal,
)
from conftest import (
    EDIT_MATRIX,
    LOGIN,
    OK,
    Client,
    assert_outcome,
    client_as,
    make_coordinator,
    make_municipality,
    make_partnership,
    make_staff,
)

pytestmark = pytest.mark.django_db
Status = PartnershipProposal.Status


@pytest.fixture
def sherborne(kamnik_world):
    """A town with no partnership with Kamnik, and a coordinator of its own."""
    town = make_municipality("Sherborne", "GB", latitude=50.95, longitude=-2.52)
    make_coordinator("coordinator@sherborne.gb", town)
    return town


def proposal_data(town, **fields):
    return {
        "partner_name": town.name,
        "partner": town.slug,
        "kind": "twinning",
        "start_year": "",
        "message": "We met at the Douzelage meeting.",
        **fields,
    }


def post_proposal(client, proposer, town, **fields):
    return client.post(
        edit_url("edit-partnership-propose", proposer), proposal_data(town, **fields)
    )


# The permission matrix


@pytest.mark.parametrize(("persona", "expected"), EDIT_MATRIX)
def test_proposing_a_partnership_for_kamnik(personas, kamnik_world, sherborne, persona, expected):
    kamnik = kamnik_world["kamnik"]

    response = post_proposal(client_as(personas, persona), kamnik, sherborne)

    if expected == LOGIN:
        assert_outcome(response, LOGIN)
    elif expected == OK:
        assert response.status_code == 302
        assert response["Location"] == edit_url("edit-partnerships", kamnik)
        proposal = PartnershipProposal.objects.get()
        assert (proposal.proposer, proposal.partner) == (kamnik, sherborne)
        assert proposal.status == Status.PENDING
        assert proposal.proposed_by == personas[persona]
    else:
        assert response.status_code == expected
    if expected != OK:
        assert not PartnershipProposal.objects.exists()


@pytest.fixture
def from_andechs(kamnik_world):
    """Andechs (no coordinator, Germany: no staff here) proposes a friendship to Kamnik."""
    return make_proposal(kamnik_world["andechs"], kamnik_world["kamnik"], start_year=2019)


@pytest.mark.parametrize(("persona", "expected"), EDIT_MATRIX)
def test_confirming_a_proposal_received_by_kamnik(
    personas, kamnik_world, from_andechs, persona, expected
):
    kamnik = kamnik_world["kamnik"]

    response = client_as(personas, persona).post(
        edit_url("edit-proposal-confirm", kamnik, from_andechs.pk)
    )

    from_andechs.refresh_from_db()
    friendship = Partnership.objects.filter(kind=Partnership.Kind.FRIENDSHIP)
    if expected == LOGIN:
        assert_outcome(response, LOGIN)
    elif expected == OK:
        assert response.status_code == 302
        assert response["Location"] == edit_url("edit-partnerships", kamnik)
        assert from_andechs.status == Status.CONFIRMED
        assert from_andechs.decided_by == personas[persona]
        assert from_andechs.partnership == friendship.get()
    else:
        assert response.status_code == expected
    if expected != OK:
        assert from_andechs.status == Status.PENDING
        assert not friendship.exists()


@pytest.mark.parametrize(("persona", "expected"), EDIT_MATRIX)
def test_refusing_a_proposal_received_by_kamnik(
    personas, kamnik_world, from_andechs, persona, expected
):
    kamnik = kamnik_world["kamnik"]

    response = client_as(personas, persona).post(
        edit_url("edit-proposal-refuse", kamnik, from_andechs.pk)
    )

    from_andechs.refresh_from_db()
    if expected == LOGIN:
        assert_outcome(response, LOGIN)
    elif expected == OK:
        assert response.status_code == 302
        assert from_andechs.status == Status.REFUSED
        assert from_andechs.decided_by == personas[persona]
        assert from_andechs.decided_at is not None
    else:
        assert response.status_code == expected
    if expected != OK:
        assert from_andechs.status == Status.PENDING
    assert not Partnership.objects.filter(kind=Partnership.Kind.FRIENDSHIP).exists()


@pytest.mark.parametrize(("persona", "expected"), EDIT_MATRIX)
def test_withdrawing_a_proposal_made_by_kamnik(personas, kamnik_world, persona, expected):
    kamnik = kamnik_world["kamnik"]
    proposal = make_proposal(kamnik, kamnik_world["andechs"])

    response = client_as(personas, persona).post(
        edit_url("edit-proposal-withdraw", kamnik, proposal.pk)
    )

    proposal.refresh_from_db()
    if expected == LOGIN:
        assert_outcome(response, LOGIN)
    elif expected == OK:
        assert response.status_code == 302
        assert proposal.status == Status.WITHDRAWN
        assert proposal.decided_by == personas[persona]
    else:
        assert response.status_code == expected
        assert proposal.status == Status.PENDING


def test_the_partner_s_coordinator_confirms_a_proposal_that_the_proposer_cannot(
    personas, kamnik_world
):
    kamnik, trofaiach = kamnik_world["kamnik"], kamnik_world["trofaiach"]
    proposal = make_proposal(kamnik, trofaiach)
    confirm_at_trofaiach = edit_url("edit-proposal-confirm", trofaiach, proposal.pk)
    confirm_at_kamnik = edit_url("edit-proposal-confirm", kamnik, proposal.pk)

    # Kamnik's coordinator may not act for Trofaiach, and Kamnik did not receive it.
    assert client_as(personas, "coordinator").post(confirm_at_trofaiach).status_code == 403
    assert client_as(personas, "coordinator").post(confirm_at_kamnik).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == Status.PENDING

    response = client_as(personas, "other_coordinator").post(confirm_at_trofaiach)

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.CONFIRMED
    assert proposal.decided_by == personas["other_coordinator"]


def test_only_the_proposer_side_withdraws(personas, kamnik_world):
    kamnik, trofaiach = kamnik_world["kamnik"], kamnik_world["trofaiach"]
    proposal = make_proposal(kamnik, trofaiach)
    other = client_as(personas, "other_coordinator")

    assert other.post(edit_url("edit-proposal-withdraw", trofaiach, proposal.pk)).status_code == 404
    assert other.post(edit_url("edit-proposal-withdraw", kamnik, proposal.pk)).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == Status.PENDING


@pytest.mark.parametrize("view", ["confirm", "refuse", "withdraw"])
def test_an_unknown_or_decided_proposal_is_a_404(personas, kamnik_world, from_andechs, view):
    kamnik = kamnik_world["kamnik"]
    admin = client_as(personas, "admin")
    PartnershipProposal.objects.filter(pk=from_andechs.pk).update(status=Status.REFUSED)

    assert admin.post(edit_url(f"edit-proposal-{view}", kamnik, 999999)).status_code == 404
    assert admin.post(edit_url(f"edit-proposal-{view}", kamnik, from_andechs.pk)).status_code == 404
    assert admin.post(reverse(f"edit-proposal-{view}", args=["atlantis", 1])).status_code == 404


@pytest.mark.parametrize("view", ["confirm", "refuse", "withdraw"])
def test_deciding_is_post_only(personas, kamnik_world, from_andechs, view):
    response = client_as(personas, "admin").get(
        edit_url(f"edit-proposal-{view}", kamnik_world["kamnik"], from_andechs.pk)
    )

    assert response.status_code == 405


def test_the_propose_page_and_the_list_are_for_those_who_may_edit(personas, kamnik_world):
    kamnik = kamnik_world["kamnik"]
    for name in ("edit-partnership-propose", "edit-partnerships"):
        assert client_as(personas, "coordinator").get(edit_url(name, kamnik)).status_code == 200
        assert client_as(personas, "other_coordinator").get(edit_url(name, kamnik)).status_code == (
            403
        )
        assert_outcome(client_as(personas, "anonymous").get(edit_url(name, kamnik)), LOGIN)
        assert client_as(personas, "admin").get(reverse(name, args=["atlantis"])).status_code == 404


# What a proposal checks


def test_a_municipality_cannot_propose_itself(personas, kamnik_world):
    kamnik = kamnik_world["kamnik"]

    response = post_proposal(client_as(personas, "coordinator"), kamnik, kamnik)

    assert response.status_code == 200
    assert "A municipality cannot be its own partner." in response.content.decode()
    assert not PartnershipProposal.objects.exists()


def test_an_existing_partnership_of_the_same_kind_is_refused(personas, kamnik_world):
    kamnik, trofaiach = kamnik_world["kamnik"], kamnik_world["trofaiach"]
    client = client_as(personas, "coordinator")

    refused = post_proposal(client, kamnik, trofaiach, kind="twinning")
    allowed = post_proposal(client, kamnik, trofaiach, kind="friendship")

    assert refused.status_code == 200
    assert "Trofaiach is already a partner of Kamnik" in refused.content.decode()
    assert allowed.status_code == 302
    assert PartnershipProposal.objects.get().kind == "friendship"


def test_a_deleted_partnership_does_not_stand_in_the_way(personas, kamnik_world):
    kamnik, trofaiach = kamnik_world["kamnik"], kamnik_world["trofaiach"]
    Partnership.objects.involving(trofaiach).update(deleted_at="2025-01-01T00:00:00Z")

    response = post_proposal(client_as(personas, "coordinator"), kamnik, trofaiach)

    assert response.status_code == 302


def test_a_pending_duplicate_is_refused_in_either_direction(personas, kamnik_world, sherborne):
    kamnik = kamnik_world["kamnik"]
    make_proposal(kamnik, sherborne, kind="twinning")
    make_proposal(sherborne, kamnik, kind="cooperation")
    client = client_as(personas, "coordinator")

    same = post_proposal(client, kamnik, sherborne, kind="twinning")
    reverse_direction = post_proposal(client, kamnik, sherborne, kind="cooperation")
    other_kind = post_proposal(client, kamnik, sherborne, kind="project")

    assert "Kamnik has already proposed this partnership to Sherborne" in same.content.decode()
    assert "Sherborne has already proposed this partnership to Kamnik" in (
        reverse_direction.content.decode()
    )
    assert other_kind.status_code == 302
    assert PartnershipProposal.objects.count() == 3


def test_a_refused_proposal_may_be_made_again(personas, kamnik_world, sherborne):
    kamnik = kamnik_world["kamnik"]
    make_proposal(kamnik, sherborne, kind="twinning", status=Status.REFUSED)

    response = post_proposal(client_as(personas, "coordinator"), kamnik, sherborne)

    assert response.status_code == 302
    assert PartnershipProposal.objects.filter(status=Status.PENDING).count() == 1


def test_without_javascript_the_partner_is_found_by_its_name(personas, kamnik_world, sherborne):
    kamnik = kamnik_world["kamnik"]

    response = post_proposal(
        client_as(personas, "coordinator"), kamnik, sherborne, partner="", partner_name="sherborne"
    )

    assert response.status_code == 302
    assert PartnershipProposal.objects.get().partner == sherborne


def test_a_name_of_several_places_offers_them_to_choose(personas, kamnik_world):
    kamnik = kamnik_world["kamnik"]
    first = make_municipality("Neustadt", "DE")
    second = make_municipality("Neustadt", "AT")
    client = client_as(personas, "coordinator")

    response = post_proposal(client, kamnik, first, partner="", partner_name="Neustadt")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Several places match this name: choose one." in page
    assert f'value="{first.slug}"' in page and f'value="{second.slug}"' in page
    assert not PartnershipProposal.objects.exists()

    chosen = post_proposal(client, kamnik, second, partner=second.slug, partner_name="Neustadt")

    assert chosen.status_code == 302
    assert PartnershipProposal.objects.get().partner == second


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"partner": "", "partner_name": ""}, "Type the name of the partner municipality."),
        ({"partner": "", "partner_name": "Atlantis"}, "No place in the atlas has this name."),
        ({"partner": "no-such-place", "partner_name": "x"}, "This place is not in the atlas."),
        ({"partner": "<script>", "partner_name": "x"}, "This place is not in the atlas."),
        ({"partner": "a\x00b", "partner_name": "x"}, "This place is not in the atlas."),
        ({"kind": "marriage"}, "Select a valid choice."),
        ({"start_year": "1066"}, "greater than or equal to 1800"),
        ({"start_year": "2999"}, "Give a year up to"),
        ({"start_year": "abc"}, "Enter a whole number."),
    ],
)
def test_bad_proposals_are_field_errors(personas, kamnik_world, sherborne, fields, error):
    response = post_proposal(
        client_as(personas, "coordinator"), kamnik_world["kamnik"], sherborne, **fields
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not PartnershipProposal.objects.exists()


# Hostile input in the message


@pytest.mark.parametrize("message", [HOSTILE_SCRIPT, HOSTILE_ATTRIBUTE, RIGHT_TO_LEFT])
def test_a_hostile_message_is_stored_as_typed_and_shown_escaped(personas, kamnik_world, message):
    kamnik, trofaiach = kamnik_world["kamnik"], kamnik_world["trofaiach"]

    response = post_proposal(
        client_as(personas, "coordinator"), kamnik, trofaiach, kind="friendship", message=message
    )

    assert response.status_code == 302
    assert PartnershipProposal.objects.get().message == message
    page = client_as(personas, "other_coordinator").get(edit_url("edit-partnerships", trofaiach))
    html = page.content.decode()
    assert_shown_escaped(html, message)


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("x" * 2001, "Ensure this value has at most 2000 characters (it has 2001)."),
        ("hello\x00", "Null characters are not allowed."),
    ],
)
def test_an_overlong_or_binary_message_is_a_field_error(personas, kamnik_world, message, error):
    response = post_proposal(
        client_as(personas, "coordinator"),
        kamnik_world["kamnik"],
        kamnik_world["trofaiach"],
        kind="friendship",
        message=message,
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not PartnershipProposal.objects.exists()


# Who is told


def test_the_partner_s_coordinators_are_mailed_without_the_proposer_s_address(
    personas, kamnik_world, sherborne, mailoutbox
):
    make_coordinator("second@sherborne.gb", sherborne)

    post_proposal(client_as(personas, "coordinator"), kamnik_world["kamnik"], sherborne)

    proposal = PartnershipProposal.objects.get()
    assert sorted(m.to[0] for m in mailoutbox) == [
        "coordinator@sherborne.gb",
        "second@sherborne.gb",
    ]
    assert all(len(m.to) == 1 for m in mailoutbox)
    body = mailoutbox[0].body
    assert mailoutbox[0].subject == "Kamnik proposes a partnership with Sherborne"
    assert "We met at the Douzelage meeting." in body
    assert f"{edit_url('edit-partnerships', sherborne)}#proposal-{proposal.pk}" in body
    assert "coordinator@kamnik.si" not in body
    assert "@" not in body.split("--")[0]


def test_without_coordinators_the_staff_of_the_partner_s_country_are_mailed(
    personas, kamnik_world, mailoutbox
):
    make_staff("staff@staedtetag.de", country="DE")

    post_proposal(
        client_as(personas, "coordinator"), kamnik_world["kamnik"], kamnik_world["andechs"],
        kind="friendship",
    )  # fmt: skip

    assert [m.to for m in mailoutbox] == [["staff@staedtetag.de"]]


def test_confirming_mails_the_proposer_side(personas, kamnik_world, mailoutbox):
    kamnik, trofaiach = kamnik_world["kamnik"], kamnik_world["trofaiach"]
    proposal = make_proposal(kamnik, trofaiach, proposed_by=personas["staff_right_country"])

    client_as(personas, "other_coordinator").post(
        edit_url("edit-proposal-confirm", trofaiach, proposal.pk)
    )

    assert sorted(m.to[0] for m in mailoutbox) == [
        "coordinator@kamnik.si",
        "staff@skupnostobcin.si",
    ]
    assert mailoutbox[0].subject == "Trofaiach confirmed the partnership"
    assert "coordinator@trofaiach.at" not in mailoutbox[0].body


def test_refusing_mails_the_proposer_side_and_withdrawing_mails_nobody(
    personas, kamnik_world, mailoutbox
):
    kamnik, trofaiach = kamnik_world["kamnik"], kamnik_world["trofaiach"]
    refused = make_proposal(kamnik, trofaiach)
    withdrawn = make_proposal(kamnik, trofaiach, kind="cooperation")

    client_as(personas, "other_coordinator").post(
        edit_url("edit-proposal-refuse", trofaiach, refused.pk)
    )
    client_as(personas, "coordinator").post(
        edit_url("edit-proposal-withdraw", kamnik, withdrawn.pk)
    )

    assert [m.to for m in mailoutbox] == [["coordinator@kamnik.si"]]
    assert mailoutbox[0].subject == "Trofaiach refused the proposed partnership"


# What confirming does


def test_confirming_creates_an_ordered_active_partnership_from_the_coordinators(
    personas, kamnik_world
):
    andechs, kamnik = kamnik_world["andechs"], kamnik_world["kamnik"]
    proposal = make_proposal(andechs, kamnik, start_year=2019)
    before = DataStamp.current()

    partnership = proposals.confirm(acting_user=personas["coordinator"], proposal=proposal)

    assert partnership.municipality_a.pk < partnership.municipality_b.pk
    assert {partnership.municipality_a, partnership.municipality_b} == {andechs, kamnik}
    assert partnership.external_id == f"atlas:proposal:{proposal.pk}"
    assert partnership.status == Partnership.Status.ACTIVE
    assert partnership.kind == Partnership.Kind.FRIENDSHIP
    assert partnership.start_year == 2019
    assert list(partnership.sources.all()) == [Source.coordinators()]
    change = Change.objects.get(object_id=partnership.pk)
    assert change.action == Change.Action.CREATED
    assert change.user == personas["coordinator"]
    assert DataStamp.current() > before


def test_confirming_restores_a_deleted_partnership_of_the_same_pair_and_kind(
    personas, kamnik_world
):
    kamnik, trofaiach = kamnik_world["kamnik"], kamnik_world["trofaiach"]
    old = Partnership.objects.involving(trofaiach).get()
    Partnership.objects.filter(pk=old.pk).update(
        deleted_at="2025-01-01T00:00:00Z", status="ended", end_year=2010
    )
    proposal = make_proposal(trofaiach, kamnik, kind="twinning", start_year=2021)

    partnership = proposals.confirm(acting_user=personas["coordinator"], proposal=proposal)

    assert partnership.pk == old.pk
    old.refresh_from_db()
    assert old.deleted_at is None
    assert (old.status, old.start_year, old.end_year) == ("active", 2021, None)
    assert Source.coordinators() in old.sources.all()
    assert list(
        Change.objects.filter(object_id=old.pk).order_by("pk").values_list("action", flat=True)
    ) == ["restored", "changed"]


def test_a_proposal_decided_meanwhile_cannot_be_decided_again(personas, kamnik_world):
    kamnik = kamnik_world["kamnik"]
    proposal = make_proposal(kamnik_world["andechs"], kamnik)
    proposals.refuse(acting_user=personas["admin"], proposal=proposal)

    with pytest.raises(Exception, match="already refused"):
        proposals.confirm(acting_user=personas["coordinator"], proposal=proposal)
    assert not Partnership.objects.filter(kind="friendship").exists()


# Not public until confirmed


def public_pages(client, kamnik, other):
    return {
        "kamnik": client.get(kamnik.get_absolute_url()).content.decode(),
        "other": client.get(other.get_absolute_url()).content.decode(),
        "list": client.get(reverse("partnerships")).content.decode(),
        "map": client.get(f"/map/data/towns/{kamnik.pk}.json").json()["name"],
    }


def test_a_proposal_is_public_only_once_confirmed(personas, kamnik_world, sherborne):
    kamnik = kamnik_world["kamnik"]
    public = Client()
    post_proposal(client_as(personas, "coordinator"), kamnik, sherborne, message="Secret plans")

    before = public_pages(public, kamnik, sherborne)

    assert "Sherborne" not in before["kamnik"]
    assert "Kamnik" not in before["other"].split("<main")[1].split("coordinate-heading")[0]
    assert "Sherborne" not in before["list"]
    assert "Sherborne" not in before["map"]
    assert "Secret plans" not in before["kamnik"] + before["other"] + before["list"]

    proposal = PartnershipProposal.objects.get()
    sherborne_coordinator = Client()
    sherborne_coordinator.force_login(make_coordinator_user(sherborne))
    sherborne_coordinator.post(edit_url("edit-proposal-confirm", sherborne, proposal.pk))

    after = public_pages(public, kamnik, sherborne)

    assert "Sherborne" in after["kamnik"]
    assert f'href="{kamnik.get_absolute_url()}"' in after["other"]
    assert "Sherborne" in after["list"]
    assert "Sherborne" in after["map"]
    proposal.refresh_from_db()
    partnership = Partnership.objects.get(pk=proposal.partnership_id)
    assert public.get(reverse("partnership", args=[partnership.pk])).status_code == 200


def make_coordinator_user(municipality):
    from atlas.accounts.models import CoordinatorRole

    return CoordinatorRole.objects.get(municipality=municipality).user


# CSRF and the query count


@pytest.mark.parametrize("view", ["propose", "confirm", "refuse", "withdraw"])
def test_each_proposal_form_needs_its_csrf_token(personas, kamnik_world, sherborne, view):
    kamnik = kamnik_world["kamnik"]
    client = client_as(personas, "admin", enforce_csrf_checks=True)
    received = make_proposal(kamnik_world["andechs"], kamnik)
    made = make_proposal(kamnik, kamnik_world["trofaiach"])
    url = {
        "propose": edit_url("edit-partnership-propose", kamnik),
        "confirm": edit_url("edit-proposal-confirm", kamnik, received.pk),
        "refuse": edit_url("edit-proposal-refuse", kamnik, received.pk),
        "withdraw": edit_url("edit-proposal-withdraw", kamnik, made.pk),
    }[view]

    response = client.post(url, proposal_data(sherborne))

    assert response.status_code == 403
    assert PartnershipProposal.objects.filter(status=Status.PENDING).count() == 2
    assert not mail.outbox


def test_the_partnerships_page_costs_the_same_queries_however_many_rows(
    personas, kamnik_world, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    kamnik = kamnik_world["kamnik"]
    client = client_as(personas, "coordinator")
    url = edit_url("edit-partnerships", kamnik)

    def add_rows(count: int) -> None:
        for number in range(count):
            other = make_municipality(f"Twin {count} {number}", "IT")
            make_partnership(kamnik, other, status="active")
            make_proposal(kamnik, other, kind="cooperation")
            make_proposal(other, kamnik, kind="project")
            make_proposal(other, kamnik, kind="friendship", status=Status.REFUSED)

    add_rows(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add_rows(20)
    with django_assert_num_queries(len(few)):
        response = client.get(url)
    assert response.content.decode().count("Confirm the partnership with") == 22
