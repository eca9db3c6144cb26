"""A municipality's own pages under /<lang>/municipalities/<slug>/edit/: the overview,
the profile, the memberships, the projects and the history with revert and restore. Every write goes
through services, which records it and touches the data stamp."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from atlas.accounts.access import get_editable_municipality, is_staff_for
from atlas.directory.models import (
    Change,
    Membership,
    Municipality,
    MunicipalityProfile,
    Network,
    PartnershipProposal,
    Project,
    ProjectPartner,
)
from atlas.editing import services
from atlas.editing.forms import (
    DeleteForm,
    MembershipForm,
    NewMembershipForm,
    NewProjectPartnerForm,
    ProfileForm,
    ProjectPartnerForm,
)
from atlas.editing.history import changes_of, deleted_records_of, describe
from atlas.editing.proposals import revert_change, with_fields
from atlas.editing.services import FIELDS, Conflict

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

CHANGES_PER_PAGE = 50
# The text fields whose typed value a refused save shows again, so it is not lost.
TYPED_FIELDS = ("description", "website", "seeking", "contact_name", "contact_email")


@dataclass(frozen=True)
class Joining:
    """A municipality's memberships in networks, or its participations in projects. One set
    of views serves both (`joinings`, `edit_joining`, `delete_joining`, given MEMBERSHIPS or
    PROJECTS by the URLs); this says what differs. The texts are formatted with the name of
    the network or the project."""

    model: type[Membership] | type[ProjectPartner]
    joined: str  # the field naming the network or the project
    form: type[MembershipForm] | type[ProjectPartnerForm]
    new_form: type[NewMembershipForm] | type[NewProjectPartnerForm]
    nav: str  # the list page, in the menu and as its template's name
    list_url: str
    delete_url: str
    rows: str  # the name of the list in the list page's context
    order: str
    added: StrPromise
    raced: StrPromise  # the same one added by someone else at the same moment
    heading: StrPromise
    saved: StrPromise
    delete_link: StrPromise
    delete_title: StrPromise
    delete_heading: StrPromise
    deleted: StrPromise
    back: StrPromise

    def says(self, text: StrPromise, joined: Network | Project) -> str:
        return text % {self.joined: str(joined)}

    def values(self, data: dict[str, Any]) -> dict[str, Any]:
        """What a form sets on a membership or participation: all but what it joins."""
        return {name: data[name] for name in FIELDS[self.model] if name != self.joined}

    def get_editable(self, request, slug: str, pk: int) -> tuple[Municipality, Any]:
        """A membership or participation of the municipality `slug` to edit: 404 when there
        is none (or it is deleted), 403 when the visitor may not edit the municipality or
        when it is a membership in a statistical region, which only the dataset sets."""
        municipality = get_editable_municipality(request, slug)
        record = get_object_or_404(
            self.model.objects.select_related(self.joined), pk=pk, municipality=municipality
        )
        if isinstance(record, Membership) and (
            record.network.kind == Network.Kind.STATISTICAL_REGION
        ):
            raise PermissionDenied
        return municipality, record

    def stored(self, record: Membership | ProjectPartner) -> Any:
        """`record` as someone else saved (or deleted) it."""
        return self.model.all_objects.select_related(self.joined).get(pk=record.pk)


MEMBERSHIPS = Joining(
    model=Membership,
    joined="network",
    form=MembershipForm,
    new_form=NewMembershipForm,
    nav="memberships",
    list_url="edit-memberships",
    delete_url="edit-membership-delete",
    rows="memberships",
    order="network__name",
    added=gettext_lazy("%(network)s is added to the memberships."),
    raced=gettext_lazy("This membership has just been added by someone else."),
    heading=gettext_lazy("Membership in %(network)s"),
    saved=gettext_lazy("The membership in %(network)s is saved."),
    delete_link=gettext_lazy("Delete this membership"),
    delete_title=gettext_lazy("Delete the membership in %(network)s"),
    delete_heading=gettext_lazy("Delete the membership in %(network)s?"),
    deleted=gettext_lazy(
        "The membership in %(network)s is deleted. Association staff can restore it."
    ),
    back=gettext_lazy("Back to the networks"),
)
PROJECTS = Joining(
    model=ProjectPartner,
    joined="project",
    form=ProjectPartnerForm,
    new_form=NewProjectPartnerForm,
    nav="projects",
    list_url="edit-projects",
    delete_url="edit-project-delete",
    rows="project_partners",
    order="project__title",
    added=gettext_lazy("%(project)s is added to the projects."),
    raced=gettext_lazy("This project has just been added by someone else."),
    heading=gettext_lazy("Participation in %(project)s"),
    saved=gettext_lazy("The role in %(project)s is saved."),
    delete_link=gettext_lazy("Delete this participation"),
    delete_title=gettext_lazy("Delete the participation in %(project)s"),
    delete_heading=gettext_lazy("Delete the participation in %(project)s?"),
    deleted=gettext_lazy(
        "The participation in %(project)s is deleted. Association staff can restore it."
    ),
    back=gettext_lazy("Back to the projects"),
)


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
def joinings(request, slug: str, joining: Joining):
    """The municipality's memberships or projects, and the form to add one."""
    municipality = get_editable_municipality(request, slug)
    form = joining.new_form(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_or_restore(
                acting_user=request.user,
                municipality=municipality,
                joined=data[joining.joined],
                values=joining.values(data),
            )
        except Conflict as conflict:
            form.add_error(joining.joined, str(conflict))
        except IntegrityError:  # the same one added at the same moment
            form.add_error(joining.joined, str(joining.raced))
        else:
            messages.success(request, joining.says(joining.added, data[joining.joined]))
            return redirect(joining.list_url, municipality.slug)
    rows = (
        joining.model.objects.filter(municipality=municipality)
        .select_related(joining.joined)
        .order_by(joining.order)
    )
    context = {"municipality": municipality, "form": form, joining.rows: rows}
    return render(request, f"editing/{joining.nav}.html", context)


@login_required
def edit_joining(request, slug: str, pk: int, joining: Joining):
    municipality, record = joining.get_editable(request, slug, pk)
    joined = getattr(record, joining.joined)
    form = joining.form(request.POST if request.method == "POST" else None, instance=record)
    context: dict[str, Any] = {
        "municipality": municipality,
        "joining": joining,
        "record": record,
        "form": form,
        "heading": joining.says(joining.heading, joined),
    }
    if request.method == "POST" and form.is_valid():
        try:
            services.update(
                record,
                acting_user=request.user,
                version=form.cleaned_data["version"],
                values=joining.values(form.cleaned_data),
            )
        except Conflict as conflict:
            context.update(
                form=joining.form(instance=joining.stored(record)), conflict=str(conflict)
            )
            return render(request, "editing/joining.html", context, status=409)
        messages.success(request, joining.says(joining.saved, joined))
        return redirect(joining.list_url, municipality.slug)
    return render(request, "editing/joining.html", context)


@login_required
def delete_joining(request, slug: str, pk: int, joining: Joining):
    """GET asks for confirmation; POST deletes (softly: staff can restore it)."""
    municipality, record = joining.get_editable(request, slug, pk)
    joined = getattr(record, joining.joined)
    context: dict[str, Any] = {
        "municipality": municipality,
        "joining": joining,
        "record": record,
        "title": joining.says(joining.delete_title, joined),
        "heading": joining.says(joining.delete_heading, joined),
    }
    if request.method == "POST":
        form = DeleteForm(request.POST)
        try:
            if not form.is_valid():
                raise Conflict
            services.delete(record, acting_user=request.user, version=form.cleaned_data["version"])
        except Conflict as conflict:
            context.update(record=joining.stored(record), conflict=str(conflict))
            return render(request, "editing/joining_delete.html", context, status=409)
        messages.success(request, joining.says(joining.deleted, joined))
        return redirect(joining.list_url, municipality.slug)
    return render(request, "editing/joining_delete.html", context)


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
