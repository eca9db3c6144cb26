"""Partnership proposals: one municipality's coordinator proposes a partnership, the other
municipality's coordinator (or staff over it) confirms or refuses it, the proposer may
withdraw it. A proposal is not public; confirming it makes the public `Partnership`
through the history core (`services.create` or `services.restore`), so the change shows in
both towns' history and touches the data stamp.

Mail is queued when the transaction commits (atlas/jobs/mail.py): a mail server that is
down delays the mail, never the proposal. Mails name municipalities, never the
people or their addresses: the other side sees no e-mail address."""

from __future__ import annotations

import logging
from collections.abc import Iterable
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

from atlas.accounts.emails import absolute
from atlas.accounts.models import CoordinatorRole, StaffRole
from atlas.directory.models import Municipality, Partnership, PartnershipProposal, Source
from atlas.editing import services
from atlas.editing.access import can_edit
from atlas.jobs.mail import queue_mail

logger = logging.getLogger(__name__)

Status = PartnershipProposal.Status


def coordinator_emails(municipality: Municipality) -> list[str]:
    """The addresses of the approved coordinators of `municipality` with active accounts."""
    roles = CoordinatorRole.objects.approved().filter(
        municipality=municipality, user__is_active=True
    )
    return [email for email in roles.values_list("user__email", flat=True) if email]


def contacts_of(municipality: Municipality) -> list[str]:
    """Who hears about a proposal to `municipality`: its approved coordinators; when it has
    none, the staff of its country; when there are none either, the administrators (so that
    a proposal never waits unseen)."""
    emails = coordinator_emails(municipality)
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
    pending = PartnershipProposal.objects.filter(status=Status.PENDING, kind=kind)
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
    proposal.save(update_fields=["status", "decided_by", "decided_at", "partnership"])


def _proposer_side(proposal: PartnershipProposal, acting_user: Any) -> list[str]:
    """Who hears about the decision: the proposer's coordinators and whoever proposed."""
    emails = set(coordinator_emails(proposal.proposer))
    if proposal.proposed_by and proposal.proposed_by.is_active and proposal.proposed_by.email:
        emails.add(proposal.proposed_by.email)
    emails.discard(acting_user.email)
    return sorted(emails)


def confirm(*, acting_user: Any, proposal: PartnershipProposal) -> Partnership:
    """`acting_user`, for the partner, confirms `proposal`: the partnership becomes public
    (created, or restored when the same pair and kind was deleted before) and the proposer
    side is told by mail. Raises PermissionDenied when they may not edit the partner,
    ValidationError when the proposal was decided already."""
    with transaction.atomic():
        proposal = _pending(proposal)
        if not can_edit(acting_user, proposal.partner):
            raise PermissionDenied
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
    logger.info("User %s confirmed partnership proposal %s", acting_user.pk, proposal.pk)
    return partnership


def partnership_url(partnership: Partnership) -> str:
    return reverse("partnership", args=[partnership.pk])


def refuse(*, acting_user: Any, proposal: PartnershipProposal) -> PartnershipProposal:
    """`acting_user`, for the partner, refuses `proposal`; the proposer side is told."""
    with transaction.atomic():
        proposal = _pending(proposal)
        if not can_edit(acting_user, proposal.partner):
            raise PermissionDenied
        _decide(proposal, Status.REFUSED, acting_user)
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
