"""Writes that span several records and notify people: signing up and confirming the
address, asking to coordinate a municipality, deciding on that request, deleting an
account.

Mail is queued when the transaction commits (atlas/jobs/mail.py): it goes out exactly
when the write is saved, and a mail server that is down delays it, never the write."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.timezone import now
from django.utils.translation import gettext as _

from atlas.accounts.emails import send
from atlas.accounts.models import CoordinatorRole, PendingSignUp, StaffRole
from atlas.accounts.tasks import deliver_sign_up
from atlas.directory.models import Membership, Municipality
from atlas.lib.http import absolute

logger = logging.getLogger(__name__)


def deciders_of(municipality: Municipality) -> list[str]:
    """The addresses of everyone who may decide on a request for `municipality`: staff of
    its country and of its networks, or, when it has none, the administrators."""
    User = get_user_model()
    networks = Membership.objects.filter(municipality=municipality).values("network_id")
    staff = StaffRole.objects.filter(country_id=municipality.country_id) | StaffRole.objects.filter(
        network_id__in=networks
    )
    emails = list(
        User.objects.filter(is_active=True, pk__in=staff.values("user_id")).values_list(
            "email", flat=True
        )
    )
    if not emails:
        emails = list(
            User.objects.filter(is_active=True, is_superuser=True).values_list("email", flat=True)
        )
    return [email for email in emails if email]


def sign_up(*, email: str, name: str, password: str, language: str) -> PendingSignUp:
    """Keep a sign-up attempt until its address is confirmed, and have the worker mail the
    address. The same work whether or not the address has an account (the worker decides
    what to mail), so neither the answer nor its time tells who is registered."""
    with transaction.atomic():
        pending = PendingSignUp.objects.create(
            email=email, name=name, password=make_password(password), language=language
        )
        transaction.on_commit(partial(deliver_sign_up.enqueue, pending_id=pending.pk), robust=True)
    return pending


def confirm_sign_up(*, pending: PendingSignUp) -> Any:
    """The owner of the address confirmed `pending`: open the account with the name and
    password of that attempt (taking over an account that was never confirmed nor used),
    and end every other attempt for the address. Raises ValidationError when the address
    has a confirmed or blocked account."""
    User = get_user_model()
    try:
        user = _open_account(User, pending)
    except IntegrityError as error:  # the same address confirmed at the same moment
        raise ValidationError(_("This address has an account already."), code="taken") from error
    logger.info("User %s confirmed their address", user.pk)
    return user


def _open_account(User: Any, pending: PendingSignUp) -> Any:
    with transaction.atomic():
        user = (
            User.objects.select_for_update()
            .filter(Q(username=pending.email) | Q(email__iexact=pending.email))
            .first()
        )
        if user is not None and (user.is_active or user.last_login is not None):
            raise ValidationError(_("This address has an account already."), code="taken")
        if user is None:
            user = User(username=pending.email, email=pending.email)
        user.first_name = pending.name
        user.password = pending.password
        user.is_active = True
        user.save()
        PendingSignUp.objects.filter(email=pending.email).delete()
    return user


def request_coordinator_role(
    *, acting_user: Any, municipality: Municipality, position: str, message: str
) -> CoordinatorRole:
    """`acting_user` asks to coordinate `municipality`; whoever may decide is told by mail.
    Raises ValidationError when they already coordinate it or already asked."""
    with transaction.atomic():
        open_roles = CoordinatorRole.objects.of(acting_user).filter(
            municipality=municipality,
            status__in=[CoordinatorRole.Status.REQUESTED, CoordinatorRole.Status.APPROVED],
        )
        existing = open_roles.select_for_update().first()
        if existing and existing.status == CoordinatorRole.Status.APPROVED:
            raise ValidationError(
                _("You already coordinate %(municipality)s.") % {"municipality": municipality}
            )
        if existing:
            raise ValidationError(
                _("You already asked to coordinate %(municipality)s; your request is waiting.")
                % {"municipality": municipality}
            )
        role = CoordinatorRole.objects.create(
            user=acting_user, municipality=municipality, position=position, message=message
        )
        send(
            "request_arrived",
            [e for e in deciders_of(municipality) if e != acting_user.email],
            {"role": role, "link": absolute(reverse("accounts-requests"))},
        )
    logger.info("User %s asked to coordinate %s", acting_user.pk, municipality.pk)
    return role


def decide_coordinator_role(
    *, acting_user: Any, role: CoordinatorRole, approve: bool, note: str = ""
) -> CoordinatorRole:
    """`acting_user` approves or refuses a pending request, and the requester is told by
    mail. Raises PermissionDenied when they may not decide on it, ValidationError when it
    was decided already (by someone else a moment ago, say)."""
    with transaction.atomic():
        role = (
            CoordinatorRole.objects.select_for_update()
            .select_related("municipality")
            .get(pk=role.pk)
        )
        if not role.can_be_decided_by(acting_user):
            raise PermissionDenied
        if not role.is_pending:
            raise ValidationError(_("This request was already decided."))
        role.status = CoordinatorRole.Status.APPROVED if approve else CoordinatorRole.Status.REFUSED
        role.decided_by = acting_user
        role.decided_at = now()
        role.decision_note = note
        role.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        send(
            "request_decided",
            [role.user.email],
            {"role": role, "link": absolute(reverse("account"))},
        )
    logger.info("User %s %s coordinator role %s", acting_user.pk, role.status, role.pk)
    return role


def delete_account(*, acting_user: Any) -> None:
    """Delete `acting_user`'s account with their coordinator and staff roles. Requests they
    decided on stay, without the decider's name; the log keeps only the account's id."""
    with transaction.atomic():
        user_id = acting_user.pk
        CoordinatorRole.objects.filter(user_id=user_id).delete()
        StaffRole.objects.filter(user_id=user_id).delete()
        acting_user.delete()
    logger.info("User %s deleted their account", user_id)
