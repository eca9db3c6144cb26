"""The board's lists answer in a fixed number of queries, whatever the number of entries
or conversations."""

import pytest
from django.urls import reverse
from django.utils.timezone import now

from atlas.accounts.models import CoordinatorRole
from atlas.board.models import Conversation, Message
from atlas.directory.models import Theme
from conftest import client_as, make_board_entry, make_municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def themes():
    return [
        Theme.objects.create(
            slug=slug, name_en=slug, name_sl=slug, name_sk=slug, name_cs=slug, name_de=slug
        )
        for slug in ("culture", "sport", "youth")
    ]


def add_entries(personas, kamnik_world, themes, count: int) -> list:
    """Entries of Kamnik and of other towns, all posted by Kamnik's coordinator, who also
    coordinates the other towns (so every entry and conversation is theirs to manage)."""
    entries = []
    for number in range(count):
        if number % 2:
            municipality = kamnik_world["kamnik"]
        else:
            municipality = make_municipality(f"Town {number}")
            CoordinatorRole.objects.create(
                user=personas["coordinator"],
                municipality=municipality,
                status=CoordinatorRole.Status.APPROVED,
                decided_at=now(),
            )
        entries.append(
            make_board_entry(
                municipality,
                personas["coordinator"],
                title=f"Entry {number}",
                themes=themes[: number % 3 + 1],
                countries=["AT", "DE"][: number % 2 + 1],
            )
        )
    return entries


def add_conversations(personas, kamnik_world, entries) -> None:
    for entry in entries:
        conversation = Conversation.objects.create(
            entry=entry,
            interested=personas["other_coordinator"],
            interested_municipality=kamnik_world["trofaiach"],
        )
        for text in ("Hello", "Again"):
            Message.objects.create(
                conversation=conversation,
                sender=personas["other_coordinator"],
                municipality=kamnik_world["trofaiach"],
                text=text,
            )


# The list: the page of entries, their count, their themes, and the filter form's themes
# and countries. A logged-in visitor adds the session and the user.
@pytest.mark.parametrize("count", [1, 15])
def test_the_list_takes_five_queries(
    client, personas, kamnik_world, themes, count, django_assert_num_queries
):
    add_entries(personas, kamnik_world, themes, count)

    with django_assert_num_queries(5):
        response = client.get(reverse("board"), {"purpose": "twinning"})

    assert len(response.context["page"]) == count


@pytest.mark.parametrize("count", [1, 15])
def test_the_list_takes_seven_queries_for_a_logged_in_visitor(
    personas, kamnik_world, themes, count, django_assert_num_queries
):
    add_entries(personas, kamnik_world, themes, count)
    client = client_as(personas, "coordinator")

    with django_assert_num_queries(7):
        client.get(reverse("board"))


# The feed: the entries, their themes, and the filter form's themes and countries.
@pytest.mark.parametrize("count", [1, 15])
def test_the_feed_takes_four_queries(
    client, personas, kamnik_world, themes, count, django_assert_num_queries
):
    add_entries(personas, kamnik_world, themes, count)

    with django_assert_num_queries(4):
        response = client.get(reverse("board-feed"), {"theme": "culture"})

    assert response.content.count(b"<entry>") == count


# The inbox: session, user, the count and the page of conversations with unread counts.
@pytest.mark.parametrize("count", [1, 15])
def test_the_inbox_takes_four_queries(
    personas, kamnik_world, themes, count, django_assert_num_queries
):
    add_conversations(personas, kamnik_world, add_entries(personas, kamnik_world, themes, count))
    client = client_as(personas, "coordinator")

    with django_assert_num_queries(4):
        response = client.get(reverse("board-inbox"))

    assert [c.unread for c in response.context["page"]] == [2] * count


# The entry page: the entry with its municipality, country and programme, its themes and
# wished countries; for a logged-in coordinator also the session, the user, whether they
# manage the entry, their municipality's conversation on it (or the count of its
# conversations) and whether they moderate.
@pytest.mark.parametrize("count", [1, 15])
def test_the_entry_page_takes_a_fixed_number_of_queries(
    client, personas, kamnik_world, themes, count, django_assert_num_queries
):
    entries = add_entries(personas, kamnik_world, themes, count)
    add_conversations(personas, kamnik_world, entries)
    entry = entries[-1]

    with django_assert_num_queries(3):
        client.get(entry.get_absolute_url())
    other = client_as(personas, "other_coordinator")
    with django_assert_num_queries(8):
        other.get(entry.get_absolute_url())
    author = client_as(personas, "coordinator")
    with django_assert_num_queries(8):
        author.get(entry.get_absolute_url())
