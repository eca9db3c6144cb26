"""Who may do what: the rules every app asks, written once. Administrators may do
everything; association staff act on the municipalities in their scope (its country, or a
network it belongs to: `models.overseen_by`); a municipality's approved coordinators and
its staff edit its own data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Value
from django.shortcuts import get_object_or_404

from atlas.accounts.models import CoordinatorRole, StaffRole, overseen_by
from atlas.directory.models import DatasetConflict, Municipality

if TYPE_CHECKING:
    from atlas.accounts.models import AnyUser


def is_association_staff(user: AnyUser) -> bool:
    """Whether `user` is an administrator or association staff of any scope (one query for
    those logged in): who sees the queues of requests, of conflicts and of board
    moderation."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or StaffRole.objects.of(user).exists()


def is_staff_for(user: AnyUser, municipality: Municipality) -> bool:
    """Whether `user` is an administrator or association staff over `municipality`."""
    if user.is_superuser and user.is_active:
        return True
    return overseen_by(user, Municipality.objects.filter(pk=municipality.pk), "").exists()


def can_edit(user: AnyUser, municipality: Municipality) -> bool:
    """Whether `user` may edit `municipality`'s own data: its approved coordinators, staff
    over it and administrators."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    coordinates = (
        CoordinatorRole.objects.of(user).approved().filter(municipality=municipality).exists()
    )
    return coordinates or is_staff_for(user, municipality)


def can_see_contacts(user: AnyUser) -> bool:
    """Whether `user` sees the contact people of municipalities' profiles: approved
    coordinators of any municipality, association staff and administrators."""
    if not user.is_authenticated or not user.is_active:
        return False
    return (
        user.is_superuser
        or CoordinatorRole.objects.of(user).approved().exists()
        or StaffRole.objects.of(user).exists()
    )


def annotate_visitor_rights(
    municipalities: QuerySet[Municipality], user: AnyUser
) -> QuerySet[Municipality]:
    """Annotate each municipality with `may_edit` (`can_edit`) and `sees_contacts`
    (`can_see_contacts`) for `user`, as subqueries of the same query: a page learns them
    without a query of its own. The rules are those of the functions above (a test checks
    that they agree)."""
    if not user.is_authenticated or not user.is_active or user.is_superuser:
        answer = Value(user.is_authenticated and user.is_active and user.is_superuser)
        return municipalities.annotate(may_edit=answer, sees_contacts=answer)
    coordinates = CoordinatorRole.objects.of(user).approved()
    staff = StaffRole.objects.of(user)
    may_edit = Q(Exists(coordinates.filter(municipality=OuterRef("pk")))) | Q(
        Exists(overseen_by(user, Municipality.objects.filter(pk=OuterRef("pk")), ""))
    )
    return municipalities.annotate(
        may_edit=ExpressionWrapper(may_edit, output_field=BooleanField()),
        sees_contacts=ExpressionWrapper(
            Q(Exists(coordinates)) | Q(Exists(staff)), output_field=BooleanField()
        ),
    )


def conflicts_for(user: AnyUser) -> QuerySet[DatasetConflict]:
    """The conflicts `user` reviews: those of the municipalities in their staff scope
    (either town of a partnership); administrators review all."""
    return overseen_by(user, DatasetConflict.objects.all(), "municipality", "other_municipality")


def get_editable_municipality(request, slug: str) -> Municipality:
    """The municipality `slug` for editing: 404 when there is none, 403 when the visitor
    may not edit it. Anonymous visitors are sent to log in before this is called."""
    municipality = get_object_or_404(Municipality.objects.select_related("country"), slug=slug)
    if not can_edit(request.user, municipality):
        raise PermissionDenied
    return municipality
