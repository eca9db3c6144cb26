"""A municipality's partnerships, proposals and activities, edited by its coordinators,
the association staff over it and administrators (atlas/accounts/access.py).

Each view loads its object through one access helper below, which decides 404 (no such
record, or not one of this municipality's) against 403 (not allowed). Every write goes
through `services` (the history core) or `proposals`, inside a transaction."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atlas.accounts.access import can_edit, get_editable_municipality
from atlas.directory.models import Activity, Municipality, Partnership, PartnershipProposal
from atlas.editing import proposals, services
from atlas.editing.forms import DeleteForm
from atlas.editing.partnership_forms import ActivityForm, EndForm, PartnershipForm, ProposalForm
from atlas.lib.text import fold

# Decided proposals shown under the pending ones, latest first.
EARLIER_PROPOSALS = 10
CONFLICT = 409


def get_editable_partnership(request, slug: str, pk: int) -> tuple[Municipality, Partnership]:
    """Partnership `pk` of municipality `slug`: 404 when either does not exist or the
    partnership is not one of the municipality's, 403 when the visitor may edit neither
    of its two towns."""
    municipality = get_object_or_404(Municipality.objects.select_related("country"), slug=slug)
    partnership = get_object_or_404(
        Partnership.objects.involving(municipality).select_related(
            "municipality_a__country", "municipality_b__country"
        ),
        pk=pk,
    )
    user = request.user
    if not (
        can_edit(user, partnership.municipality_a) or can_edit(user, partnership.municipality_b)
    ):
        raise PermissionDenied
    return municipality, partnership


def get_editable_activity(
    request, slug: str, pk: int, activity_pk: int
) -> tuple[Municipality, Partnership, Activity]:
    """Activity `activity_pk` of that partnership, with the same 404 and 403."""
    municipality, partnership = get_editable_partnership(request, slug, pk)
    activity = get_object_or_404(Activity.objects.filter(partnership=partnership), pk=activity_pk)
    activity.partnership = partnership  # already loaded, with both towns
    return municipality, partnership, activity


def get_proposal(request, slug: str, pk: int, *, side: str) -> PartnershipProposal:
    """Pending proposal `pk` that municipality `slug` made (`side="proposer"`) or received
    (`side="partner"`): 404 when there is none, 403 when the visitor may not edit that
    municipality."""
    municipality = get_editable_municipality(request, slug)
    return get_object_or_404(
        PartnershipProposal.objects.filter(status=PartnershipProposal.Status.PENDING),
        pk=pk,
        **{side: municipality},
    )


@login_required
def partnership_list(request, slug: str):
    municipality = get_editable_municipality(request, slug)
    partnerships = (
        municipality.partnerships()
        .select_related("municipality_a__country", "municipality_b__country")
        .annotate(activity_count=Count("activities", filter=Q(activities__deleted_at__isnull=True)))
    )
    rows = sorted(
        ((p, p.partner_of(municipality)) for p in partnerships),
        key=lambda row: (fold(row[1].name), row[1].pk),
    )
    pending = PartnershipProposal.objects.filter(status=PartnershipProposal.Status.PENDING)
    earlier = (
        PartnershipProposal.objects.filter(Q(proposer=municipality) | Q(partner=municipality))
        .exclude(status=PartnershipProposal.Status.PENDING)
        .select_related("proposer__country", "partner__country")
        .order_by("-decided_at", "-pk")[:EARLIER_PROPOSALS]
    )
    context = {
        "municipality": municipality,
        "rows": rows,
        "received": proposals.with_fields(
            pending.filter(partner=municipality).select_related("proposer__country")
        ),
        "made": proposals.with_fields(
            pending.filter(proposer=municipality).select_related("partner__country")
        ),
        "earlier": earlier,
    }
    return render(request, "editing/partnership_list.html", context)


@login_required
def propose(request, slug: str):
    municipality = get_editable_municipality(request, slug)
    form = ProposalForm(request.POST or None, proposer=municipality)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = proposals.propose(
                acting_user=request.user,
                proposer=municipality,
                partner=data["partner"],
                kind=data["kind"],
                start_year=data["start_year"],
                message=data["message"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Your proposal is sent to %(partner)s. The partnership appears on the "
                    "atlas when they confirm it."
                )
                % {"partner": proposal.partner.name},
            )
            return redirect("edit-partnerships", municipality.slug)
    context = {"municipality": municipality, "form": form}
    return render(request, "editing/proposal_form.html", context)


def decide_proposal(request, slug: str, pk: int, *, side: str, act, success) -> HttpResponse:
    """Confirm, refuse or withdraw (`act`) a proposal, as the `side` it is up to."""
    proposal = get_proposal(request, slug, pk, side=side)
    try:
        act(acting_user=request.user, proposal=proposal)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, success(proposal))
    return redirect("edit-partnerships", slug)


def confirmed(proposal: PartnershipProposal) -> str:
    names = {"partner": proposal.proposer.name, "municipality": proposal.partner.name}
    if proposal.is_change:
        return _("The change %(partner)s proposed is applied to the partnership.") % names
    return _("%(partner)s is now a partner of %(municipality)s in the atlas.") % names


def refused(proposal: PartnershipProposal) -> str:
    names = {"proposer": proposal.proposer.name}
    if proposal.is_change:
        return _("The change %(proposer)s proposed is refused; nothing was changed.") % names
    return _("The proposal of %(proposer)s is refused.") % names


@login_required
@require_POST
def proposal_confirm(request, slug: str, pk: int):
    return decide_proposal(
        request, slug, pk, side="partner", act=proposals.confirm, success=confirmed
    )


@login_required
@require_POST
def proposal_refuse(request, slug: str, pk: int):
    return decide_proposal(request, slug, pk, side="partner", act=proposals.refuse, success=refused)


@login_required
@require_POST
def proposal_withdraw(request, slug: str, pk: int):
    return decide_proposal(
        request,
        slug,
        pk,
        side="proposer",
        act=proposals.withdraw,
        success=lambda proposal: (
            _("Your proposal to %(partner)s is withdrawn.") % {"partner": proposal.partner.name}
        ),
    )


def render_partnership_form(
    request,
    municipality,
    partnership,
    form,
    end_form,
    consent,
    *,
    conflict: str = "",
    status: int = 200,
):
    user = request.user
    pending = proposals.pending_changes(partnership)
    for proposal in pending:
        proposal.may_decide = can_edit(user, proposal.partner)  # type: ignore[attr-defined]
        proposal.may_withdraw = can_edit(user, proposal.proposer)  # type: ignore[attr-defined]
    context = {
        "municipality": municipality,
        "partnership": partnership,
        "partner": partnership.partner_of(municipality),
        "form": form,
        "end_form": end_form,
        "consent": consent,
        "pending": pending,
        "conflict": conflict,
    }
    return render(request, "editing/partnership_form.html", context, status=status)


def report_edit(request, edited: proposals.Edited, *, saved: str) -> None:
    """Tell the person what became of their edit: saved, proposed, or saved and told."""
    if edited.proposal is not None:
        if edited.change is not None:
            messages.success(request, _("The notes are saved."))
        messages.success(
            request,
            _(
                "Proposed, waiting for %(partner)s: the change applies when they confirm it. "
                "Until then the atlas shows the partnership as it was."
            )
            % {"partner": edited.proposal.partner.name},
        )
    elif edited.change is not None:
        messages.success(request, saved)
        if edited.noticed is not None:
            messages.info(
                request,
                _(
                    "%(partner)s has no coordinator in the atlas, so the change applies at "
                    "once; those who look after %(partner)s are told."
                )
                % {"partner": edited.noticed.name},
            )
    else:
        messages.info(request, _("Nothing was changed."))


@login_required
def partnership_edit(request, slug: str, pk: int):
    municipality, partnership = get_editable_partnership(request, slug, pk)
    consent = proposals.consent_for(request.user, partnership)
    form = PartnershipForm(request.POST or None, partnership=partnership, asks_partner=consent.asks)
    if request.method == "POST" and form.is_valid():
        try:
            edited = proposals.edit_partnership(
                acting_user=request.user,
                partnership=partnership,
                version=form.cleaned_data["version"],
                values=form.values(),
                message=form.cleaned_data.get("message", ""),
            )
        except services.Conflict as conflict:
            return partnership_conflict(request, municipality, partnership, consent, conflict)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            report_edit(request, edited, saved=_("The partnership is saved."))
            return redirect("edit-partnerships", municipality.slug)
    return render_partnership_form(
        request, municipality, partnership, form, EndForm(partnership=partnership), consent
    )


def partnership_conflict(request, municipality, partnership, consent, conflict):
    """409: the form again, with the version someone else saved in the meantime."""
    partnership.refresh_from_db()
    return render_partnership_form(
        request,
        municipality,
        partnership,
        PartnershipForm(partnership=partnership, asks_partner=consent.asks),
        EndForm(partnership=partnership),
        consent,
        conflict=str(conflict),
        status=CONFLICT,
    )


@login_required
@require_POST
def partnership_end(request, slug: str, pk: int):
    municipality, partnership = get_editable_partnership(request, slug, pk)
    consent = proposals.consent_for(request.user, partnership)
    form = EndForm(request.POST, partnership=partnership)
    if not form.is_valid():
        edit_form = PartnershipForm(partnership=partnership, asks_partner=consent.asks)
        return render_partnership_form(request, municipality, partnership, edit_form, form, consent)
    try:
        edited = proposals.edit_partnership(
            acting_user=request.user,
            partnership=partnership,
            version=form.cleaned_data["version"],
            values=form.values(),
        )
    except services.Conflict as conflict:
        return partnership_conflict(request, municipality, partnership, consent, conflict)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("edit-partnership", municipality.slug, partnership.pk)
    report_edit(
        request,
        edited,
        saved=_("The partnership with %(partner)s is recorded as ended.")
        % {"partner": partnership.partner_of(municipality).name},
    )
    return redirect("edit-partnerships", municipality.slug)


@login_required
def partnership_delete(request, slug: str, pk: int):
    municipality, partnership = get_editable_partnership(request, slug, pk)
    form = DeleteForm(request.POST or None, initial={"version": partnership.version})
    conflict, status = "", 200
    if request.method == "POST" and form.is_valid():
        try:
            services.delete(
                partnership, acting_user=request.user, version=form.cleaned_data["version"]
            )
        except services.Conflict as error:
            partnership.refresh_from_db()
            form = DeleteForm(initial={"version": partnership.version})
            conflict, status = str(error), CONFLICT
        else:
            messages.success(
                request,
                _(
                    "The partnership with %(partner)s is deleted. Association staff can "
                    "restore it from the history."
                )
                % {"partner": partnership.partner_of(municipality).name},
            )
            return redirect("edit-partnerships", municipality.slug)
    context = {
        "municipality": municipality,
        "partnership": partnership,
        "partner": partnership.partner_of(municipality),
        "form": form,
        "conflict": conflict,
    }
    return render(request, "editing/partnership_delete.html", context, status=status)


@login_required
def activity_list(request, slug: str, pk: int):
    """The partnership's activities, and the form to add one."""
    municipality, partnership = get_editable_partnership(request, slug, pk)
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        activity = Activity(partnership=partnership, created_by=request.user, **form.values())
        services.create(activity, acting_user=request.user)
        messages.success(request, _("The activity is recorded."))
        return redirect("edit-activities", municipality.slug, partnership.pk)
    context = {
        "municipality": municipality,
        "partnership": partnership,
        "partner": partnership.partner_of(municipality),
        "activities": partnership.activities.all(),
        "form": form,
    }
    return render(request, "editing/activity_list.html", context)


def render_activity_form(
    request, municipality, partnership, activity, form, *, conflict: str = "", status: int = 200
):
    context = {
        "municipality": municipality,
        "partnership": partnership,
        "partner": partnership.partner_of(municipality),
        "activity": activity,
        "form": form,
        "delete_form": DeleteForm(initial={"version": activity.version}),
        "conflict": conflict,
    }
    return render(request, "editing/activity_form.html", context, status=status)


def activity_conflict(request, municipality, partnership, activity, conflict):
    """409: the form again, with the version someone else saved in the meantime."""
    activity.refresh_from_db()
    form = ActivityForm(activity=activity)
    return render_activity_form(
        request, municipality, partnership, activity, form, conflict=str(conflict), status=CONFLICT
    )


@login_required
def activity_edit(request, slug: str, pk: int, activity_pk: int):
    municipality, partnership, activity = get_editable_activity(request, slug, pk, activity_pk)
    form = ActivityForm(request.POST or None, activity=activity)
    if request.method == "POST" and form.is_valid():
        try:
            change = services.update(
                activity,
                acting_user=request.user,
                version=form.cleaned_data["version"],
                values=form.values(),
            )
        except services.Conflict as conflict:
            return activity_conflict(request, municipality, partnership, activity, conflict)
        if change:
            messages.success(request, _("The activity is saved."))
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("edit-activities", municipality.slug, partnership.pk)
    return render_activity_form(request, municipality, partnership, activity, form)


@login_required
@require_POST
def activity_delete(request, slug: str, pk: int, activity_pk: int):
    municipality, partnership, activity = get_editable_activity(request, slug, pk, activity_pk)
    form = DeleteForm(request.POST)
    if not form.is_valid():
        # Only a tampered form lacks its version: show the activity again.
        edit_form = ActivityForm(activity=activity)
        return render_activity_form(
            request, municipality, partnership, activity, edit_form, status=400
        )
    try:
        services.delete(activity, acting_user=request.user, version=form.cleaned_data["version"])
    except services.Conflict as conflict:
        return activity_conflict(request, municipality, partnership, activity, conflict)
    messages.success(request, _("The activity is deleted."))
    return redirect("edit-activities", municipality.slug, partnership.pk)
