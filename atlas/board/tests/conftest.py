"""Board fixtures around Kamnik: an entry of Kamnik by its coordinator (conftest.personas),
a pending one, a hidden one, and a conversation with the coordinator of Trofaiach."""

from datetime import timedelta

import pytest
from django.utils.timezone import localdate

from atlas.board.models import Conversation, Entry, Message
from conftest import make_board_entry


def entry_data(municipality, **extra) -> dict:
    """What the entry form posts for a valid entry of `municipality`."""
    return {
        "municipality": municipality.pk,
        "kind": "request",
        "purpose": "twinning",
        "title": "Small Alpine town seeks a twin town",
        "text": "We would like a partner for school exchanges and culture.",
        "language": "en",
        "deadline": (localdate() + timedelta(days=60)).isoformat(),
        "working_languages": ["en", "de"],
        **extra,
    }


@pytest.fixture
def entry(personas, kamnik_world) -> Entry:
    """Kamnik's published, open request, by its coordinator."""
    return make_board_entry(
        kamnik_world["kamnik"], personas["coordinator"], title="Kamnik seeks a twin town"
    )


@pytest.fixture
def pending_entry(personas, kamnik_world) -> Entry:
    return make_board_entry(
        kamnik_world["kamnik"],
        personas["coordinator"],
        title="Kamnik offers a youth camp",
        kind=Entry.Kind.OFFER,
        status=Entry.Status.PENDING,
    )


@pytest.fixture
def hidden_entry(personas, kamnik_world) -> Entry:
    return make_board_entry(
        kamnik_world["kamnik"], personas["coordinator"], status=Entry.Status.HIDDEN
    )


@pytest.fixture
def conversation(personas, kamnik_world, entry) -> Conversation:
    """Trofaiach's coordinator wrote to Kamnik about its entry."""
    conversation = Conversation.objects.create(
        entry=entry,
        interested=personas["other_coordinator"],
        interested_municipality=kamnik_world["trofaiach"],
    )
    Message.objects.create(
        conversation=conversation,
        sender=personas["other_coordinator"],
        municipality=kamnik_world["trofaiach"],
        text="Hello from Styria",
    )
    return conversation
