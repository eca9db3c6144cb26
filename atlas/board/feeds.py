from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from atlas.board.forms import BoardFilterForm
from atlas.board.models import Entry

FEED_LENGTH = 50


class OpenEntriesFeed(Feed):
    """The newest open entries as an Atom feed, with the list's filters (its `state`
    filter aside: a feed has open entries only)."""

    feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs) -> BoardFilterForm:
        return BoardFilterForm(request.GET)

    def _filters(self, form: BoardFilterForm) -> dict[str, str]:
        return {name: value for name, value in form.filters().items() if name != "state"}

    def title(self, form: BoardFilterForm) -> str:
        described = form.describe(self._filters(form))
        title = _("Partner search board: open entries")
        return f"{title} ({'; '.join(described)})" if described else title

    def subtitle(self, form: BoardFilterForm) -> str:
        return _("Municipalities that seek partners or offer cooperation, on Twinning Atlas.")

    def link(self, form: BoardFilterForm) -> str:
        query = urlencode(self._filters(form))
        return reverse("board") + (f"?{query}" if query else "")

    def items(self, form: BoardFilterForm):
        entries = Entry.objects.open().matching(**self._filters(form))
        return entries.for_list().order_by("-published_at", "-pk")[:FEED_LENGTH]

    def item_title(self, entry: Entry) -> str:
        return f"{entry.municipality.name}: {entry.title}"

    def item_description(self, entry: Entry) -> str:
        # Atom's summary is HTML: the entry's text goes in escaped.
        facts = " · ".join(
            [
                str(entry.get_kind_display()),
                str(entry.get_purpose_display()),
                _("deadline %(date)s") % {"date": entry.deadline.isoformat()},
            ]
        )
        return linebreaks(facts, autoescape=True) + linebreaks(entry.text, autoescape=True)

    def item_link(self, entry: Entry) -> str:
        return entry.get_absolute_url()

    def item_pubdate(self, entry: Entry):
        return entry.published_at

    def item_updateddate(self, entry: Entry):
        return entry.updated_at

    def item_author_name(self, entry: Entry) -> str:
        # The municipality speaks, not the person: no name, no address.
        return entry.municipality.name

    def item_categories(self, entry: Entry) -> list[str]:
        return [str(entry.get_purpose_display()), *(theme.name for theme in entry.themes.all())]
