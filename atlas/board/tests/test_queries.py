"""The board's lists answer in a fixed number of queries, whatever the number of entries
or conversations."""

import pytest
from django.urls import reverse

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
    entries = []
    for number in range(count):
        entries.append(
            make_board_entry(
                kamnik_world["kamnik"] if number % 2 else make_municipality(f"Town {number}"),
                personas["coordinator"],
                title=f"Entry {number}",
                themes=themes[: number % 3 + 1],
                countries=["AT", "DE"][: number % 2 + 1],
            )
        )
    return entries


def add_conversations(personas, entries) -> None:
    for entry in entries:
        conversation = Conversation.objects.create(
            entry=entry,
            interested=personas["other_coordinator"],
            interested_municipality=entry.municipality,
        )
        for text in ("Hello", "Again"):
            Message.objects.create(
                conversation=conversation, sender=personas["other_coordinator"], text=text
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
    add_conversations(personas, add_entries(personas, kamnik_world, themes, count))
    client = client_as(personas, "coordinator")

    with django_assert_num_queries(4):
        response = client.get(reverse("board-inbox"))

    assert [c.unread for c in response.context["page"]] == [2] * count


# The entry page: the entry with its municipality, country and programme, its themes and
# wished countries; for a logged-in coordinator also the session, the user, their
# conversation on it and whether they moderate.
@pytest.mark.parametrize("count", [1, 15])
def test_the_entry_page_takes_a_fixed_number_of_queries(
    client, personas, kamnik_world, themes, count, django_assert_num_queries
):
    entries = add_entries(personas, kamnik_world, themes, count)
    add_conversations(personas, entries)
    entry = entries[-1]

    with django_assert_num_queries(3):
        client.get(entry.get_absolute_url())
    other = client_as(personas, "other_coordinator")
    with django_assert_num_queries(7):
        other.get(entry.get_absolute_url())
    author = client_as(personas, "coordinator")
    with django_assert_num_queries(7):
        author.get(entry.get_absolute_url())
