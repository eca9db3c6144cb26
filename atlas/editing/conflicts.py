"""The staff's review of dataset conflicts: a new value the dataset brings for a field a
person set on the site. Staff accept the dataset's value or keep the site's."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from atlas.accounts.access import conflicts_for, is_association_staff
from atlas.directory.models import Country, DatasetConflict
from atlas.editing import services
from atlas.editing.history import describe_conflicts
from atlas.editing.services import Conflict

CONFLICTS_PER_PAGE = 25


class ConflictFilterForm(forms.Form):
    country = forms.ModelChoiceField(
        Country.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("All countries"),
        label=gettext_lazy("Country"),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "accept"), ("dismiss", "dismiss")])


@login_required
def conflict_list(request):
    if not is_association_staff(request.user):
        raise PermissionDenied
    form = ConflictFilterForm(request.GET or None)
    conflicts = conflicts_for(request.user).open()
    if form.is_valid() and form.cleaned_data["country"]:
        conflicts = conflicts.in_country(form.cleaned_data["country"].code)
    conflicts = conflicts.select_related(
        "content_type", "site_set_by", "municipality", "other_municipality"
    ).order_by("-raised_at", "-pk")
    page = Paginator(conflicts, CONFLICTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "rows": describe_conflicts(page.object_list)}
    return render(request, "editing/conflicts.html", context)


def get_decidable_conflict(request, pk: int) -> DatasetConflict:
    """The conflict `pk`: 404 when there is none, 403 when it is outside the visitor's
    scope."""
    conflict = get_object_or_404(DatasetConflict, pk=pk)
    if not is_association_staff(request.user):
        raise PermissionDenied
    if not conflicts_for(request.user).filter(pk=conflict.pk).exists():
        raise PermissionDenied
    return conflict


@login_required
@require_POST
def decide_conflict(request, pk: int):
    conflict = get_decidable_conflict(request, pk)
    form = DecisionForm(request.POST)
    back = redirect(_list_url(request))
    if not form.is_valid():
        messages.error(request, _("Choose to accept or dismiss the dataset's value."))
        return back
    try:
        if form.cleaned_data["decision"] == "accept":
            services.accept_conflict(conflict, acting_user=request.user)
            done = _("The dataset's value is applied to “%(label)s”.")
        else:
            services.dismiss_conflict(conflict, acting_user=request.user)
            done = _("The site's value of “%(label)s” is kept.")
    except Conflict as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, done % {"label": conflict.label})
    return back


def _list_url(request) -> str:
    """Back to the list as it was filtered and paged: built from our own fields, never
    from an address the request names."""
    form = ConflictFilterForm({"country": request.POST.get("country", "")})
    params = {}
    if form.is_valid() and form.cleaned_data["country"]:
        params["country"] = form.cleaned_data["country"].code
    if request.POST.get("page", "").isdigit():
        params["page"] = request.POST["page"]
    return reverse("conflicts") + (f"?{urlencode(params)}" if params else "")
