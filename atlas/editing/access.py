"""Who may edit a municipality's own data: its approved coordinators, the association
staff whose scope includes it (its country, or a network it belongs to), and
administrators."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from atlas.accounts.models import CoordinatorRole, StaffRole
from atlas.directory.models import Membership, Municipality


def is_staff_for(user, municipality: Municipality) -> bool:
    """Whether `user` is an administrator or association staff over `municipality`."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    roles = StaffRole.objects.of(user)
    return roles.filter(country_id=municipality.country_id).exists() or roles.filter(
        network_id__in=Membership.objects.filter(municipality=municipality).values("network_id")
    ).exists()


def can_edit(user, municipality: Municipality) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    coordinates = (
        CoordinatorRole.objects.of(user).approved().filter(municipality=municipality).exists()
    )
    return coordinates or is_staff_for(user, municipality)


def get_editable_municipality(request, slug: str) -> Municipality:
    """The municipality `slug` for editing: 404 when there is none, 403 when the visitor
    may not edit it. Anonymous visitors are sent to log in before this is called."""
    municipality = get_object_or_404(Municipality.objects.select_related("country"), slug=slug)
    if not can_edit(request.user, municipality):
        raise PermissionDenied
    return municipality
