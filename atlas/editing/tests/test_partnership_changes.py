"""Both sides own a partnership: a change to its kind, status, dates or areas of
cooperation by one side waits for the other side's confirmation when it has coordinators,
and applies at once with a notice when it has none. The notes are each side's own and
apply at once. Who may propose, confirm, refuse and withdraw such a change; out-of-date
proposals; mails; hostile messages; query counts; and a walk through it in a browser."""

import pytest
from django.test import Client
from django.urls import reverse

from atlas.accounts.models import StaffRole
from atlas.directory.models import Change, Partnership, PartnershipProposal
from atlas.editing import proposals
from atlas.editing.tests.partnership_helpers import (
    HOSTILE_ATTRIBUTE,
    HOSTILE_SCRIPT,
    RIGHT_TO_LEFT,
    assert_shown_escaped,
    edit_url,
    pair,
)
from conftest import (
    DEFAULT_PASSWORD,
    LOGIN,
    OK,
    assert_outcome,
    client_as,
    make_coordinator,
    make_country,
    make_municipality,
    make_partnership,
    make_staff,
    make_theme,
)

pytestmark = pytest.mark.django_db
Status = PartnershipProposal.Status


@pytest.fixture
def everyone(personas, kamnik_world):
    """The personas around Kamnik, and Andechs's side: its coordinator and staff for
    Germany. Andechs has a coordinator, so Kamnik's changes wait for Andechs."""
    return {
        **personas,
        "partner_coordinator": make_coordinator("coordinator@andechs.de", kamnik_world["andechs"]),
        "staff_partner_country": make_staff("staff@staedtetag.de", country="DE"),
    }


@pytest.fixture
def kamnik_andechs(kamnik_world):
    return pair(kamnik_world["kamnik"], kamnik_world["andechs"])


@pytest.fixture
def culture(db):
    return make_theme("culture", "Culture")


def partnership_data(partnership, **fields):
    themes = list(partnership.themes.values_list("pk", flat=True))
    return {
        "version": partnership.version,
        "kind": partnership.kind,
        "status": partnership.status,
        "start_year": partnership.start_year or "",
        "start_date": partnership.start_date or "",
        "end_year": partnership.end_year or "",
        "end_date": partnership.end_date or "",
        "themes": themes,
        "notes": partnership.notes,
        **fields,
    }


def post_edit(client, municipality, partnership, **fields):
    return client.post(
        edit_url("edit-partnership", municipality, partnership.pk),
        partnership_data(partnership, **fields),
    )


def propose_culture(everyone, kamnik_world, kamnik_andechs, culture, persona="coordinator"):
    """Kamnik's side proposes Culture as an area of cooperation with Andechs."""
    response = post_edit(
        client_as(everyone, persona), kamnik_world["kamnik"], kamnik_andechs, themes=[culture.pk]
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return PartnershipProposal.objects.get(status=Status.PENDING)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# The repro: Kamnik changes the areas of cooperation of its partnership with Andechs


def test_kamnik_s_change_waits_for_andechs_who_is_asked_by_mail(
    everyone, kamnik_world, kamnik_andechs, culture, mailoutbox
):
    kamnik = kamnik_world["kamnik"]

    response = post_edit(
        client_as(everyone, "coordinator"),
        kamnik,
        kamnik_andechs,
        themes=[culture.pk],
        message="We added the choir.",
    )

    assert response.status_code == 302
    assert response["Location"] == edit_url("edit-partnerships", kamnik)
    kamnik_andechs.refresh_from_db()
    assert list(kamnik_andechs.themes.all()) == []
    assert kamnik_andechs.version == 1
    assert not Change.objects.exists()
    proposal = PartnershipProposal.objects.get()
    assert proposal.is_change
    assert (proposal.proposer, proposal.partner) == (kamnik, kamnik_world["andechs"])
    assert proposal.partnership == kamnik_andechs
    assert (proposal.values, proposal.before) == ({"themes": [culture.pk]}, {"themes": []})
    assert proposal.base_version == 1
    assert proposal.status == Status.PENDING
    assert proposal.message == "We added the choir."
    assert proposal.proposed_by == everyone["coordinator"]
    # Andechs's coordinator is asked, and sees nobody's address.
    assert [m.to for m in mailoutbox] == [["coordinator@andechs.de"]]
    sent = mailoutbox[0]
    assert sent.subject == "Kamnik proposes a change to its partnership with Andechs"
    assert "Areas of cooperation: — → Culture" in sent.body
    assert "We added the choir." in sent.body
    assert edit_url("edit-partnerships", kamnik_world["andechs"]) in sent.body
    assert "coordinator@kamnik.si" not in sent.body


def test_after_saving_the_proposer_reads_that_it_waits_for_andechs(
    everyone, kamnik_world, kamnik_andechs, culture
):
    kamnik = kamnik_world["kamnik"]
    client = client_as(everyone, "coordinator")

    response = client.post(
        edit_url("edit-partnership", kamnik, kamnik_andechs.pk),
        partnership_data(kamnik_andechs, themes=[culture.pk]),
        follow=True,
    )

    assert any("Proposed, waiting for Andechs" in m for m in messages_of(response))
    html = response.content.decode()
    assert "Proposed, waiting for Andechs" in html  # the list of proposals made
    assert "Culture" in html
    edit_page = client.get(edit_url("edit-partnership", kamnik, kamnik_andechs.pk))
    assert "Proposed by Kamnik, waiting for Andechs" in edit_page.content.decode()
    overview = client.get(edit_url("edit-municipality", kamnik)).content.decode()
    assert "Proposed, waiting for Andechs" in overview
    assert "Areas of cooperation: — → Culture" in overview


def test_the_edit_form_says_before_saving_who_will_be_asked(everyone, kamnik_world, kamnik_andechs):
    kamnik, andechs = kamnik_world["kamnik"], kamnik_world["andechs"]
    url = edit_url("edit-partnership", kamnik, kamnik_andechs.pk)

    asked = client_as(everyone, "coordinator").get(url).content.decode()
    admin = client_as(everyone, "admin").get(url).content.decode()

    assert "Andechs has a coordinator; they will be asked." in asked
    assert "Message to the partner (optional)" in asked
    assert "Save, and propose the change" in asked
    assert "You may edit for both towns: your changes apply at once." in admin
    assert "Message to the partner" not in admin
    # Andechs's coordinator is told the same about Kamnik, which has a coordinator too.
    theirs = client_as(everyone, "partner_coordinator").get(
        edit_url("edit-partnership", andechs, kamnik_andechs.pk)
    )
    assert "Kamnik has a coordinator; they will be asked." in theirs.content.decode()


def test_andechs_sees_it_with_its_proposals_and_confirming_applies_it(
    everyone, kamnik_world, kamnik_andechs, culture, mailoutbox
):
    andechs = kamnik_world["andechs"]
    proposal = propose_culture(everyone, kamnik_world, kamnik_andechs, culture)
    client = client_as(everyone, "partner_coordinator")
    listed = client.get(edit_url("edit-partnerships", andechs)).content.decode()
    assert "Kamnik proposes a change to your partnership" in listed
    assert "Confirm the change proposed by Kamnik" in listed
    mailoutbox.clear()

    response = client.post(edit_url("edit-proposal-confirm", andechs, proposal.pk), follow=True)

    assert "The change Kamnik proposed is applied to the partnership." in messages_of(response)
    kamnik_andechs.refresh_from_db()
    assert list(kamnik_andechs.themes.all()) == [culture]
    assert kamnik_andechs.version == 2
    proposal.refresh_from_db()
    assert proposal.status == Status.CONFIRMED
    assert proposal.decided_by == everyone["partner_coordinator"]
    # Recorded as a change by Andechs's coordinator, naming whoever proposed it.
    change = Change.objects.get()
    assert change.user == everyone["partner_coordinator"]
    assert (change.before, change.after) == ({"themes": []}, {"themes": [culture.pk]})
    assert proposal.applied_as == change
    for town, persona in (
        (kamnik_world["kamnik"], "coordinator"),
        (andechs, "partner_coordinator"),
    ):
        history = client_as(everyone, persona).get(edit_url("edit-history", town)).content.decode()
        assert "confirming the change proposed by <bdi>Coordinator</bdi> for <bdi>Kamnik</bdi>" in (
            history
        )
    # Kamnik's side hears of it.
    assert [m.to for m in mailoutbox] == [["coordinator@kamnik.si"]]
    assert mailoutbox[0].subject == "Andechs confirmed the change to your partnership"


def test_refusing_leaves_the_partnership_as_it_was_and_tells_the_proposer(
    everyone, kamnik_world, kamnik_andechs, culture, mailoutbox
):
    andechs = kamnik_world["andechs"]
    proposal = propose_culture(everyone, kamnik_world, kamnik_andechs, culture)
    mailoutbox.clear()

    response = client_as(everyone, "partner_coordinator").post(
        edit_url("edit-proposal-refuse", andechs, proposal.pk), follow=True
    )

    assert "The change Kamnik proposed is refused; nothing was changed." in messages_of(response)
    kamnik_andechs.refresh_from_db()
    assert (list(kamnik_andechs.themes.all()), kamnik_andechs.version) == ([], 1)
    proposal.refresh_from_db()
    assert proposal.status == Status.REFUSED
    assert not Change.objects.exists()
    assert [m.to for m in mailoutbox] == [["coordinator@kamnik.si"]]
    assert "refused the change" in mailoutbox[0].body


def test_withdrawing_leaves_the_partnership_as_it_was_and_mails_nobody(
    everyone, kamnik_world, kamnik_andechs, culture, mailoutbox
):
    proposal = propose_culture(everyone, kamnik_world, kamnik_andechs, culture)
    mailoutbox.clear()

    response = client_as(everyone, "coordinator").post(
        edit_url("edit-proposal-withdraw", kamnik_world["kamnik"], proposal.pk)
    )

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.WITHDRAWN
    kamnik_andechs.refresh_from_db()
    assert list(kamnik_andechs.themes.all()) == []
    assert not mailoutbox


# When the other side has no coordinators


def test_without_coordinators_the_change_applies_at_once_with_a_notice(
    personas, kamnik_world, kamnik_andechs, culture, mailoutbox
):
    make_staff("staff@staedtetag.de", country="DE")
    kamnik = kamnik_world["kamnik"]

    response = client_as(personas, "coordinator").post(
        edit_url("edit-partnership", kamnik, kamnik_andechs.pk),
        partnership_data(kamnik_andechs, themes=[culture.pk], status="dormant"),
        follow=True,
    )

    kamnik_andechs.refresh_from_db()
    assert list(kamnik_andechs.themes.all()) == [culture]
    assert kamnik_andechs.status == "dormant"
    assert not PartnershipProposal.objects.exists()
    assert Change.objects.get().user == personas["coordinator"]
    assert any("Andechs has no coordinator in the atlas" in m for m in messages_of(response))
    # The notice goes where a proposal to Andechs would: the staff of its country.
    assert [m.to for m in mailoutbox] == [["staff@staedtetag.de"]]
    notice = mailoutbox[0]
    assert notice.subject == "Kamnik changed its partnership with Andechs"
    assert "Areas of cooperation: — → Culture" in notice.body
    assert "Status: active → dormant" in notice.body
    assert edit_url("edit-partnership", kamnik_world["andechs"], kamnik_andechs.pk) in notice.body


def test_the_form_says_that_it_applies_at_once_when_the_other_side_has_no_coordinator(
    personas, kamnik_world, kamnik_andechs
):
    html = (
        client_as(personas, "coordinator")
        .get(edit_url("edit-partnership", kamnik_world["kamnik"], kamnik_andechs.pk))
        .content.decode()
    )

    assert "Andechs has no coordinator in the atlas: your changes apply at once" in html
    assert "Message to the partner" not in html


def test_a_coordinator_whose_account_is_closed_is_not_asked(
    everyone, kamnik_world, kamnik_andechs, culture
):
    everyone["partner_coordinator"].is_active = False
    everyone["partner_coordinator"].save()

    post_edit(
        client_as(everyone, "coordinator"),
        kamnik_world["kamnik"],
        kamnik_andechs,
        themes=[culture.pk],
    )

    assert list(kamnik_andechs.themes.all()) == [culture]
    assert not PartnershipProposal.objects.exists()


# Notes and activities are each side's own


def test_notes_apply_at_once_although_andechs_has_a_coordinator(
    everyone, kamnik_world, kamnik_andechs, mailoutbox
):
    response = post_edit(
        client_as(everyone, "coordinator"),
        kamnik_world["kamnik"],
        kamnik_andechs,
        notes="Choirs visit each other.",
    )

    assert response.status_code == 302
    kamnik_andechs.refresh_from_db()
    assert (kamnik_andechs.notes, kamnik_andechs.version) == ("Choirs visit each other.", 2)
    assert not PartnershipProposal.objects.exists()
    assert not mailoutbox


def test_notes_and_themes_saved_together_split_into_saved_and_proposed(
    everyone, kamnik_world, kamnik_andechs, culture
):
    response = client_as(everyone, "coordinator").post(
        edit_url("edit-partnership", kamnik_world["kamnik"], kamnik_andechs.pk),
        partnership_data(kamnik_andechs, notes="Choirs.", themes=[culture.pk]),
        follow=True,
    )

    assert messages_of(response)[0] == "The notes are saved."
    kamnik_andechs.refresh_from_db()
    assert (kamnik_andechs.notes, list(kamnik_andechs.themes.all())) == ("Choirs.", [])
    proposal = PartnershipProposal.objects.get()
    assert proposal.values == {"themes": [culture.pk]}
    # Based on the version the notes made.
    assert proposal.base_version == kamnik_andechs.version == 2


def test_an_activity_is_recorded_at_once(everyone, kamnik_world, kamnik_andechs):
    response = client_as(everyone, "coordinator").post(
        edit_url("edit-activities", kamnik_world["kamnik"], kamnik_andechs.pk),
        {"date": "2024-05-17", "title": "Choir festival", "kind": "event"},
    )

    assert response.status_code == 302
    assert kamnik_andechs.activities.get().title == "Choir festival"
    assert not PartnershipProposal.objects.exists()


def test_recording_the_end_is_proposed_too(everyone, kamnik_world, kamnik_andechs):
    response = client_as(everyone, "coordinator").post(
        edit_url("edit-partnership-end", kamnik_world["kamnik"], kamnik_andechs.pk),
        {"end-version": 1, "end-end_year": "2020", "end-end_date": ""},
        follow=True,
    )

    assert any("Proposed, waiting for Andechs" in m for m in messages_of(response))
    kamnik_andechs.refresh_from_db()
    assert kamnik_andechs.status == "active"
    proposal = PartnershipProposal.objects.get()
    assert proposal.values == {"status": "ended", "end_year": 2020}


def test_every_shared_field_is_proposed(everyone, kamnik_world, kamnik_andechs, culture):
    post_edit(
        client_as(everyone, "coordinator"),
        kamnik_world["kamnik"],
        kamnik_andechs,
        kind="friendship",
        status="dormant",
        start_year="2003",
        start_date="2003-10-04",
        end_year="2021",
        end_date="2021-01-31",
        themes=[culture.pk],
    )

    proposal = PartnershipProposal.objects.get()
    assert proposal.values == {
        "kind": "friendship",
        "status": "dormant",
        "start_year": 2003,
        "start_date": "2003-10-04",
        "end_year": 2021,
        "end_date": "2021-01-31",
        "themes": [culture.pk],
    }
    assert set(proposal.values) == set(proposals.SHARED_FIELDS)
    kamnik_andechs.refresh_from_db()
    assert (kamnik_andechs.kind, kamnik_andechs.start_year) == ("twinning", 2004)

    client_as(everyone, "partner_coordinator").post(
        edit_url("edit-proposal-confirm", kamnik_world["andechs"], proposal.pk)
    )

    kamnik_andechs.refresh_from_db()
    assert (kamnik_andechs.kind, kamnik_andechs.status) == ("friendship", "dormant")
    assert (str(kamnik_andechs.start_date), str(kamnik_andechs.end_date)) == (
        "2003-10-04",
        "2021-01-31",
    )


# Staff and administrators


def test_staff_over_both_towns_and_administrators_apply_at_once(
    everyone, kamnik_world, kamnik_andechs, culture
):
    both = make_staff("staff@both.eu", country="SI")
    StaffRole.objects.create(user=both, country=make_country("DE"))
    kamnik = kamnik_world["kamnik"]

    post_edit(client_as({"both": both}, "both"), kamnik, kamnik_andechs, status="dormant")
    kamnik_andechs.refresh_from_db()
    post_edit(client_as(everyone, "admin"), kamnik, kamnik_andechs, themes=[culture.pk])

    kamnik_andechs.refresh_from_db()
    assert kamnik_andechs.status == "dormant"
    assert list(kamnik_andechs.themes.all()) == [culture]
    assert not PartnershipProposal.objects.exists()


def test_staff_of_the_other_side_s_country_may_confirm(
    everyone, kamnik_world, kamnik_andechs, culture
):
    proposal = propose_culture(
        everyone, kamnik_world, kamnik_andechs, culture, persona="staff_right_country"
    )
    assert proposal.proposed_by == everyone["staff_right_country"]

    client_as(everyone, "staff_partner_country").post(
        edit_url("edit-proposal-confirm", kamnik_world["andechs"], proposal.pk)
    )

    assert list(kamnik_andechs.themes.all()) == [culture]


# The permission matrices

PROPOSED, APPLIED = "proposed", "applied"
PROPOSE_MATRIX = [
    ("anonymous", LOGIN),
    ("coordinator", PROPOSED),
    ("other_coordinator", 403),
    ("staff_other_country", 403),
    ("staff_right_country", PROPOSED),  # staff of one side propose, as its coordinator does
    ("admin", APPLIED),
]


@pytest.mark.parametrize(("persona", "expected"), PROPOSE_MATRIX)
def test_proposing_a_change_for_kamnik(
    everyone, kamnik_world, kamnik_andechs, culture, persona, expected
):
    response = post_edit(
        client_as(everyone, persona), kamnik_world["kamnik"], kamnik_andechs, themes=[culture.pk]
    )

    kamnik_andechs.refresh_from_db()
    themes = list(kamnik_andechs.themes.all())
    if expected == LOGIN:
        assert_outcome(response, LOGIN)
    elif expected == PROPOSED:
        assert response.status_code == 302
        assert PartnershipProposal.objects.get().proposed_by == everyone[persona]
        assert themes == []
    elif expected == APPLIED:
        assert response.status_code == 302
        assert themes == [culture]
        assert not PartnershipProposal.objects.exists()
    else:
        assert response.status_code == expected
    if expected in (LOGIN, 403):
        assert themes == []
        assert not PartnershipProposal.objects.exists()


# Under Andechs's address: its coordinator, staff for Germany and administrators decide.
DECIDE_MATRIX = [
    ("anonymous", LOGIN),
    ("coordinator", 403),
    ("other_coordinator", 403),
    ("staff_other_country", 403),
    ("staff_right_country", 403),
    ("admin", OK),
    ("partner_coordinator", OK),
    ("staff_partner_country", OK),
]


@pytest.mark.parametrize(("persona", "expected"), DECIDE_MATRIX)
@pytest.mark.parametrize("view", ["edit-proposal-confirm", "edit-proposal-refuse"])
def test_deciding_a_change_proposed_to_andechs(
    everyone, kamnik_world, kamnik_andechs, culture, view, persona, expected
):
    proposal = propose_culture(everyone, kamnik_world, kamnik_andechs, culture)

    response = client_as(everyone, persona).post(
        edit_url(view, kamnik_world["andechs"], proposal.pk)
    )

    proposal.refresh_from_db()
    themes = list(kamnik_andechs.themes.all())
    if expected == LOGIN:
        assert_outcome(response, LOGIN)
    elif expected == OK:
        assert response.status_code == 302
        assert proposal.decided_by == everyone[persona]
        if view == "edit-proposal-confirm":
            assert (proposal.status, themes) == (Status.CONFIRMED, [culture])
        else:
            assert (proposal.status, themes) == (Status.REFUSED, [])
    else:
        assert response.status_code == expected
    if expected != OK:
        assert (proposal.status, themes) == (Status.PENDING, [])


WITHDRAW_MATRIX = [
    ("anonymous", LOGIN),
    ("coordinator", OK),
    ("other_coordinator", 403),
    ("staff_other_country", 403),
    ("staff_right_country", OK),
    ("admin", OK),
    ("partner_coordinator", 403),
]


@pytest.mark.parametrize(("persona", "expected"), WITHDRAW_MATRIX)
def test_withdrawing_a_change_proposed_by_kamnik(
    everyone, kamnik_world, kamnik_andechs, culture, persona, expected
):
    proposal = propose_culture(everyone, kamnik_world, kamnik_andechs, culture)

    response = client_as(everyone, persona).post(
        edit_url("edit-proposal-withdraw", kamnik_world["kamnik"], proposal.pk)
    )

    proposal.refresh_from_db()
    if expected == LOGIN:
        assert_outcome(response, LOGIN)
    elif expected == OK:
        assert response.status_code == 302
        assert proposal.status == Status.WITHDRAWN
    else:
        assert response.status_code == expected
        assert proposal.status == Status.PENDING
    assert list(kamnik_andechs.themes.all()) == []


def test_the_proposer_cannot_confirm_its_own_change_under_its_own_address(
    everyone, kamnik_world, kamnik_andechs, culture
):
    proposal = propose_culture(everyone, kamnik_world, kamnik_andechs, culture)
    client = client_as(everyone, "coordinator")
    under_kamnik = edit_url("edit-proposal-confirm", kamnik_world["kamnik"], proposal.pk)
    under_andechs = edit_url("edit-proposal-confirm", kamnik_world["andechs"], proposal.pk)

    assert client.post(under_kamnik).status_code == 404
    assert client.post(under_andechs).status_code == 403
    with pytest.raises(proposals.PermissionDenied):
        proposals.confirm(acting_user=everyone["coordinator"], proposal=proposal)
    assert list(kamnik_andechs.themes.all()) == []


# Out of date, and one pending change per side


def test_a_proposal_overtaken_in_the_same_field_is_refused_as_out_of_date(
    everyone, kamnik_world, kamnik_andechs, mailoutbox
):
    kamnik = kamnik_world["kamnik"]
    post_edit(client_as(everyone, "coordinator"), kamnik, kamnik_andechs, status="dormant")
    proposal = PartnershipProposal.objects.get()
    # An administrator ends it meanwhile (their edits apply at once).
    post_edit(client_as(everyone, "admin"), kamnik, kamnik_andechs, status="ended")
    mailoutbox.clear()

    response = client_as(everyone, "partner_coordinator").post(
        edit_url("edit-proposal-confirm", kamnik_world["andechs"], proposal.pk), follow=True
    )

    message = messages_of(response)[0]
    assert "The partnership has been changed since Kamnik proposed this change" in message
    assert "(status)" in message and "Nothing was changed" in message
    kamnik_andechs.refresh_from_db()
    assert kamnik_andechs.status == "ended"
    proposal.refresh_from_db()
    assert (proposal.status, proposal.applied_as) == (Status.STALE, None)
    assert [m.to for m in mailoutbox] == [["coordinator@kamnik.si"]]
    assert "out of date" in mailoutbox[0].subject


def test_a_change_of_other_fields_in_between_does_not_stand_in_the_way(
    everyone, kamnik_world, kamnik_andechs, culture
):
    proposal = propose_culture(everyone, kamnik_world, kamnik_andechs, culture)
    post_edit(
        client_as(everyone, "partner_coordinator"),
        kamnik_world["andechs"],
        kamnik_andechs,
        notes="Andechs's note",
    )

    client_as(everyone, "partner_coordinator").post(
        edit_url("edit-proposal-confirm", kamnik_world["andechs"], proposal.pk)
    )

    kamnik_andechs.refresh_from_db()
    assert (kamnik_andechs.notes, list(kamnik_andechs.themes.all())) == (
        "Andechs's note",
        [culture],
    )
    proposal.refresh_from_db()
    assert proposal.status == Status.CONFIRMED


def test_a_proposal_of_a_partnership_deleted_since_is_out_of_date(
    everyone, kamnik_world, kamnik_andechs, culture
):
    proposal = propose_culture(everyone, kamnik_world, kamnik_andechs, culture)
    Partnership.objects.filter(pk=kamnik_andechs.pk).update(deleted_at="2025-01-01T00:00:00Z")

    with pytest.raises(proposals.ValidationError, match="deleted since"):
        proposals.confirm(acting_user=everyone["partner_coordinator"], proposal=proposal)

    proposal.refresh_from_db()
    assert proposal.status == Status.STALE


def test_a_later_change_by_the_same_side_replaces_its_pending_one(
    everyone, kamnik_world, kamnik_andechs, culture, mailoutbox
):
    kamnik, andechs = kamnik_world["kamnik"], kamnik_world["andechs"]
    first = propose_culture(everyone, kamnik_world, kamnik_andechs, culture)
    # Andechs's own proposal, of the other side, is not touched.
    post_edit(client_as(everyone, "partner_coordinator"), andechs, kamnik_andechs, status="dormant")
    theirs = PartnershipProposal.objects.get(proposer=andechs)

    post_edit(client_as(everyone, "staff_right_country"), kamnik, kamnik_andechs, start_year="2005")

    first.refresh_from_db()
    assert first.status == Status.REPLACED
    assert first.decided_by == everyone["staff_right_country"]
    pending = PartnershipProposal.objects.filter(status=Status.PENDING)
    assert {p.proposer for p in pending} == {kamnik, andechs}
    assert pending.get(proposer=kamnik).values == {"start_year": 2005}
    theirs.refresh_from_db()
    assert theirs.status == Status.PENDING
    # The replaced one can no longer be confirmed.
    response = client_as(everyone, "partner_coordinator").post(
        edit_url("edit-proposal-confirm", andechs, first.pk)
    )
    assert response.status_code == 404


def test_the_database_holds_one_pending_change_per_side(everyone, kamnik_world, kamnik_andechs):
    from django.db import IntegrityError, transaction

    kamnik, andechs = kamnik_world["kamnik"], kamnik_world["andechs"]
    fields = {
        "action": "change",
        "proposer": kamnik,
        "partner": andechs,
        "partnership": kamnik_andechs,
        "values": {"status": "dormant"},
    }
    PartnershipProposal.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnershipProposal.objects.create(**fields)
    # A new partnership of the same pair and kind is a different thing.
    PartnershipProposal.objects.create(proposer=kamnik, partner=andechs, kind="friendship")


def test_a_proposal_from_a_stale_form_is_a_409_and_proposes_nothing(
    everyone, kamnik_world, kamnik_andechs, culture
):
    kamnik = kamnik_world["kamnik"]
    stale = partnership_data(kamnik_andechs)
    post_edit(client_as(everyone, "coordinator"), kamnik, kamnik_andechs, notes="First")

    response = client_as(everyone, "coordinator").post(
        edit_url("edit-partnership", kamnik, kamnik_andechs.pk),
        {**stale, "themes": [culture.pk]},
    )

    assert response.status_code == 409
    assert not PartnershipProposal.objects.exists()


# Hostile input in the message


@pytest.mark.parametrize("message", [HOSTILE_SCRIPT, HOSTILE_ATTRIBUTE, RIGHT_TO_LEFT])
def test_a_hostile_message_is_stored_as_typed_and_shown_escaped(
    everyone, kamnik_world, kamnik_andechs, culture, message
):
    post_edit(
        client_as(everyone, "coordinator"),
        kamnik_world["kamnik"],
        kamnik_andechs,
        themes=[culture.pk],
        message=message,
    )

    assert PartnershipProposal.objects.get().message == message
    for persona, town in (("partner_coordinator", "andechs"), ("coordinator", "kamnik")):
        html = (
            client_as(everyone, persona)
            .get(edit_url("edit-partnership", kamnik_world[town], kamnik_andechs.pk))
            .content.decode()
        )
        assert_shown_escaped(html, message, isolated='<bdi class="user-text">{}</bdi>')


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("x" * 5000, "Ensure this value has at most 2000 characters (it has 5000)."),
        ("a\x00b", "Null characters are not allowed."),
    ],
)
def test_an_overlong_or_binary_message_is_a_field_error(
    everyone, kamnik_world, kamnik_andechs, culture, message, error
):
    response = post_edit(
        client_as(everyone, "coordinator"),
        kamnik_world["kamnik"],
        kamnik_andechs,
        themes=[culture.pk],
        message=message,
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not PartnershipProposal.objects.exists()


# Query counts


def test_the_pages_that_list_proposals_cost_the_same_queries_however_many(
    everyone, kamnik_world, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    kamnik = kamnik_world["kamnik"]
    client = client_as(everyone, "coordinator")
    themes = [make_theme(f"theme-{n}", f"Theme {n}") for n in range(3)]

    def add_changes(count: int) -> None:
        for number in range(count):
            other = make_municipality(f"Twin {count} {number}", "IT")
            partnership = make_partnership(kamnik, other, status="active")
            for proposer, partner in ((kamnik, other), (other, kamnik)):
                PartnershipProposal.objects.create(
                    action="change",
                    proposer=proposer,
                    partner=partner,
                    partnership=partnership,
                    values={"themes": [t.pk for t in themes], "status": "dormant"},
                    before={"themes": [], "status": "active"},
                    base_version=1,
                )

    urls = [edit_url("edit-partnerships", kamnik), edit_url("edit-municipality", kamnik)]
    add_changes(2)
    few = {}
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        few[url] = len(captured)
    add_changes(15)
    for url in urls:
        with django_assert_num_queries(few[url]):
            response = client.get(url)
        assert response.content.decode().count("Theme 2") >= 34


# In a browser


@pytest.mark.browser
def test_kamnik_proposes_a_change_and_andechs_confirms_it(page, kamnik_world, artefacts_dir):
    from playwright.sync_api import expect

    kamnik, andechs = kamnik_world["kamnik"], kamnik_world["andechs"]
    make_coordinator("coordinator@kamnik.si", kamnik)
    make_coordinator("coordinator@andechs.de", andechs)
    make_theme("culture", "Culture")
    partnership = pair(kamnik, andechs)

    def log_in(email: str) -> None:
        page.goto("/en/account/login/")
        page.get_by_label("E-mail address").fill(email)
        page.get_by_label("Password").fill(DEFAULT_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/account/")

    log_in("coordinator@kamnik.si")
    page.goto(edit_url("edit-partnership", kamnik, partnership.pk))
    expect(page.locator("#consent-note")).to_contain_text(
        "Andechs has a coordinator; they will be asked."
    )
    page.get_by_label("Culture").check()
    page.get_by_label("Message to the partner (optional)").fill("We added the choir.")
    page.screenshot(path=artefacts_dir / "partnership-change-propose.png", full_page=True)
    page.get_by_role("button", name="Save, and propose the change").click()
    expect(page.locator(".messages")).to_contain_text("Proposed, waiting for Andechs")
    expect(page.locator("#made-heading + .proposal-list")).to_contain_text("Culture")
    page.goto(reverse("partnership", args=[partnership.pk]))
    expect(page.locator("main")).not_to_contain_text("Culture")
    page.get_by_role("button", name="Log out").click()

    log_in("coordinator@andechs.de")
    page.goto(edit_url("edit-partnerships", andechs))
    received = page.locator("#received-heading + .proposal-list")
    expect(received).to_contain_text("Kamnik proposes a change to your partnership")
    expect(received).to_contain_text("We added the choir.")
    page.screenshot(path=artefacts_dir / "partnership-change-received.png", full_page=True)
    page.get_by_role("button", name="Confirm the change proposed by Kamnik").click()
    expect(page.locator(".messages")).to_contain_text("The change Kamnik proposed is applied")

    page.goto(reverse("partnership", args=[partnership.pk]))
    expect(page.locator("main")).to_contain_text("Culture")
    page.goto(edit_url("edit-history", andechs))
    expect(page.locator(".history")).to_contain_text("confirming the change proposed by")


def test_an_anonymous_visitor_sees_no_proposed_change(
    everyone, kamnik_world, kamnik_andechs, culture
):
    propose_culture(everyone, kamnik_world, kamnik_andechs, culture)

    html = Client().get(reverse("partnership", args=[kamnik_andechs.pk])).content.decode()

    assert "Culture" not in html


# Reverting is changing


def test_reverting_a_change_of_shared_fields_is_proposed_to_the_other_side(
    everyone, kamnik_world, kamnik_andechs, culture
):
    kamnik, andechs = kamnik_world["kamnik"], kamnik_world["andechs"]
    proposal = propose_culture(everyone, kamnik_world, kamnik_andechs, culture)
    client_as(everyone, "partner_coordinator").post(
        edit_url("edit-proposal-confirm", andechs, proposal.pk)
    )
    change = Change.objects.get()

    response = client_as(everyone, "coordinator").post(
        edit_url("edit-revert", kamnik, change.pk), follow=True
    )

    assert any("Proposed, waiting for Andechs" in m for m in messages_of(response))
    assert list(kamnik_andechs.themes.all()) == [culture]
    undo = PartnershipProposal.objects.get(status=Status.PENDING)
    assert (undo.values, undo.before) == ({"themes": []}, {"themes": [culture.pk]})
    # An administrator, acting for both towns, reverts at once.
    client_as(everyone, "admin").post(edit_url("edit-revert", kamnik, change.pk))
    assert list(kamnik_andechs.themes.all()) == []
    assert Change.objects.filter(reverts=change).exists()
