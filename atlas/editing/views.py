"""A municipality's own pages under /<lang>/municipalities/<slug>/edit/: the overview,
the profile, the memberships, the projects and the history with revert and restore. Every write goes
through services, which records it and touches the data stamp."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, models
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atlas.accounts.access import get_editable_municipality, is_staff_for
from atlas.directory.models import (
    Change,
    Membership,
    Municipality,
    MunicipalityProfile,
    Network,
    PartnershipProposal,
    ProjectPartner,
)
from atlas.editing import services
from atlas.editing.forms import (
    MembershipForm,
    NewMembershipForm,
    NewProjectPartnerForm,
    ProfileForm,
    ProjectPartnerForm,
    VersionForm,
)
from atlas.editing.history import changes_of, deleted_records_of, describe
from atlas.editing.proposals import revert_change, with_fields
from atlas.editing.services import FIELDS, Conflict

CHANGES_PER_PAGE = 50
# The text fields whose typed value a refused save shows again, so it is not lost.
TYPED_FIELDS = ("description", "website", "seeking", "contact_name", "contact_email")


def get_editable_membership(request, slug: str, pk: int) -> tuple[Municipality, Membership]:
    """A membership of the municipality `slug` to edit: 404 when there is none (or it is
    deleted), 403 when the visitor may not edit the municipality or when it is a
    statistical region, which only the dataset sets."""
    municipality = get_editable_municipality(request, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("network"), pk=pk, municipality=municipality
    )
    if membership.network.kind == Network.Kind.STATISTICAL_REGION:
        raise PermissionDenied
    return municipality, membership


def get_editable_project_partner(
    request, slug: str, pk: int
) -> tuple[Municipality, ProjectPartner]:
    """A project participation of the municipality `slug` to edit: 404 when there is none
    (or it is deleted), 403 when the visitor may not edit the municipality."""
    municipality = get_editable_municipality(request, slug)
    partner = get_object_or_404(
        ProjectPartner.objects.select_related("project"), pk=pk, municipality=municipality
    )
    return municipality, partner


def get_revertable_change(request, slug: str, pk: int) -> tuple[Municipality, Change]:
    """A change in the history of `slug`: 404 when there is none, 403 when the visitor
    may not edit the municipality, or may not restore (a deletion is undone by staff)."""
    municipality = get_editable_municipality(request, slug)
    change = get_object_or_404(changes_of(municipality), pk=pk)
    if change.action == Change.Action.DELETED and not is_staff_for(request.user, municipality):
        raise PermissionDenied
    return municipality, change


def get_restorable_record(request, slug: str, kind: str, pk: int) -> models.Model:
    """A deleted record of the municipality `slug`: 403 unless the visitor is staff for it
    or an administrator, then 404 when there is no such deleted record."""
    municipality = get_object_or_404(Municipality, slug=slug)
    if not is_staff_for(request.user, municipality):
        raise PermissionDenied
    records = deleted_records_of(municipality)
    if kind not in records:
        raise Http404
    return get_object_or_404(records[kind], pk=pk)


@login_required
def overview(request, slug: str):
    municipality = get_editable_municipality(request, slug)
    context = {
        "municipality": municipality,
        "has_profile": MunicipalityProfile.objects.filter(municipality=municipality).exists(),
        "membership_count": Membership.objects.filter(municipality=municipality).count(),
        "project_count": ProjectPartner.objects.filter(municipality=municipality).count(),
        "last_change": changes_of(municipality).select_related(None).only("at").first(),
        # Changes to its partnerships waiting for one side or the other, with their values.
        "pending_changes": with_fields(
            PartnershipProposal.objects.filter(
                Q(proposer=municipality) | Q(partner=municipality),
                action=PartnershipProposal.Action.CHANGE,
                status=PartnershipProposal.Status.PENDING,
            ).select_related("proposer", "partner")
        ),
    }
    return render(request, "editing/overview.html", context)


@login_required
def edit_profile(request, slug: str):
    municipality = get_editable_municipality(request, slug)
    if request.method == "POST":
        # The row is made on the first save; its creation is not a change of its own.
        profile = MunicipalityProfile.objects.get_or_create(municipality=municipality)[0]
        form = ProfileForm(request.POST, instance=profile)
    else:
        profile = MunicipalityProfile.objects.filter(
            municipality=municipality
        ).first() or MunicipalityProfile(municipality=municipality)
        form = ProfileForm(instance=profile)
    context: dict[str, Any] = {"municipality": municipality, "form": form}
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in FIELDS[MunicipalityProfile]}
        try:
            change = services.update(
                profile,
                acting_user=request.user,
                version=form.cleaned_data["version"],
                values=values,
            )
        except Conflict as conflict:
            current = MunicipalityProfile.objects.get(pk=profile.pk)
            context.update(
                form=ProfileForm(instance=current),
                conflict=str(conflict),
                typed=[
                    (form[name].label, values[name])
                    for name in TYPED_FIELDS
                    if values[name] != getattr(current, name)
                ],
            )
            return render(request, "editing/profile.html", context, status=409)
        if change:
            messages.success(request, _("The profile is saved."))
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect(municipality)
    return render(request, "editing/profile.html", context)


@login_required
def memberships(request, slug: str):
    """The municipality's memberships, and the form to add one."""
    municipality = get_editable_municipality(request, slug)
    form = NewMembershipForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_membership(
                acting_user=request.user,
                municipality=municipality,
                network=data["network"],
                values={name: data[name] for name in ("role", "start_year", "end_year")},
            )
        except Conflict as conflict:
            form.add_error("network", str(conflict))
        except IntegrityError:  # the same membership added at the same moment
            form.add_error("network", _("This membership has just been added by someone else."))
        else:
            messages.success(
                request,
                _("%(network)s is added to the memberships.") % {"network": data["network"].name},
            )
            return redirect("edit-memberships", municipality.slug)
    rows = (
        Membership.objects.filter(municipality=municipality)
        .select_related("network")
        .order_by("network__name")
    )
    context = {"municipality": municipality, "form": form, "memberships": rows}
    return render(request, "editing/memberships.html", context)


@login_required
def edit_membership(request, slug: str, pk: int):
    municipality, membership = get_editable_membership(request, slug, pk)
    form = MembershipForm(request.POST if request.method == "POST" else None, instance=membership)
    context: dict[str, Any] = {"municipality": municipality, "membership": membership, "form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update(
                membership,
                acting_user=request.user,
                version=data["version"],
                values={name: data[name] for name in ("role", "start_year", "end_year")},
            )
        except Conflict as conflict:
            current = Membership.all_objects.select_related("network").get(pk=membership.pk)
            context.update(form=MembershipForm(instance=current), conflict=str(conflict))
            return render(request, "editing/membership.html", context, status=409)
        messages.success(
            request, _("The membership in %(network)s is saved.") % {"network": membership.network}
        )
        return redirect("edit-memberships", municipality.slug)
    return render(request, "editing/membership.html", context)


@login_required
def delete_membership(request, slug: str, pk: int):
    """GET asks for confirmation; POST deletes (softly: staff can restore it)."""
    municipality, membership = get_editable_membership(request, slug, pk)
    context: dict[str, Any] = {"municipality": municipality, "membership": membership}
    if request.method == "POST":
        form = VersionForm(request.POST)
        try:
            if not form.is_valid():
                raise Conflict
            services.delete(
                membership, acting_user=request.user, version=form.cleaned_data["version"]
            )
        except Conflict as conflict:
            current = Membership.all_objects.select_related("network").get(pk=membership.pk)
            context.update(membership=current, conflict=str(conflict))
            return render(request, "editing/membership_delete.html", context, status=409)
        messages.success(
            request,
            _("The membership in %(network)s is deleted. Association staff can restore it.")
            % {"network": membership.network},
        )
        return redirect("edit-memberships", municipality.slug)
    return render(request, "editing/membership_delete.html", context)


@login_required
def projects(request, slug: str):
    """The projects the municipality takes part in, and the form to add one."""
    municipality = get_editable_municipality(request, slug)
    form = NewProjectPartnerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_project_partner(
                acting_user=request.user,
                municipality=municipality,
                project=data["project"],
                values={"role": data["role"]},
            )
        except Conflict as conflict:
            form.add_error("project", str(conflict))
        except IntegrityError:  # the same participation added at the same moment
            form.add_error("project", _("This project has just been added by someone else."))
        else:
            messages.success(
                request,
                _("%(project)s is added to the projects.") % {"project": data["project"].title},
            )
            return redirect("edit-projects", municipality.slug)
    rows = (
        ProjectPartner.objects.filter(municipality=municipality)
        .select_related("project")
        .order_by("project__title")
    )
    context = {"municipality": municipality, "form": form, "project_partners": rows}
    return render(request, "editing/projects.html", context)


@login_required
def edit_project(request, slug: str, pk: int):
    municipality, partner = get_editable_project_partner(request, slug, pk)
    form = ProjectPartnerForm(request.POST if request.method == "POST" else None, instance=partner)
    context: dict[str, Any] = {"municipality": municipality, "partner": partner, "form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update(
                partner,
                acting_user=request.user,
                version=data["version"],
                values={"role": data["role"]},
            )
        except Conflict as conflict:
            current = ProjectPartner.all_objects.select_related("project").get(pk=partner.pk)
            context.update(form=ProjectPartnerForm(instance=current), conflict=str(conflict))
            return render(request, "editing/project.html", context, status=409)
        messages.success(
            request,
            _("The role in %(project)s is saved.") % {"project": partner.project.title},
        )
        return redirect("edit-projects", municipality.slug)
    return render(request, "editing/project.html", context)


@login_required
def delete_project(request, slug: str, pk: int):
    """GET asks for confirmation; POST deletes (softly: staff can restore it)."""
    municipality, partner = get_editable_project_partner(request, slug, pk)
    context: dict[str, Any] = {"municipality": municipality, "partner": partner}
    if request.method == "POST":
        form = VersionForm(request.POST)
        try:
            if not form.is_valid():
                raise Conflict
            services.delete(partner, acting_user=request.user, version=form.cleaned_data["version"])
        except Conflict as conflict:
            current = ProjectPartner.all_objects.select_related("project").get(pk=partner.pk)
            context.update(partner=current, conflict=str(conflict))
            return render(request, "editing/project_delete.html", context, status=409)
        messages.success(
            request,
            _("The participation in %(project)s is deleted. Association staff can restore it.")
            % {"project": partner.project.title},
        )
        return redirect("edit-projects", municipality.slug)
    return render(request, "editing/project_delete.html", context)


@login_required
def history(request, slug: str):
    municipality = get_editable_municipality(request, slug)
    staff = is_staff_for(request.user, municipality)
    page = Paginator(changes_of(municipality), CHANGES_PER_PAGE).get_page(request.GET.get("page"))
    deleted = [
        (kind, capfirst(records.model._meta.verbose_name), record)
        for kind, records in deleted_records_of(municipality).items()
        for record in records
    ]
    context = {
        "municipality": municipality,
        "page": page,
        "entries": describe(page.object_list, show_email=staff),
        "is_staff": staff,
        "deleted": deleted,
    }
    return render(request, "editing/history.html", context)


@login_required
@require_POST
def revert(request, slug: str, pk: int):
    municipality, change = get_revertable_change(request, slug, pk)
    try:
        edited = revert_change(change=change, acting_user=request.user)
    except Conflict as conflict:
        messages.error(request, str(conflict))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        if edited.proposal is not None:
            messages.success(
                request,
                _("Proposed, waiting for %(partner)s: the change is reverted when they confirm it.")
                % {"partner": edited.proposal.partner.name},
            )
        elif edited.change:
            messages.success(
                request, _("The change is reverted: “%(label)s”.") % {"label": change.label}
            )
        else:
            messages.info(request, _("Nothing to revert: the values are already as before."))
    return redirect("edit-history", municipality.slug)


@login_required
@require_POST
def restore(request, slug: str, kind: str, pk: int):
    record = get_restorable_record(request, slug, kind, pk)
    try:
        services.restore(record, acting_user=request.user)
    except Conflict as conflict:
        messages.error(request, str(conflict))
    else:
        messages.success(
            request, _("“%(record)s” is restored.") % {"record": services.label_of(record)}
        )
    return redirect("edit-history", slug)
