"""Writes on the board that span several records and notify people: posting an entry,
expressing interest and replying, moderating, and mailing a saved search's alert.

Mail is queued when the transaction commits (atlas/jobs/mail.py): a mail server that is
down delays the mail, never the write."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.timezone import now
from django.utils.translation import gettext as _

from atlas.accounts.models import coordinator_emails
from atlas.accounts.services import deciders_of
from atlas.board.emails import send
from atlas.board.models import Conversation, Entry, Message, Report, SavedSearch, SentAlert
from atlas.directory.models import Country, Municipality, Theme
from atlas.lib.http import absolute

logger = logging.getLogger(__name__)


def post_entry(
    *, acting_user: Any, entry: Entry, themes: Iterable[Theme], countries: Iterable[Country]
) -> Entry:
    """Save a new `entry` by `acting_user`. It is published at once when they have a
    published entry already; otherwise it waits, and the moderators in scope are told."""
    with transaction.atomic():
        entry.author = acting_user
        trusted = Entry.objects.of_author(acting_user).published().exists()
        entry.status = Entry.Status.PUBLISHED if trusted else Entry.Status.PENDING
        entry.published_at = now() if trusted else None
        entry.save()
        entry.themes.set(themes)
        entry.countries.set(countries)
        if not trusted:
            send(
                "entry_pending",
                [e for e in deciders_of(entry.municipality) if e != acting_user.email],
                {"entry": entry, "link": absolute(reverse("board-moderation"))},
            )
    logger.info("User %s posted board entry %s (%s)", acting_user.pk, entry.pk, entry.status)
    return entry


def _notify(conversation: Conversation, message: Message) -> None:
    """Mail the current coordinators of the side that did not write `message`."""
    sender_side = message.municipality_id
    recipients = (
        conversation.interested_municipality
        if sender_side == conversation.entry.municipality_id
        else conversation.entry.municipality
    )
    send(
        "message",
        coordinator_emails(recipients.pk),
        {
            "conversation": conversation,
            "entry": conversation.entry,
            "message": message,
            "sender_municipality": message.municipality,
            "link": absolute(conversation.get_absolute_url()),
        },
    )


def express_interest(
    *, acting_user: Any, entry: Entry, municipality: Municipality, text: str
) -> Conversation:
    """`acting_user`, for `municipality` (which they coordinate), writes to the
    municipality of an open entry: its conversation with `municipality` starts, or goes
    on if the municipality wrote before. The entry's coordinators get a mail."""
    if municipality.pk == entry.municipality_id or entry.is_managed_by(acting_user):
        raise PermissionDenied
    with transaction.atomic():
        if not Entry.objects.open().filter(pk=entry.pk).exists():
            raise ValidationError(_("This entry is closed: it takes no new interest."))
        sent_at = now()
        conversation, _created = Conversation.objects.select_for_update().get_or_create(
            entry=entry,
            interested_municipality=municipality,
            defaults={"interested": acting_user, "last_message_at": sent_at},
        )
        message = Message.objects.create(
            conversation=conversation,
            sender=acting_user,
            municipality=municipality,
            text=text,
            created_at=sent_at,
        )
        conversation.last_message_at = conversation.interested_read_at = sent_at
        conversation.save(update_fields=["last_message_at", "interested_read_at"])
        _notify(conversation, message)
    logger.info("User %s wrote about board entry %s", acting_user.pk, entry.pk)
    return conversation


def reply(*, acting_user: Any, conversation: Conversation, text: str) -> Message:
    """A current coordinator of one of the two municipalities answers; the other side's
    coordinators get a mail. Raises PermissionDenied for anyone else (former coordinators
    included), ValidationError when a moderator hid the entry."""
    side = conversation.side_of(acting_user)
    if side is None:
        raise PermissionDenied
    if conversation.entry.is_hidden:
        raise ValidationError(
            _("A moderator hid this entry: its conversations take no new messages.")
        )
    with transaction.atomic():
        sent_at = now()
        message = Message.objects.create(
            conversation=conversation,
            sender=acting_user,
            municipality=conversation.municipality_of(side),
            text=text,
            created_at=sent_at,
        )
        conversation.last_message_at = sent_at
        read_field = "author_read_at" if side == Conversation.Side.ENTRY else "interested_read_at"
        setattr(conversation, read_field, sent_at)
        conversation.save(update_fields=["last_message_at", read_field])
        _notify(conversation, message)
    logger.info("User %s replied in board conversation %s", acting_user.pk, conversation.pk)
    return message


def moderate_entry(*, acting_user: Any, entry: Entry, action: str) -> Entry:
    """Approve a pending entry, hide one as spam, show a hidden one again, or dismiss the
    reports on one. Hiding and dismissing resolve the open reports. Raises
    PermissionDenied outside `acting_user`'s scope, ValidationError when the entry is no
    longer in a state the action applies to (another moderator was quicker)."""
    with transaction.atomic():
        entry = Entry.objects.select_for_update().select_related("author").get(pk=entry.pk)
        if not entry.can_be_moderated_by(acting_user):
            raise PermissionDenied
        moment = now()
        if action == "approve":
            if not entry.is_pending:
                raise ValidationError(_("This entry is no longer waiting for approval."))
            entry.status = Entry.Status.PUBLISHED
            entry.published_at = moment
            send(
                "entry_published",
                [entry.author.email],
                {"entry": entry, "link": absolute(entry.get_absolute_url())},
            )
        elif action == "hide":
            if entry.is_hidden:
                raise ValidationError(_("This entry is hidden already."))
            entry.status = Entry.Status.HIDDEN
        elif action == "unhide":
            if not entry.is_hidden:
                raise ValidationError(_("This entry is not hidden."))
            entry.status = Entry.Status.PUBLISHED
            entry.published_at = entry.published_at or moment
        elif action != "dismiss":
            raise ValueError(action)
        entry.moderated_by = acting_user
        entry.moderated_at = moment
        entry.save(update_fields=["status", "published_at", "moderated_by", "moderated_at"])
        if action in ("hide", "dismiss"):
            entry.reports.unresolved().update(resolved_at=moment, resolved_by=acting_user)
    logger.info("User %s: %s board entry %s", acting_user.pk, action, entry.pk)
    return entry


def report_entry(*, acting_user: Any, entry: Entry, reason: str) -> Report:
    """`acting_user` tells the moderators what is wrong with an entry; one open report
    per person and entry."""
    with transaction.atomic():
        if entry.reports.unresolved().filter(reporter_id=acting_user.pk).exists():
            raise ValidationError(
                _("You reported this entry already; the moderators will look at it.")
            )
        report = Report.objects.create(entry=entry, reporter=acting_user, reason=reason)
    logger.info("User %s reported board entry %s", acting_user.pk, entry.pk)
    return report


def send_alert(*, saved_search: SavedSearch, entries: list[Entry]) -> None:
    """Mail `entries` to the owner of `saved_search` and record them as sent, in one
    transaction: an entry is recorded exactly when its mail is queued."""
    with transaction.atomic():
        moment = now()
        SentAlert.objects.bulk_create(
            [SentAlert(saved_search=saved_search, entry=entry, sent_at=moment) for entry in entries]
        )
        saved_search.last_alert_at = moment
        saved_search.save(update_fields=["last_alert_at"])
        send(
            "alert",
            [saved_search.user.email],
            {
                "saved_search": saved_search,
                "entries": [(entry, absolute(entry.get_absolute_url())) for entry in entries],
                "list_link": absolute(saved_search.get_list_url()),
                "searches_link": absolute(reverse("board-searches")),
            },
        )
