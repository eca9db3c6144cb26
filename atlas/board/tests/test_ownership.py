"""Board entries and conversations belong to their municipalities, not to the people who
wrote them: the current coordinators of a municipality manage its entries and speak in
its conversations; a former coordinator loses all of it the moment the role ends, even
on what they wrote themselves."""

import pytest
from django.urls import reverse
from django.utils.timezone import now

from atlas.accounts.models import CoordinatorRole
from atlas.board.models import Conversation, Entry, Message
from atlas.board.tests.conftest import entry_data
from conftest import assert_outcome, client_as, make_board_entry, make_coordinator

pytestmark = pytest.mark.django_db


def end_role(user, municipality, how: str) -> None:
    """End `user`'s coordinator role for `municipality` the ways the site has."""
    roles = CoordinatorRole.objects.filter(user=user, municipality=municipality)
    if how == "deleted":
        roles.delete()
    else:
        roles.update(status=CoordinatorRole.Status.REFUSED, decided_at=now())


@pytest.fixture
def colleague(kamnik_world):
    """A second, current coordinator of Kamnik, who wrote nothing."""
    return make_coordinator("second@kamnik.si", kamnik_world["kamnik"])


@pytest.fixture
def world(personas, kamnik_world, entry, conversation, colleague):
    personas = {**personas, "colleague": colleague}
    return {"personas": personas, "entry": entry, "conversation": conversation, **kamnik_world}


# The repro: the author's role ends; they keep nothing.
@pytest.mark.parametrize("how", ["deleted", "refused"])
def test_a_former_coordinator_loses_their_own_entry_and_its_conversations(world, how):
    personas, entry, conversation = world["personas"], world["entry"], world["conversation"]
    client = client_as(personas, "coordinator")
    end_role(personas["coordinator"], world["kamnik"], how)

    edit = reverse("board-edit", args=[entry.pk])
    assert client.get(edit).status_code == 403
    data = entry_data(world["kamnik"], title="Taken over", version=entry.version)
    assert client.post(edit, data).status_code == 403
    assert client.post(reverse("board-close", args=[entry.pk])).status_code == 403
    talk = reverse("board-conversation", args=[conversation.pk])
    assert client.get(talk).status_code == 404
    assert client.post(talk, {"text": "Still here"}).status_code == 404
    assert list(client.get(reverse("board-inbox")).context["page"]) == []
    assert list(client.get(reverse("board-mine")).context["page"]) == []
    entry.refresh_from_db()
    assert entry.title == "Kamnik seeks a twin town"
    assert entry.closed_at is None
    assert not Message.objects.filter(text="Still here").exists()


def test_a_former_coordinator_no_longer_sees_the_entry_waiting_for_approval(
    personas, kamnik_world, pending_entry
):
    end_role(personas["coordinator"], kamnik_world["kamnik"], "deleted")

    response = client_as(personas, "coordinator").get(pending_entry.get_absolute_url())

    assert response.status_code == 404


def test_a_colleague_of_the_same_town_manages_the_entry_and_its_conversations(world, mailoutbox):
    personas, entry, conversation = world["personas"], world["entry"], world["conversation"]
    client = client_as(personas, "colleague")

    page = client.get(entry.get_absolute_url()).content.decode()
    assert reverse("board-edit", args=[entry.pk]) in page
    inbox = client.get(reverse("board-inbox"))
    assert [(c.pk, c.unread) for c in inbox.context["page"]] == [(conversation.pk, 1)]
    assert "Trofaiach wrote about your entry" in inbox.content.decode()
    assert [e.pk for e in client.get(reverse("board-mine")).context["page"]] == [entry.pk]

    talk = reverse("board-conversation", args=[conversation.pk])
    assert "Hello from Styria" in client.get(talk).content.decode()
    assert [c.unread for c in client.get(reverse("board-inbox")).context["page"]] == [0]
    assert_outcome(client.post(talk, {"text": "Kamnik answers"}), talk)
    data = entry_data(world["kamnik"], title="A colleague's title", version=entry.version)
    assert_outcome(
        client.post(reverse("board-edit", args=[entry.pk]), data), entry.get_absolute_url()
    )
    assert_outcome(client.post(reverse("board-close", args=[entry.pk])), entry.get_absolute_url())

    entry.refresh_from_db()
    assert entry.title == "A colleague's title"
    assert entry.closed_at is not None
    reply = Message.objects.get(text="Kamnik answers")
    assert (reply.sender, reply.municipality) == (personas["colleague"], world["kamnik"])
    # Trofaiach hears of it; it reads as Kamnik's answer, with the colleague's first name.
    assert [m.to for m in mailoutbox] == [["coordinator@trofaiach.at"]]
    other = client_as(personas, "other_coordinator")
    assert "Second</bdi>, Kamnik" in other.get(talk).content.decode()


def test_what_one_coordinator_reads_is_read_for_their_colleagues(world):
    personas, conversation = world["personas"], world["conversation"]
    client_as(personas, "coordinator").get(conversation.get_absolute_url())

    inbox = client_as(personas, "colleague").get(reverse("board-inbox"))

    assert [c.unread for c in inbox.context["page"]] == [0]


def test_messages_go_to_the_current_coordinators_of_the_other_town_only(world, mailoutbox):
    personas, conversation = world["personas"], world["conversation"]
    end_role(personas["coordinator"], world["kamnik"], "deleted")

    client_as(personas, "other_coordinator").post(
        conversation.get_absolute_url(), {"text": "Anyone there?"}
    )

    assert [m.to for m in mailoutbox] == [["second@kamnik.si"]]


def test_the_interested_town_s_former_coordinator_loses_it_and_a_colleague_takes_it_over(
    world, mailoutbox
):
    personas, entry, conversation = world["personas"], world["entry"], world["conversation"]
    trofaiach = world["trofaiach"]
    end_role(personas["other_coordinator"], trofaiach, "deleted")
    successor = make_coordinator("new@trofaiach.at", trofaiach)
    talk = conversation.get_absolute_url()

    assert client_as(personas, "other_coordinator").get(talk).status_code == 404
    client = client_as({"successor": successor}, "successor")
    assert "Hello from Styria" in client.get(talk).content.decode()
    # Writing about the entry again continues Trofaiach's conversation.
    response = client.get(reverse("board-interest", args=[entry.pk]))
    assert_outcome(response, talk)
    assert_outcome(client.post(talk, {"text": "I took over from my colleague."}), talk)
    assert Conversation.objects.get().pk == conversation.pk
    assert sorted(m.to[0] for m in mailoutbox) == ["coordinator@kamnik.si", "second@kamnik.si"]


def test_a_coordinator_does_not_express_interest_in_their_own_town_s_entry(world):
    response = client_as(world["personas"], "colleague").post(
        reverse("board-interest", args=[world["entry"].pk]),
        {"municipality": world["kamnik"].pk, "text": "Hello, colleague"},
    )

    assert response.status_code == 403


# The permission matrix of every board write for the two people this changes: the author
# whose role ended and a colleague coordinator of the same town who wrote nothing.
WRITES = ["edit", "close", "reply", "read"]
EXPECTED = {
    ("former_author", "edit"): 403,
    ("former_author", "close"): 403,
    ("former_author", "reply"): 404,
    ("former_author", "read"): 404,
    ("colleague", "edit"): "entry",
    ("colleague", "close"): "entry",
    ("colleague", "reply"): "conversation",
    ("colleague", "read"): 200,
}


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("persona", ["former_author", "colleague"])
def test_board_writes_follow_the_role_not_the_authorship(world, persona, write):
    personas, entry, conversation = world["personas"], world["entry"], world["conversation"]
    end_role(personas["coordinator"], world["kamnik"], "deleted")
    client = client_as({**personas, "former_author": personas["coordinator"]}, persona)
    before = (Message.objects.count(), entry.version)

    if write == "edit":
        data = entry_data(world["kamnik"], title="Changed", version=entry.version)
        response = client.post(reverse("board-edit", args=[entry.pk]), data)
    elif write == "close":
        response = client.post(reverse("board-close", args=[entry.pk]))
    elif write == "reply":
        response = client.post(conversation.get_absolute_url(), {"text": "A reply"})
    else:
        response = client.get(conversation.get_absolute_url())

    expected = EXPECTED[(persona, write)]
    urls = {"entry": entry.get_absolute_url(), "conversation": conversation.get_absolute_url()}
    assert_outcome(response, urls.get(expected, expected))
    entry.refresh_from_db()
    changed = (Message.objects.count(), entry.version) != before
    assert changed is (expected in ("entry", "conversation"))


def test_managed_by_and_is_managed_by_agree(world):
    personas = world["personas"]
    other = make_board_entry(world["trofaiach"], personas["other_coordinator"])
    end_role(personas["coordinator"], world["kamnik"], "deleted")

    for persona in ("anonymous", "coordinator", "colleague", "other_coordinator", "admin"):
        user = personas[persona]
        if user is None:
            from django.contrib.auth.models import AnonymousUser

            user = AnonymousUser()
        managed = set(Entry.objects.managed_by(user))
        assert managed == {e for e in (world["entry"], other) if e.is_managed_by(user)}, persona


def test_a_deactivated_account_manages_nothing(world):
    colleague = world["personas"]["colleague"]
    colleague.is_active = False
    colleague.save()

    assert not world["entry"].is_managed_by(colleague)
    assert world["conversation"].side_of(colleague) is None
