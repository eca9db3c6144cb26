"""The partner-search board ("offer and demand"): a municipality's coordinator posts that it
seeks a partner or offers to host, join or share; coordinators of other municipalities
answer in a conversation the site relays without showing anyone's e-mail address; staff
moderate; visitors save searches and get new matching entries by mail.

See docs/board.md."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q
from django.http import QueryDict
from django.urls import reverse
from django.utils.timezone import localdate, now
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from atlas.accounts.models import coordinated_municipality_ids, overseen_by
from atlas.directory.models import Country, FundingProgramme, Municipality, Theme

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from atlas.matchmaking.suggest import Seeker, Snapshot

    AnyUser = User | AnonymousUser

# The languages an entry can be written in and a municipality can work in: the site's own,
# then the other official languages of Europe that Django names in every interface language.
SITE_LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
OTHER_LANGUAGES = (
    "bg", "bs", "ca", "da", "el", "es", "et", "fi", "fr", "ga", "hr", "hu", "is", "it", "lb",
    "lt", "lv", "mk", "nb", "nl", "pl", "pt", "ro", "sq", "sr", "sv", "tr", "uk",
)  # fmt: skip
LANGUAGES = SITE_LANGUAGES + OTHER_LANGUAGES


def language_name(code: str) -> str:
    """The language's name in the active interface language (Django's own translations).

    >>> language_name("fr")
    'French'
    """
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def language_choices() -> list[tuple[str, str]]:
    """The site's languages first, then the others by their name in the active language."""
    others = sorted(OTHER_LANGUAGES, key=language_name)
    return [(code, language_name(code)) for code in (*SITE_LANGUAGES, *others)]


# Population bands of the posting municipality, for the list's "size" filter.
SIZE_BANDS: dict[str, tuple[int, int | None]] = {
    "small": (0, 5_000),
    "medium": (5_000, 20_000),
    "large": (20_000, 100_000),
    "city": (100_000, None),
}
SIZE_LABELS = {
    "small": _("under 5,000 inhabitants"),
    "medium": _("5,000 to 20,000 inhabitants"),
    "large": _("20,000 to 100,000 inhabitants"),
    "city": _("over 100,000 inhabitants"),
}
# What the list's "state" filter may ask for; an empty value means open entries.
STATES = ("open", "closed", "all")
# The query parameters of the list that a saved search keeps, in this order.
FILTERS = ("kind", "purpose", "theme", "country", "wished_country", "size", "language", "state")


class Purpose(models.TextChoices):
    TWINNING = "twinning", _("twinning")
    FUNDING_CALL = "funding_call", _("partner for a funding call")
    THEMATIC_NETWORK = "thematic_network", _("thematic network")
    EXCHANGE = "exchange", _("exchange of experience")
    SCHOOL_YOUTH = "school_youth", _("school or youth exchange")


class EntryQuerySet(models.QuerySet):
    def published(self) -> EntryQuerySet:
        return self.filter(status=Entry.Status.PUBLISHED)

    def open(self, today: date | None = None) -> EntryQuerySet:
        """Published, not closed by the author and the deadline not passed: the deadline
        day itself is still open."""
        today = today or localdate()
        return self.published().filter(closed_at__isnull=True, deadline__gte=today)

    def closed(self, today: date | None = None) -> EntryQuerySet:
        today = today or localdate()
        return self.published().filter(Q(closed_at__isnull=False) | Q(deadline__lt=today))

    def in_state(self, state: str) -> EntryQuerySet:
        if state == "closed":
            return self.closed()
        if state == "all":
            return self.published()
        return self.open()

    def moderated_by(self, user: AnyUser) -> EntryQuerySet:
        """The entries `user` may approve, hide and unhide: all for an administrator; for
        staff, those of municipalities in their countries and networks, never their own."""
        return overseen_by(user, self, own="author_id")

    def of_author(self, user: AnyUser) -> EntryQuerySet:
        return self.filter(author_id=user.pk) if user.is_authenticated else self.none()

    def managed_by(self, user: AnyUser) -> EntryQuerySet:
        """The entries `user` manages: those of the municipalities they coordinate now,
        whoever wrote them. An entry belongs to its municipality, not to its author: a
        colleague coordinator manages it too, and a former coordinator no longer does."""
        return self.filter(municipality_id__in=coordinated_municipality_ids(user))

    def matching(
        self,
        *,
        kind: str = "",
        purpose: str = "",
        theme: str = "",
        country: str = "",
        wished_country: str = "",
        size: str = "",
        language: str = "",
        **_ignored: Any,
    ) -> EntryQuerySet:
        """The entries that match the list's filters, given as their query-string values
        (a theme's slug, a country's code, a size band): what a saved search stores."""
        entries = self
        if kind:
            entries = entries.filter(kind=kind)
        if purpose:
            entries = entries.filter(purpose=purpose)
        if theme:
            entries = entries.filter(themes__slug=theme)
        if country:
            entries = entries.filter(municipality__country_id=country.upper())
        if wished_country:
            # Entries that name no country welcome partners from anywhere.
            entries = entries.filter(
                Q(countries__code=wished_country.upper()) | Q(countries__isnull=True)
            )
        if size in SIZE_BANDS:
            low, high = SIZE_BANDS[size]
            entries = entries.filter(municipality__population__gte=low)
            if high is not None:
                entries = entries.filter(municipality__population__lt=high)
        if language:
            entries = entries.filter(working_languages__contains=f",{language},")
        # The joins on themes and countries may repeat an entry.
        return entries.distinct() if theme or wished_country else entries

    def for_list(self) -> EntryQuerySet:
        return self.select_related("municipality__country").prefetch_related("themes")


class Entry(models.Model):
    """A notice on the partner-search board: a municipality seeks a partner (a request) or
    offers to host, join or share (an offer), for a purpose, until a deadline. Entries of
    people who have none published yet wait for staff approval."""

    class Kind(models.TextChoices):
        REQUEST = "request", _("request: we seek a partner")
        OFFER = "offer", _("offer: we host, join or share")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        PUBLISHED = "published", _("published")
        HIDDEN = "hidden", _("hidden by a moderator")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="board_entries",
        verbose_name=_("municipality"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="board_entries",
        verbose_name=_("author"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), max_length=5000)
    language = models.CharField(
        _("language of the text"), max_length=8, choices=language_choices, default="en"
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="board_entries", verbose_name=_("areas of cooperation")
    )
    countries = models.ManyToManyField(
        Country,
        blank=True,
        related_name="wished_in_board_entries",
        verbose_name=_("wished countries"),
        help_text=_("None: partners from any country are welcome."),
    )
    population_min = models.PositiveIntegerField(
        _("partner population from"), null=True, blank=True
    )
    population_max = models.PositiveIntegerField(
        _("partner population up to"), null=True, blank=True
    )
    # The codes between commas (",de,en,"), so that one language is a portable `contains`.
    working_languages = models.CharField(_("working languages"), max_length=200, blank=True)
    deadline = models.DateField(_("deadline"))
    programme = models.ForeignKey(
        FundingProgramme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="board_entries",
        verbose_name=_("funding programme"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last moderated by"),
    )
    moderated_at = models.DateTimeField(_("last moderated at"), null=True, blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at", "-pk"]
        verbose_name = _("board entry")
        verbose_name_plural = _("board entries")
        indexes = [models.Index(fields=["status", "deadline"], name="board_entry_status_deadline")]
        constraints = [
            models.CheckConstraint(
                condition=Q(population_min__isnull=True)
                | Q(population_max__isnull=True)
                | Q(population_min__lte=F("population_max")),
                name="board_entry_population_range",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "published", "hidden"]),
                name="board_entry_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="board_entry_published_at_when_published",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("board-entry", args=[self.pk])

    # --- State ----------------------------------------------------------------------------

    @property
    def is_expired(self) -> bool:
        return self.deadline < localdate()

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None or self.is_expired

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PUBLISHED and not self.is_closed

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_hidden(self) -> bool:
        return self.status == self.Status.HIDDEN

    @property
    def state(self) -> str:
        """What the pages show: pending, hidden, closed or open."""
        if self.status != self.Status.PUBLISHED:
            return self.status
        return "closed" if self.is_closed else "open"

    @property
    def state_label(self) -> str:
        labels = {
            "open": _("open"),
            "closed": _("closed"),
            "pending": _("waiting for approval"),
            "hidden": _("hidden by a moderator"),
        }
        return str(labels[self.state])

    # --- Working languages ------------------------------------------------------------------

    @property
    def working_language_codes(self) -> list[str]:
        return [code for code in self.working_languages.split(",") if code]

    def set_working_languages(self, codes: list[str]) -> None:
        ordered = [code for code in LANGUAGES if code in set(codes)]
        self.working_languages = f",{','.join(ordered)}," if ordered else ""

    @property
    def working_language_names(self) -> list[str]:
        return [language_name(code) for code in self.working_language_codes]

    @property
    def language_name(self) -> str:
        return language_name(self.language)

    # --- Who may do what --------------------------------------------------------------------

    def is_managed_by(self, user: AnyUser) -> bool:
        """Whether `user` may edit and close the entry and speak for its municipality in
        its conversations (`EntryQuerySet.managed_by`; one query)."""
        if not user.is_authenticated:
            return False
        return (
            coordinated_municipality_ids(user).filter(municipality_id=self.municipality_id).exists()
        )

    def can_be_moderated_by(self, user: AnyUser) -> bool:
        return Entry.objects.moderated_by(user).filter(pk=self.pk).exists()

    def is_visible_to(self, user: AnyUser) -> bool:
        """Published entries, open or not, are public; pending and hidden ones only for
        those who manage it and the moderators in scope."""
        if self.status == self.Status.PUBLISHED:
            return True
        return self.is_managed_by(user) or self.can_be_moderated_by(user)

    # --- Writes -----------------------------------------------------------------------------

    def save_edit(self, *, version: int, themes, countries) -> bool:
        """Save the fields set on this instance if nobody saved the entry since `version`;
        False (and nothing written) when someone did. The conditional UPDATE decides, so two
        concurrent saves cannot both win, on SQLite as on PostgreSQL."""
        fields = [
            "kind",
            "purpose",
            "title",
            "text",
            "language",
            "population_min",
            "population_max",
            "working_languages",
            "deadline",
            "programme",
        ]
        with transaction.atomic():
            claimed = Entry.objects.filter(pk=self.pk, version=version).update(
                version=F("version") + 1,
                updated_at=now(),
                **{name: getattr(self, name) for name in fields},
            )
            if not claimed:
                return False
            self.themes.set(themes)
            self.countries.set(countries)
        self.version = version + 1
        return True

    def close(self) -> None:
        """A coordinator of its municipality closes the entry: it leaves the open list and
        takes no new interest. Closing also moves the version on, so an edit form opened
        before is refused."""
        if self.closed_at is None:
            self.closed_at = now()
            Entry.objects.filter(pk=self.pk).update(
                closed_at=self.closed_at, version=F("version") + 1
            )
            self.version += 1

    # --- Matchmaking ------------------------------------------------------------------------

    def as_seeker(self, snapshot: Snapshot) -> Seeker:
        """The entry as matchmaking's seeker: the municipality's place, partners and
        networks, with the entry's themes, wished countries, population range and working
        languages."""
        seeker = snapshot.seeker(self.municipality)
        seeker.themes = frozenset(theme.pk for theme in self.themes.all())
        seeker.wished_countries = frozenset(country.pk for country in self.countries.all())
        seeker.population_range = (self.population_min, self.population_max)
        seeker.languages = tuple(self.working_language_codes) or seeker.languages
        return seeker


class ConversationQuerySet(models.QuerySet):
    def of(self, user: AnyUser) -> ConversationQuerySet:
        """The conversations `user` takes part in: those about entries of a municipality
        they coordinate now, and those a municipality they coordinate now started."""
        ids = coordinated_municipality_ids(user)
        return self.filter(
            Q(entry__municipality_id__in=ids) | Q(interested_municipality_id__in=ids)
        )

    def with_sides(self, user: AnyUser) -> ConversationQuerySet:
        """Annotate `for_entry`: whether `user` speaks for the entry's municipality in it
        (else for the interested one), as `Conversation.side_of` decides."""
        ids = coordinated_municipality_ids(user)
        return self.annotate(
            for_entry=ExpressionWrapper(
                Q(entry__municipality_id__in=ids), output_field=BooleanField()
            )
        )

    def with_unread_counts(self, user: AnyUser) -> ConversationQuerySet:
        """Annotate `unread`: messages from the other side since `user`'s side last read
        the conversation (any of its coordinators, as they share the conversation)."""
        ids = coordinated_municipality_ids(user)
        mine_as_interested = Q(interested_municipality_id__in=ids) & (
            Q(interested_read_at__isnull=True) | Q(messages__created_at__gt=F("interested_read_at"))
        )
        mine_as_entry = Q(entry__municipality_id__in=ids) & (
            Q(author_read_at__isnull=True) | Q(messages__created_at__gt=F("author_read_at"))
        )
        return self.annotate(
            unread=Count(
                "messages",
                filter=~Q(messages__municipality_id__in=ids)
                & ~Q(messages__sender_id=user.pk)
                & (mine_as_interested | mine_as_entry),
            )
        )


class Conversation(models.Model):
    """What another municipality and the entry's municipality write each other about the
    entry, through their coordinators. The site relays it: nobody sees another's e-mail
    address. It belongs to the two municipalities, not to the people who wrote: the
    current coordinators of each side read and answer it, former ones no longer do."""

    class Side(models.TextChoices):
        ENTRY = "entry", _("the entry's municipality")
        INTERESTED = "interested", _("the interested municipality")

    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="conversations", verbose_name=_("entry")
    )
    interested = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="board_conversations",
        verbose_name=_("started by"),
    )
    interested_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("interested municipality"),
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    last_message_at = models.DateTimeField(_("last message at"), default=now)
    author_read_at = models.DateTimeField(
        _("read by the entry's municipality at"), null=True, blank=True
    )
    interested_read_at = models.DateTimeField(
        _("read by the interested municipality at"), null=True, blank=True
    )

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ["-last_message_at", "-pk"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "interested_municipality"],
                name="board_conversation_one_per_municipality",
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry} – {self.interested_municipality}"

    def get_absolute_url(self) -> str:
        return reverse("board-conversation", args=[self.pk])

    def side_of(self, user: AnyUser) -> str | None:
        """The side `user` speaks for (`Side`), as a current coordinator of its
        municipality, or None; one query. Someone who coordinates both municipalities
        speaks for the entry's."""
        if not user.is_authenticated:
            return None
        sides = {self.entry.municipality_id: self.Side.ENTRY}
        sides.setdefault(self.interested_municipality_id, self.Side.INTERESTED)
        theirs = set(coordinated_municipality_ids(user).filter(municipality_id__in=list(sides)))
        if self.entry.municipality_id in theirs:
            return self.Side.ENTRY
        return self.Side.INTERESTED if self.interested_municipality_id in theirs else None

    def municipality_of(self, side: str) -> Municipality:
        return self.entry.municipality if side == self.Side.ENTRY else self.interested_municipality

    def mark_read(self, side: str) -> None:
        field = "author_read_at" if side == self.Side.ENTRY else "interested_read_at"
        setattr(self, field, now())
        Conversation.objects.filter(pk=self.pk).update(**{field: getattr(self, field)})


class Message(models.Model):
    """One message of a conversation."""

    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("conversation"),
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("sender"),
    )
    # The side the sender wrote for: a colleague's message is their municipality's too.
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent for"),
    )
    text = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(_("sent at"), default=now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return self.text[:60]


class ReportQuerySet(models.QuerySet):
    def unresolved(self) -> ReportQuerySet:
        return self.filter(resolved_at__isnull=True)


class Report(models.Model):
    """Someone's note to the moderators that an entry is spam, misleading or abusive."""

    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="reports", verbose_name=_("entry")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="board_reports",
        verbose_name=_("reported by"),
    )
    reason = models.TextField(_("reason"), max_length=2000)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "reporter"],
                condition=Q(resolved_at__isnull=True),
                name="board_report_one_open_per_person",
            )
        ]

    def __str__(self) -> str:
        return str(_("Report on %(entry)s") % {"entry": self.entry})


def parse_query(query: str) -> dict[str, str]:
    """The list's filters in a query string, as keyword arguments of `matching`.

    >>> parse_query("kind=offer&theme=culture&page=3")
    {'kind': 'offer', 'theme': 'culture'}
    """
    data = QueryDict(query)
    return {name: data[name] for name in FILTERS if data.get(name)}


class SavedSearch(models.Model):
    """A person's filters of the board's list, kept so that `send_alerts` can mail them the
    open entries that match and were published after the search was saved."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="board_searches",
        verbose_name=_("user"),
    )
    query = models.CharField(
        _("filters"),
        max_length=1000,
        blank=True,
        help_text=_("The list's query string, as validated by its form."),
    )
    language = models.CharField(
        _("language of the alerts"),
        max_length=8,
        default="en",
        help_text=_("The interface language in which the search was saved."),
    )
    created_at = models.DateTimeField(_("saved at"), default=now)
    last_alert_at = models.DateTimeField(_("last alert at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        constraints = [
            models.UniqueConstraint(fields=["user", "query"], name="board_saved_search_unique")
        ]

    def __str__(self) -> str:
        return self.query or "-"

    def get_list_url(self) -> str:
        url = reverse("board")
        return f"{url}?{self.query}" if self.query else url

    def new_entries(self) -> EntryQuerySet:
        """Open entries that match, published after the search was saved, by someone else,
        and not yet sent for this search."""
        filters = parse_query(self.query)
        return (
            Entry.objects.open()
            .matching(**filters)
            .filter(published_at__gt=self.created_at)
            .exclude(author_id=self.user_id)
            .exclude(pk__in=SentAlert.objects.filter(saved_search=self).values("entry_id"))
            .select_related("municipality__country")
            .order_by("published_at", "pk")
        )


class SentAlert(models.Model):
    """That `send_alerts` mailed an entry for a saved search: it is never mailed again."""

    saved_search = models.ForeignKey(
        SavedSearch, on_delete=models.CASCADE, related_name="sent", verbose_name=_("saved search")
    )
    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="+", verbose_name=_("entry")
    )
    sent_at = models.DateTimeField(_("sent at"), default=now)

    class Meta:
        verbose_name = _("sent alert")
        verbose_name_plural = _("sent alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["saved_search", "entry"], name="board_sent_alert_once_per_entry"
            )
        ]

    def __str__(self) -> str:
        return f"{self.saved_search_id} → {self.entry_id}"
