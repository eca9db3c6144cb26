from django.core.management.base import BaseCommand
from django.utils import translation

from atlas.board import services
from atlas.board.models import SavedSearch


class Command(BaseCommand):
    help = (
        "Mail each saved search of the partner-search board its new matching entries: open "
        "entries published since the search was saved and not mailed for it before. Each "
        "mailed entry is recorded per saved search, so running it again sends nothing new. "
        "Meant for cron, e.g. hourly. With --dry-run, list what would be sent and write and "
        "send nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what would be sent; send no mail and record nothing.",
        )

    def handle(self, *args, dry_run: bool = False, **options):
        searches = SavedSearch.objects.filter(user__is_active=True).select_related("user")
        mails = entries_sent = 0
        for search in searches.order_by("pk").iterator():
            entries = list(search.new_entries())
            if not entries:
                continue
            # In the language the search was saved in.
            with translation.override(search.language):
                if dry_run:
                    self.stdout.write(
                        f"Would mail {len(entries)} entr{'y' if len(entries) == 1 else 'ies'} "
                        f"to saved search {search.pk} (user {search.user_id}): "
                        + ", ".join(str(entry.pk) for entry in entries)
                    )
                else:
                    services.send_alert(saved_search=search, entries=entries)
            mails += 1
            entries_sent += len(entries)
        verb = "Would send" if dry_run else "Sent"
        self.stdout.write(f"{verb} {mails} mail(s) with {entries_sent} entry(ies).")
