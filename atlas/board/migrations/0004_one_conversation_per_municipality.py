from django.conf import settings
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Apart from 0003: PostgreSQL refuses to alter a table in the transaction that just
    changed its rows (pending trigger events)."""

    dependencies = [
        ('board', '0003_conversations_belong_to_municipalities'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='conversation',
            name='author_read_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name="read by the entry's municipality at"),
        ),
        migrations.AlterField(
            model_name='conversation',
            name='interested',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='board_conversations', to=settings.AUTH_USER_MODEL, verbose_name='started by'),
        ),
        migrations.AlterField(
            model_name='conversation',
            name='interested_read_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='read by the interested municipality at'),
        ),
        migrations.AddConstraint(
            model_name='conversation',
            constraint=models.UniqueConstraint(fields=('entry', 'interested_municipality'), name='board_conversation_one_per_municipality'),
        ),
    ]
