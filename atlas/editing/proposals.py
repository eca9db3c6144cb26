"""Partnership proposals: one municipality's coordinator proposes a partnership, the other
municipality's coordinator (or staff over it) confirms or refuses it, the proposer may
withdraw it. A proposal is not public; confirming it makes the public `Partnership`
through the history core (`services.create` or `services.restore`), so the change shows in
both towns' history and touches the data stamp.

Both sides own a partnership: a change to its kind, status, dates or areas of cooperation
(`SHARED_FIELDS`) by one side is a proposal of the same kind (`Action.CHANGE`) that the
other side confirms, when the other side has coordinators; when it has none, the change
applies at once with a notice to those who would hear of a proposal (`edit_partnership`).

Mail is queued when the transaction commits (atlas/jobs/mail.py): a mail server that is
down delays the mail, never the proposal. Mails name municipalities, never the
people or their addresses: the other side sees no e-mail address."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.timezone import now
from django.utils.translation import gettext as _

from atlas.accounts.access import can_edit
from atlas.accounts.models import CoordinatorRole, StaffRole, coordinator_emails
from atlas.directory.models import Municipality, Partnership, PartnershipProposal, Source
from atlas.editing import services
from atlas.editing.history import field_changes
from atlas.jobs.mail import queue_mail
from atlas.lib.http import absolute

logger = logging.getLogger(__name__)

Status = PartnershipProposal.Status
Action = PartnershipProposal.Action

# The fields of a partnership that both sides own: one side's change to them waits for the
# other side. The notes (and the activities) are each side's own word: they apply at once.
SHARED_FIELDS = ("kind", "status", "start_year", "start_date", "end_year", "end_date", "themes")


def contacts_of(municipality: Municipality) -> list[str]:
    """Who hears about a proposal to `municipality`: its approved coordinators; when it has
    none, the staff of its country; when there are none either, the administrators (so that
    a proposal never waits unseen)."""
    emails = coordinator_emails(municipality.pk)
    if not emails:
        User = get_user_model()
        staff = StaffRole.objects.filter(country_id=municipality.country_id).values("user_id")
        emails = list(
            User.objects.filter(is_active=True, pk__in=staff).values_list("email", flat=True)
        )
    if not emails:
        emails = list(
            get_user_model()
            .objects.filter(is_active=True, is_superuser=True)
            .values_list("email", flat=True)
        )
    return [email for email in emails if email]


def notify(template: str, recipients: Iterable[str], context: dict[str, Any]) -> None:
    """One plain-text mail per recipient from templates/editing/email/<template>.txt, so
    nobody sees the others' addresses."""
    recipients = sorted(set(recipients))
    if not recipients:
        return
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    subject = render_to_string(f"editing/email/{template}_subject.txt", context)
    body = render_to_string(f"editing/email/{template}.txt", context)
    queue_mail(subject, body, recipients)


def problem_with(proposer: Municipality, partner: Municipality, kind: str) -> str | None:
    """Why `proposer` may not propose a partnership of `kind` to `partner`, or None."""
    if proposer.pk == partner.pk:
        return _("A municipality cannot be its own partner.")
    if (
        Partnership.objects.filter(kind=kind)
        .filter(
            Q(municipality_a=proposer, municipality_b=partner)
            | Q(municipality_a=partner, municipality_b=proposer)
        )
        .exists()
    ):
        return _(
            "%(partner)s is already a partner of %(proposer)s in the atlas with this kind of "
            "partnership. Edit that partnership instead."
        ) % {"partner": partner.name, "proposer": proposer.name}
    pending = PartnershipProposal.objects.filter(
        status=Status.PENDING, action=Action.NEW, kind=kind
    )
    if pending.filter(proposer=proposer, partner=partner).exists():
        return _(
            "%(proposer)s has already proposed this partnership to %(partner)s; it is waiting "
            "for their confirmation."
        ) % {"partner": partner.name, "proposer": proposer.name}
    if pending.filter(proposer=partner, partner=proposer).exists():
        return _(
            "%(partner)s has already proposed this partnership to %(proposer)s: confirm it in "
            "the list of proposals received."
        ) % {"partner": partner.name, "proposer": proposer.name}
    return None


def proposals_link(municipality: Municipality, proposal: PartnershipProposal) -> str:
    return absolute(reverse("edit-partnerships", args=[municipality.slug])) + (
        f"#proposal-{proposal.pk}"
    )


def propose(
    *,
    acting_user: Any,
    proposer: Municipality,
    partner: Municipality,
    kind: str,
    start_year: int | None = None,
    message: str = "",
) -> PartnershipProposal:
    """`acting_user` proposes, for `proposer`, a partnership with `partner`; the partner's
    coordinators (or staff) are mailed a link to confirm it. Raises PermissionDenied when
    they may not edit `proposer`, ValidationError when the proposal is not possible."""
    with transaction.atomic():
        if not can_edit(acting_user, proposer):
            raise PermissionDenied
        problem = problem_with(proposer, partner, kind)
        if problem:
            raise ValidationError(problem)
        try:
            with transaction.atomic():
                proposal = PartnershipProposal.objects.create(
                    proposer=proposer,
                    partner=partner,
                    kind=kind,
                    start_year=start_year,
                    message=message,
                    proposed_by=acting_user,
                )
        except IntegrityError:  # the same proposal, sent a moment ago from another tab
            raise ValidationError(
                _("This partnership has just been proposed; it is waiting for confirmation.")
            ) from None
        notify(
            "proposal_received",
            [e for e in contacts_of(partner) if e != acting_user.email],
            {"proposal": proposal, "link": proposals_link(partner, proposal)},
        )
    logger.info("User %s proposed partnership proposal %s", acting_user.pk, proposal.pk)
    return proposal


def _pending(proposal: PartnershipProposal) -> PartnershipProposal:
    """The proposal, locked for the decision, or ValidationError when already decided."""
    proposal = (
        PartnershipProposal.objects.select_for_update(of=("self",))
        .select_related("proposer__country", "partner__country", "proposed_by")
        .get(pk=proposal.pk)
    )
    if proposal.status != Status.PENDING:
        raise ValidationError(
            _("This proposal is already %(status)s.") % {"status": proposal.get_status_display()}
        )
    return proposal


def _decide(proposal: PartnershipProposal, status: str, acting_user: Any) -> None:
    proposal.status = status
    proposal.decided_by = acting_user
    proposal.decided_at = now()
    proposal.save(update_fields=["status", "decided_by", "decided_at", "partnership", "applied_as"])


def _proposer_side(proposal: PartnershipProposal, acting_user: Any) -> list[str]:
    """Who hears about the decision: the proposer's coordinators and whoever proposed."""
    emails = set(coordinator_emails(proposal.proposer_id))
    if proposal.proposed_by and proposal.proposed_by.is_active and proposal.proposed_by.email:
        emails.add(proposal.proposed_by.email)
    emails.discard(acting_user.email)
    return sorted(emails)


def confirm(*, acting_user: Any, proposal: PartnershipProposal) -> Partnership:
    """`acting_user`, for the partner, confirms `proposal`: the partnership becomes public
    (created, or restored when the same pair and kind was deleted before), or the proposed
    change is applied to it, and the proposer side is told by mail. Raises PermissionDenied
    when they may not edit the partner, ValidationError when the proposal was decided
    already, or when it is a change that is out of date (then it is marked so)."""
    problem = ""
    with transaction.atomic():
        proposal = _pending(proposal)
        if not can_edit(acting_user, proposal.partner):
            raise PermissionDenied
        if proposal.is_change:
            partnership, problem = _confirm_change(proposal, acting_user)
        else:
            partnership = _confirm_new(proposal, acting_user)
    if problem:
        # Raised after the transaction, so that the proposal stays marked out of date.
        raise ValidationError(problem)
    logger.info("User %s confirmed partnership proposal %s", acting_user.pk, proposal.pk)
    return partnership


def _confirm_new(proposal: PartnershipProposal, acting_user: Any) -> Partnership:
    a, b = sorted((proposal.proposer, proposal.partner), key=lambda m: m.pk)
    partnership = Partnership.all_objects.filter(
        municipality_a=a, municipality_b=b, kind=proposal.kind
    ).first()
    if partnership is None:
        partnership = Partnership(
            external_id=f"atlas:proposal:{proposal.pk}",
            municipality_a=a,
            municipality_b=b,
            kind=proposal.kind,
            status=Partnership.Status.ACTIVE,
            start_year=proposal.start_year,
        )
        services.create(
            partnership, acting_user=acting_user, many={"sources": [Source.coordinators()]}
        )
    elif partnership.deleted_at is not None:
        # The two towns are partners again: bring the old record back, with its
        # history and activities, as an active partnership.
        services.restore(partnership, acting_user=acting_user)
        services.update(
            partnership,
            acting_user=acting_user,
            version=partnership.version,
            values={
                "status": Partnership.Status.ACTIVE,
                "start_year": proposal.start_year or partnership.start_year,
                "end_year": None,
                "end_date": None,
            },
        )
        partnership.sources.add(Source.coordinators())
    # else: it was added in the meantime (by staff, or a dataset load); confirming
    # links the proposal to it and changes nothing.
    proposal.partnership = partnership
    _decide(proposal, Status.CONFIRMED, acting_user)
    notify(
        "proposal_decided",
        _proposer_side(proposal, acting_user),
        {"proposal": proposal, "link": absolute(partnership_url(partnership))},
    )
    return partnership


def partnership_url(partnership: Partnership) -> str:
    return reverse("partnership", args=[partnership.pk])


def refuse(*, acting_user: Any, proposal: PartnershipProposal) -> PartnershipProposal:
    """`acting_user`, for the partner, refuses `proposal`; the proposer side is told. A
    refused change leaves the partnership as it is."""
    with transaction.atomic():
        proposal = _pending(proposal)
        if not can_edit(acting_user, proposal.partner):
            raise PermissionDenied
        _decide(proposal, Status.REFUSED, acting_user)
        if proposal.is_change:
            _tell_change_decided(proposal, acting_user)
        else:
            notify(
                "proposal_decided",
                _proposer_side(proposal, acting_user),
                {
                    "proposal": proposal,
                    "link": absolute(reverse("edit-partnerships", args=[proposal.proposer.slug])),
                },
            )
    logger.info("User %s refused partnership proposal %s", acting_user.pk, proposal.pk)
    return proposal


def withdraw(*, acting_user: Any, proposal: PartnershipProposal) -> PartnershipProposal:
    """`acting_user`, for the proposer, withdraws `proposal`. Nobody is mailed: the
    partner's list simply no longer shows it."""
    with transaction.atomic():
        proposal = _pending(proposal)
        if not can_edit(acting_user, proposal.proposer):
            raise PermissionDenied
        _decide(proposal, Status.WITHDRAWN, acting_user)
    logger.info("User %s withdrew partnership proposal %s", acting_user.pk, proposal.pk)
    return proposal


# Changes to a partnership by one side


def has_coordinators(municipality: Municipality) -> bool:
    """Whether `municipality` has an approved coordinator with an active account: someone
    who can be asked to confirm a change."""
    return CoordinatorRole.objects.current().filter(municipality=municipality).exists()


@dataclass(frozen=True)
class Consent:
    """Whose agreement `acting_user`'s edit of a partnership needs. `side` is the town
    they act for and `other` the other one; both are None when they may edit both towns
    (administrators, staff over both countries), whose edits apply at once. `asks`: the
    other town has coordinators, who confirm a change to the shared fields."""

    side: Municipality | None
    other: Municipality | None
    asks: bool


def consent_for(acting_user: Any, partnership: Partnership) -> Consent:
    """Raises PermissionDenied when `acting_user` may edit neither town."""
    a, b = partnership.municipality_a, partnership.municipality_b
    for_a, for_b = can_edit(acting_user, a), can_edit(acting_user, b)
    if for_a and for_b:
        return Consent(side=None, other=None, asks=False)
    if not (for_a or for_b):
        raise PermissionDenied
    side, other = (a, b) if for_a else (b, a)
    return Consent(side=side, other=other, asks=has_coordinators(other))


@dataclass
class Edited:
    """What became of an edit: the change applied at once (None when nothing applied at
    once), the proposal waiting for the other side, the town told of a change applied
    without asking it (it has no coordinators)."""

    change: Any = None
    proposal: PartnershipProposal | None = None
    noticed: Municipality | None = None


def edit_partnership(
    *,
    acting_user: Any,
    partnership: Partnership,
    version: int,
    values: dict[str, Any],
    message: str = "",
) -> Edited:
    """`acting_user` saves `values` (as the partnership form cleans them) on
    `partnership`, opened at `version`. Changes to `SHARED_FIELDS` become a proposal to
    the other town when it has coordinators (a pending one of the same side is replaced),
    the rest applies at once; when the other town has no coordinators everything applies
    at once and it is told. Raises `services.Conflict` on a stale version, PermissionDenied
    when the user may edit neither town."""
    with transaction.atomic():
        consent = consent_for(acting_user, partnership)
        before, after = services.changed_values(partnership, values)
        shared = [name for name in after if name in SHARED_FIELDS]
        if not (consent.asks and shared):
            change = services.update(
                partnership, acting_user=acting_user, version=version, values=values
            )
            if change is None or consent.other is None or not shared:
                return Edited(change=change)
            notify(
                "change_applied",
                [e for e in contacts_of(consent.other) if e != acting_user.email],
                {
                    "side": consent.side,
                    "other": consent.other,
                    "fields": field_changes(Partnership, [(change.before, change.after)])[0],
                    "link": absolute(
                        reverse("edit-partnership", args=[consent.other.slug, partnership.pk])
                    ),
                },
            )
            return Edited(change=change, noticed=consent.other)
        assert consent.side is not None and consent.other is not None
        # The side's own fields apply at once; this also refuses a stale form.
        own = {name: value for name, value in values.items() if name not in SHARED_FIELDS}
        change = services.update(partnership, acting_user=acting_user, version=version, values=own)
        replaced = (
            PartnershipProposal.objects.select_for_update()
            .filter(
                action=Action.CHANGE,
                status=Status.PENDING,
                partnership=partnership,
                proposer=consent.side,
            )
            .first()
        )
        if replaced is not None:
            _decide(replaced, Status.REPLACED, acting_user)
        try:
            with transaction.atomic():
                proposal = PartnershipProposal.objects.create(
                    action=Action.CHANGE,
                    proposer=consent.side,
                    partner=consent.other,
                    partnership=partnership,
                    kind=partnership.kind,
                    values={name: after[name] for name in shared},
                    before={name: before[name] for name in shared},
                    base_version=partnership.version,
                    message=message,
                    proposed_by=acting_user,
                )
        except IntegrityError:  # the same side proposed a change a moment ago
            raise ValidationError(
                _("A change to this partnership has just been proposed; reload the page.")
            ) from None
        notify(
            "change_received",
            [e for e in coordinator_emails(consent.other.pk) if e != acting_user.email],
            {
                "proposal": proposal,
                "fields": with_fields([proposal])[0].fields,  # type: ignore[attr-defined]
                "link": proposals_link(consent.other, proposal),
            },
        )
    logger.info("User %s proposed partnership change %s", acting_user.pk, proposal.pk)
    return Edited(change=change, proposal=proposal)


def with_fields(proposals: Iterable[PartnershipProposal]) -> list[PartnershipProposal]:
    """The proposals, each change with `fields`: the changed fields as people read them,
    now and as proposed. One query per kind of related record (themes), however many."""
    proposals = list(proposals)
    changes = [proposal for proposal in proposals if proposal.is_change]
    described = field_changes(Partnership, [(p.before, p.values) for p in changes])
    for proposal, fields in zip(changes, described, strict=True):
        proposal.fields = fields  # type: ignore[attr-defined]
    return proposals


def pending_changes(partnership: Partnership) -> list[PartnershipProposal]:
    """The changes to `partnership` waiting for confirmation, from either side."""
    return with_fields(
        PartnershipProposal.objects.filter(
            action=Action.CHANGE, status=Status.PENDING, partnership=partnership
        ).select_related("proposer__country", "partner__country")
    )


def out_of_date(proposal: PartnershipProposal, partnership: Partnership) -> str:
    """Why the proposed change can no longer be applied as proposed, or "": the
    partnership was deleted, or changed since in a field that the proposal changes (to
    another value than the proposed one). Changes of other fields do not matter."""
    if partnership.deleted_at is not None:
        return _("The partnership has been deleted since this change was proposed.")
    if partnership.version == proposal.base_version:
        return ""
    current = services.values_of(partnership)
    moved = [
        name
        for name, value in proposal.values.items()
        if current.get(name) not in (proposal.before.get(name), value)
    ]
    if not moved:
        return ""
    labels = ", ".join(
        str(getattr(Partnership._meta.get_field(name), "verbose_name", name)) for name in moved
    )
    return _(
        "The partnership has been changed since %(proposer)s proposed this change, in the "
        "same fields (%(fields)s). Nothing was changed: the proposal is out of date, and "
        "%(proposer)s can propose the change again."
    ) % {"proposer": proposal.proposer.name, "fields": labels}


def _confirm_change(proposal: PartnershipProposal, acting_user: Any) -> tuple[Partnership, str]:
    """Apply the proposed change (recorded as a change by `acting_user`, linked to the
    proposal), or mark the proposal out of date and say why."""
    assert proposal.partnership_id is not None  # a change always names its partnership
    partnership = (
        Partnership.all_objects.select_for_update(of=("self",))
        .select_related("municipality_a", "municipality_b")
        .get(pk=proposal.partnership_id)
    )
    problem = out_of_date(proposal, partnership)
    if not problem:
        try:
            with transaction.atomic():
                proposal.applied_as = services.update(
                    partnership,
                    acting_user=acting_user,
                    version=partnership.version,
                    values=proposal.values,
                )
        except IntegrityError:  # the pair has a partnership of the proposed kind by now
            problem = _(
                "These two towns already have a partnership of the proposed kind. Nothing "
                "was changed: the proposal is out of date."
            )
    _decide(proposal, Status.STALE if problem else Status.CONFIRMED, acting_user)
    _tell_change_decided(proposal, acting_user)
    return partnership, problem


def _tell_change_decided(proposal: PartnershipProposal, acting_user: Any) -> None:
    notify(
        "change_decided",
        _proposer_side(proposal, acting_user),
        {
            "proposal": with_fields([proposal])[0],
            "link": absolute(
                reverse("edit-partnership", args=[proposal.proposer.slug, proposal.partnership_id])
            ),
        },
    )


def revert_change(*, acting_user: Any, change: Any) -> Edited:
    """`services.revert`, except that undoing a change to the shared fields of a
    partnership is itself a change of them: by one side, it is proposed to the other side
    when that side has coordinators (as `edit_partnership` does), instead of applied."""
    with transaction.atomic():
        partnership = None
        if change.action == change.Action.CHANGED and set(change.after) & set(SHARED_FIELDS):
            partnership = (
                Partnership.objects.filter(pk=change.object_id)
                .select_related("municipality_a__country", "municipality_b__country")
                .first()
                if change.content_type.model_class() is Partnership
                else None
            )
        if partnership is None or not consent_for(acting_user, partnership).asks:
            return Edited(change=services.revert(change, acting_user=acting_user))
        current = services.values_of(partnership)
        if any(current.get(name) != value for name, value in change.after.items()):
            raise services.Conflict(
                _(
                    "This record has been changed again since. Revert the later change "
                    "first, or edit the record."
                )
            )
        return edit_partnership(
            acting_user=acting_user,
            partnership=partnership,
            version=partnership.version,
            values=change.before,
        )
