"""The migration that gives conversations to municipalities keeps every message."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.timezone import now

BEFORE = [("board", "0001_initial")]
AFTER = [("board", "0004_one_conversation_per_municipality")]


@pytest.mark.django_db(transaction=True)
def test_two_people_s_conversations_for_one_town_become_one_and_keep_every_message():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    User = apps.get_model("auth", "User")
    Country = apps.get_model("directory", "Country")
    Source = apps.get_model("directory", "Source")
    Municipality = apps.get_model("directory", "Municipality")
    Entry = apps.get_model("board", "Entry")
    Conversation = apps.get_model("board", "Conversation")
    Message = apps.get_model("board", "Message")
    country = Country.objects.create(code="SI", name_en="Slovenia")
    source = Source.objects.create(key="s", name="S", licence="CC0")
    kamnik, trofaiach = (
        Municipality.objects.create(
            name=name, slug=name, search_key=name, country=country, source=source,
            external_id=name, latitude=46, longitude=14,
        )
        for name in ("kamnik", "trofaiach")
    )  # fmt: skip
    author, first, second = (
        User.objects.create(username=name, email=f"{name}@example.org")
        for name in ("author", "first", "second")
    )
    entry = Entry.objects.create(
        municipality=kamnik, author=author, kind="request", purpose="twinning", title="T",
        text="x", deadline=now().date(), status="published", published_at=now(),
    )  # fmt: skip
    older, newer = (
        Conversation.objects.create(
            entry=entry, interested=person, interested_municipality=trofaiach
        )
        for person in (first, second)
    )
    Message.objects.create(conversation=older, sender=first, text="one")
    Message.objects.create(conversation=older, sender=author, text="two")
    Message.objects.create(conversation=newer, sender=second, text="three")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Conversation = apps.get_model("board", "Conversation")
    Message = apps.get_model("board", "Message")

    assert list(Conversation.objects.values_list("pk", flat=True)) == [older.pk]
    sides = dict(Message.objects.values_list("text", "municipality_id"))
    # "three" keeps the side it was written for when it moves to the kept conversation.
    assert sides == {"one": trofaiach.pk, "two": kamnik.pk, "three": trofaiach.pk}
    assert set(Message.objects.values_list("conversation_id", flat=True)) == {older.pk}
