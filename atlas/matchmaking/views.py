from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from atlas.directory.models import Municipality
from atlas.matchmaking.builder import attach, propose
from atlas.matchmaking.cerv import CERV_ASSOCIATED, RULES_ASSUMED_ON
from atlas.matchmaking.forms import NetworkBuilderForm, WeightsForm
from atlas.matchmaking.suggest import current_snapshot, suggestions_page

PER_PAGE = 25


def suggested_partners(request, slug: str):
    town = get_object_or_404(Municipality.objects.select_related("country"), slug=slug)
    form = WeightsForm(request.GET or None)
    weights = form.weights()
    snapshot = current_snapshot()
    seeker = snapshot.seeker(town)
    page = Paginator(snapshot.rank(seeker, weights), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "town": town,
        "form": form,
        "page": page,
        "suggestions": suggestions_page(snapshot, seeker, weights, list(page.object_list)),
        "all_off": not any(weights.values()),
    }
    return render(request, "matchmaking/suggested_partners.html", context)


def network_builder(request):
    form = NetworkBuilderForm(request.GET)
    context: dict = {"form": form, "assumed_on": RULES_ASSUMED_ON}
    if form.is_valid() and form.cleaned_data["town"]:
        town, call = form.cleaned_data["town"], form.cleaned_data["call"]
        snapshot = current_snapshot()
        groups = propose(snapshot, snapshot.seeker(town), call)
        attach(groups, town, call, snapshot.eu_members)
        context.update(
            town=town,
            call=call,
            groups=groups,
            associated=sorted(CERV_ASSOCIATED),
        )
    return render(request, "matchmaking/network_builder.html", context)
