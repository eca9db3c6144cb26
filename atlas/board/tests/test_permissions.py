"""Who may do what on the board: the permission matrix of every view that writes (and of
the pages that show what is not public), with the personas around Kamnik, and CSRF on
every form."""

import pytest
from django.urls import reverse

from atlas.board.models import Conversation, Entry, Message, Report, SavedSearch
from atlas.board.tests.conftest import entry_data
from conftest import LOGIN, PERSONAS, assert_outcome, client_as

pytestmark = pytest.mark.django_db
CREATED = "created"


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", LOGIN),
        ("coordinator", CREATED),
        ("other_coordinator", 200),  # coordinates Trofaiach, not Kamnik: a form error
        ("staff_other_country", 403),
        ("staff_right_country", 403),
        ("admin", 403),  # posting is for coordinators, administrators included
    ],
)
def test_posting_an_entry_for_kamnik(personas, kamnik_world, persona, expected):
    before = Entry.objects.count()

    response = client_as(personas, persona).post(
        reverse("board-new"), entry_data(kamnik_world["kamnik"])
    )

    if expected == CREATED:
        created = Entry.objects.get()
        assert_outcome(response, created.get_absolute_url())
        assert created.author == personas["coordinator"]
        assert created.municipality == kamnik_world["kamnik"]
    else:
        assert_outcome(response, expected)
        assert Entry.objects.count() == before
    if expected == 200:
        assert "Select a valid choice" in response.content.decode()
    if expected == 403:
        assert "Only approved coordinators of a municipality can post" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", LOGIN),
        ("coordinator", "entry"),
        ("other_coordinator", 403),
        ("staff_other_country", 403),
        ("staff_right_country", 403),
        ("admin", 403),  # administrators change entries in the admin, not as authors
    ],
)
def test_editing_kamnik_s_entry(personas, kamnik_world, entry, persona, expected):
    data = entry_data(kamnik_world["kamnik"], title="A new title", version=entry.version)

    response = client_as(personas, persona).post(reverse("board-edit", args=[entry.pk]), data)

    assert_outcome(response, entry.get_absolute_url() if expected == "entry" else expected)
    entry.refresh_from_db()
    assert (entry.title == "A new title") is (expected == "entry")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", LOGIN),
        ("coordinator", "entry"),
        ("other_coordinator", 403),
        ("staff_other_country", 403),
        ("staff_right_country", 403),
        ("admin", 403),
    ],
)
def test_closing_kamnik_s_entry(personas, entry, persona, expected):
    response = client_as(personas, persona).post(reverse("board-close", args=[entry.pk]))

    assert_outcome(response, entry.get_absolute_url() if expected == "entry" else expected)
    entry.refresh_from_db()
    assert (entry.closed_at is not None) is (expected == "entry")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", LOGIN),
        ("coordinator", 403),  # the author does not write to themselves
        ("other_coordinator", "conversation"),
        ("staff_other_country", 403),  # not coordinators
        ("staff_right_country", 403),
        ("admin", 403),
    ],
)
def test_expressing_interest_in_kamnik_s_entry(
    personas, kamnik_world, entry, persona, expected, mailoutbox
):
    response = client_as(personas, persona).post(
        reverse("board-interest", args=[entry.pk]),
        {"municipality": kamnik_world["trofaiach"].pk, "text": "We are interested."},
    )

    if expected == "conversation":
        conversation = Conversation.objects.get()
        assert_outcome(response, conversation.get_absolute_url())
        assert conversation.interested == personas["other_coordinator"]
        assert len(mailoutbox) == 1
    else:
        assert_outcome(response, expected)
        assert not Conversation.objects.exists()
        assert not mailoutbox


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", LOGIN),
        ("coordinator", "conversation"),
        ("other_coordinator", "conversation"),
        ("staff_other_country", 404),
        ("staff_right_country", 403),  # moderators read, they do not write
        ("admin", 403),
    ],
)
def test_replying_in_a_conversation(personas, conversation, persona, expected, mailoutbox):
    before = Message.objects.count()

    response = client_as(personas, persona).post(
        reverse("board-conversation", args=[conversation.pk]), {"text": "Thank you!"}
    )

    assert_outcome(
        response, conversation.get_absolute_url() if expected == "conversation" else expected
    )
    assert Message.objects.count() == before + (expected == "conversation")
    assert len(mailoutbox) == (expected == "conversation")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", LOGIN),
        ("coordinator", 200),
        ("other_coordinator", 200),
        ("staff_other_country", 404),
        ("staff_right_country", 200),
        ("admin", 200),
    ],
)
def test_reading_a_conversation(personas, conversation, persona, expected):
    response = client_as(personas, persona).get(
        reverse("board-conversation", args=[conversation.pk])
    )

    assert_outcome(response, expected)
    if expected == 200:
        assert "Hello from Styria" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", LOGIN),
        ("coordinator", 403),  # the author sees the pending entry but may not approve it
        ("other_coordinator", 404),
        ("staff_other_country", 404),
        ("staff_right_country", "entry"),
        ("admin", "entry"),
    ],
)
def test_approving_a_pending_entry_of_kamnik(personas, pending_entry, persona, expected):
    response = client_as(personas, persona).post(
        reverse("board-moderate", args=[pending_entry.pk]), {"action": "approve"}
    )

    assert_outcome(response, pending_entry.get_absolute_url() if expected == "entry" else expected)
    pending_entry.refresh_from_db()
    assert pending_entry.is_pending is (expected != "entry")
    if expected == "entry":
        assert pending_entry.moderated_by == personas[persona]
        assert pending_entry.published_at is not None


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", LOGIN),
        ("coordinator", 403),
        ("other_coordinator", 403),
        ("staff_other_country", 403),
        ("staff_right_country", "entry"),
        ("admin", "entry"),
    ],
)
def test_hiding_kamnik_s_entry(personas, entry, persona, expected):
    response = client_as(personas, persona).post(
        reverse("board-moderate", args=[entry.pk]), {"action": "hide"}
    )

    assert_outcome(response, entry.get_absolute_url() if expected == "entry" else expected)
    entry.refresh_from_db()
    assert entry.is_hidden is (expected == "entry")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", LOGIN),
        ("coordinator", 403),
        ("other_coordinator", 404),
        ("staff_other_country", 404),
        ("staff_right_country", "entry"),
        ("admin", "entry"),
    ],
)
def test_showing_a_hidden_entry_again(personas, hidden_entry, persona, expected):
    response = client_as(personas, persona).post(
        reverse("board-moderate", args=[hidden_entry.pk]), {"action": "unhide"}
    )

    assert_outcome(response, hidden_entry.get_absolute_url() if expected == "entry" else expected)
    hidden_entry.refresh_from_db()
    assert hidden_entry.is_hidden is (expected != "entry")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", LOGIN),
        ("coordinator", "entry"),
        ("other_coordinator", "entry"),
        ("staff_other_country", "entry"),
        ("staff_right_country", "entry"),
        ("admin", "entry"),
    ],
)
def test_reporting_kamnik_s_entry(personas, entry, persona, expected):
    response = client_as(personas, persona).post(
        reverse("board-report", args=[entry.pk]), {"reason": "Looks like an advertisement."}
    )

    assert_outcome(response, entry.get_absolute_url() if expected == "entry" else expected)
    assert Report.objects.count() == (expected == "entry")


@pytest.mark.parametrize("persona", PERSONAS)
def test_reporting_a_pending_entry_is_a_404_for_those_who_cannot_see_it(
    personas, pending_entry, persona
):
    response = client_as(personas, persona).post(
        reverse("board-report", args=[pending_entry.pk]), {"reason": "Spam"}
    )

    if persona == "anonymous":
        assert_outcome(response, LOGIN)
    elif persona in ("other_coordinator", "staff_other_country"):
        assert_outcome(response, 404)
    else:
        assert_outcome(response, pending_entry.get_absolute_url())


@pytest.mark.parametrize("persona", PERSONAS)
def test_saving_a_search(personas, persona):
    response = client_as(personas, persona).post(
        reverse("board-search-save"), {"query": "kind=offer&purpose=twinning"}
    )

    if persona == "anonymous":
        assert_outcome(response, LOGIN)
        assert not SavedSearch.objects.exists()
    else:
        assert_outcome(response, reverse("board-searches"))
        search = SavedSearch.objects.get()
        assert search.user == personas[persona]
        assert search.query == "kind=offer&purpose=twinning"


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", LOGIN),
        ("coordinator", "searches"),
        ("other_coordinator", 404),
        ("staff_other_country", 404),
        ("staff_right_country", 404),
        ("admin", 404),  # a person's searches are theirs alone
    ],
)
def test_deleting_the_coordinator_s_saved_search(personas, persona, expected):
    search = SavedSearch.objects.create(user=personas["coordinator"], query="kind=offer")

    response = client_as(personas, persona).post(reverse("board-search-delete", args=[search.pk]))

    assert_outcome(response, reverse("board-searches") if expected == "searches" else expected)
    assert SavedSearch.objects.filter(pk=search.pk).exists() is (expected != "searches")


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
def test_the_moderation_queue(personas, pending_entry, persona, expected, sees_kamnik):
    response = client_as(personas, persona).get(reverse("board-moderation"))

    assert_outcome(response, expected)
    if expected == 200:
        assert (pending_entry in list(response.context["pending"])) is sees_kamnik


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 404),
        ("coordinator", 200),
        ("other_coordinator", 404),
        ("staff_other_country", 404),
        ("staff_right_country", 200),
        ("admin", 200),
    ],
)
def test_a_pending_entry_is_shown_to_its_author_and_moderators_only(
    personas, pending_entry, persona, expected
):
    response = client_as(personas, persona).get(pending_entry.get_absolute_url())

    assert response.status_code == expected
    if expected == 200:
        assert "waits for" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 404),
        ("coordinator", 200),
        ("other_coordinator", 404),
        ("staff_other_country", 404),
        ("staff_right_country", 200),
        ("admin", 200),
    ],
)
def test_a_hidden_entry_is_shown_to_its_author_and_moderators_only(
    personas, hidden_entry, persona, expected
):
    response = client_as(personas, persona).get(hidden_entry.get_absolute_url())

    assert response.status_code == expected
    if expected == 200:
        assert "A moderator hid this entry" in response.content.decode()


def test_staff_of_a_network_moderate_its_members_entries_only(personas, kamnik_world, entry):
    from atlas.accounts.models import StaffRole
    from conftest import make_network, make_user

    member_staff = make_user("staff@zgodovinska-mesta.si")
    StaffRole.objects.create(user=member_staff, network=kamnik_world["network"])
    other_staff = make_user("staff@douzelage.eu")
    StaffRole.objects.create(user=other_staff, network=make_network("Douzelage"))

    assert entry.can_be_moderated_by(member_staff)
    assert not entry.can_be_moderated_by(other_staff)


def test_staff_do_not_moderate_their_own_entries(personas, kamnik_world):
    from django.utils.timezone import now

    from atlas.accounts.models import CoordinatorRole
    from conftest import make_board_entry, make_coordinator

    staff = personas["staff_right_country"]
    CoordinatorRole.objects.create(
        user=staff,
        municipality=kamnik_world["kamnik"],
        status=CoordinatorRole.Status.APPROVED,
        decided_at=now(),
    )
    own = make_board_entry(kamnik_world["kamnik"], staff, status=Entry.Status.PENDING)
    make_coordinator("second@kamnik.si", kamnik_world["kamnik"])

    response = client_as(personas, "staff_right_country").post(
        reverse("board-moderate", args=[own.pk]), {"action": "approve"}
    )

    assert response.status_code == 403
    own.refresh_from_db()
    assert own.is_pending


def test_writing_views_take_only_a_post(personas, entry):
    client = client_as(personas, "admin")
    for name, args in [
        ("board-close", [entry.pk]),
        ("board-moderate", [entry.pk]),
        ("board-search-save", []),
        ("board-search-delete", [1]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 405, name


# CSRF: every form that writes refuses a post without its token.
def test_every_board_form_refuses_a_post_without_its_csrf_token(
    personas, kamnik_world, entry, pending_entry, conversation
):
    search = SavedSearch.objects.create(user=personas["coordinator"], query="")
    forms = {
        "coordinator": [
            ("board-new", [], entry_data(kamnik_world["kamnik"])),
            ("board-edit", [entry.pk], entry_data(kamnik_world["kamnik"], version=1)),
            ("board-close", [entry.pk], {}),
            ("board-conversation", [conversation.pk], {"text": "Hi"}),
            ("board-search-save", [], {"query": "kind=offer"}),
            ("board-search-delete", [search.pk], {}),
        ],
        "other_coordinator": [
            ("board-interest", [entry.pk], {"text": "Hi"}),
            ("board-report", [entry.pk], {"reason": "Spam"}),
        ],
        "admin": [("board-moderate", [pending_entry.pk], {"action": "approve"})],
    }
    counts = (Entry.objects.count(), Message.objects.count(), SavedSearch.objects.count())
    for persona, posts in forms.items():
        client = client_as(personas, persona, enforce_csrf_checks=True)
        for name, args, data in posts:
            assert client.post(reverse(name, args=args), data).status_code == 403, name

    assert (Entry.objects.count(), Message.objects.count(), SavedSearch.objects.count()) == counts
    assert not Report.objects.exists()
    entry.refresh_from_db()
    pending_entry.refresh_from_db()
    assert entry.closed_at is None
    assert pending_entry.is_pending


def test_every_board_form_carries_a_csrf_token(personas, entry, conversation):
    pages = {
        "coordinator": [
            reverse("board-new"),
            reverse("board-edit", args=[entry.pk]),
            entry.get_absolute_url(),  # the close button
            reverse("board-conversation", args=[conversation.pk]),
            reverse("board"),  # save this search
        ],
        "other_coordinator": [reverse("board-report", args=[entry.pk])],
        "admin": [entry.get_absolute_url(), reverse("board-moderation")],
    }
    SavedSearch.objects.create(user=personas["coordinator"], query="")
    pages["coordinator"].append(reverse("board-searches"))
    for persona, urls in pages.items():
        client = client_as(personas, persona)
        for url in urls:
            assert 'name="csrfmiddlewaretoken"' in client.get(url).content.decode(), url
    # A fresh interest form: the other coordinator has no conversation yet on a new entry.
    from conftest import make_board_entry

    other = make_board_entry(entry.municipality, personas["coordinator"], title="Second")
    client = client_as(personas, "other_coordinator")
    page = client.get(reverse("board-interest", args=[other.pk])).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
