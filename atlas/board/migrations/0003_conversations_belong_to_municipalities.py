from django.db import migrations
from django.db.models import Count, Max, OuterRef, Subquery


def conversations_to_municipalities(apps, schema_editor):
    """Each message is marked with the side its sender wrote for, and the conversations
    that two people of one municipality started about one entry become one (the older
    keeps the messages of both), as conversations now belong to municipalities."""
    Conversation = apps.get_model("board", "Conversation")
    Message = apps.get_model("board", "Message")
    conversations = Conversation.objects.filter(pk=OuterRef("conversation_id"))
    Message.objects.filter(sender_id=Subquery(conversations.values("interested_id"))).update(
        municipality_id=Subquery(conversations.values("interested_municipality_id"))
    )
    Message.objects.filter(
        municipality__isnull=True,
        sender_id=Subquery(conversations.values("entry__author_id")),
    ).update(municipality_id=Subquery(conversations.values("entry__municipality_id")))
    twice = (
        Conversation.objects.values("entry_id", "interested_municipality_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    for pair in twice:
        group = list(
            Conversation.objects.filter(
                entry_id=pair["entry_id"],
                interested_municipality_id=pair["interested_municipality_id"],
            ).order_by("created_at", "pk")
        )
        kept, others = group[0], group[1:]
        Message.objects.filter(conversation__in=others).update(conversation=kept)
        kept.last_message_at = Message.objects.filter(conversation=kept).aggregate(
            last=Max("created_at")
        )["last"] or kept.last_message_at
        kept.save(update_fields=["last_message_at"])
        Conversation.objects.filter(pk__in=[c.pk for c in others]).delete()


class Migration(migrations.Migration):
    """Data only: PostgreSQL refuses to change a table's schema in the transaction that
    changed its rows (pending trigger events), so the schema changes are 0002 and 0004."""

    dependencies = [("board", "0002_message_municipality")]

    operations = [
        migrations.RunPython(conversations_to_municipalities, migrations.RunPython.noop),
    ]
