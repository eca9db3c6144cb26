import re
from datetime import datetime

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_safe
from django_countries import countries as country_names

from atlas.directory.conditional import data_answer, data_last_modified
from atlas.directory.models import DataStamp, Municipality
from atlas.lib.http import weak_etag
from atlas.maps.data import (
    FORMAT_VERSION,
    Encoded,
    basemap,
    basemap_file,
    basemap_modified,
    cache_key,
    cached_place_list,
    cached_places,
    encode,
    links,
    town_payload,
)
from atlas.maps.forms import MapDataForm, MapViewForm

ACCEPTS_GZIP = re.compile(r"\bgzip\b(?!\s*;\s*q=0(?:\.0*)?\b)")
PLACES_PER_PAGE = 50


def map_page(request):
    form = MapViewForm(request.GET)
    context: dict = {"form": form}
    if form.is_valid():
        selection = form.map_filter()
        town = form.cleaned_data["town"]
        context["selection"] = selection
        context["town"] = town
        if town:
            context["links"] = links(town, selection)
        else:
            found = cached_place_list(selection, DataStamp.current())
            page = Paginator(found, PLACES_PER_PAGE).get_page(request.GET.get("page"))
            slugs = dict(
                Municipality.objects.filter(pk__in=[place.id for place in page]).values_list(
                    "pk", "slug"
                )
            )
            context["page"] = page
            context["rows"] = [
                (place, slugs[place.id], country_names.name(place.country) or place.country)
                for place in page
                if place.id in slugs
            ]
    return render(request, "maps/map.html", context)


def data_errors(form) -> JsonResponse:
    return JsonResponse(
        {"errors": {name: list(errors) for name, errors in form.errors.items()}}, status=400
    )


def json_body(request: HttpRequest, encoded: Encoded) -> HttpResponse:
    """The answer's body, gzipped when the client accepts it."""
    if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(encoded.gzipped, content_type="application/json")
        response["Content-Encoding"] = "gzip"
        return response
    return HttpResponse(encoded.body, content_type="application/json")


def by_encoding(response: HttpResponseBase) -> HttpResponseBase:
    """A data answer (or its 304) differs by the client's Accept-Encoding."""
    response["Vary"] = "Accept-Encoding"
    return response


@require_safe
def places_data(request):
    form = MapDataForm(request.GET)
    if not form.is_valid():
        return data_errors(form)
    selection = form.map_filter()
    return by_encoding(
        data_answer(
            request,
            ("places", FORMAT_VERSION, selection.key()),
            lambda: json_body(request, cached_places(selection, data_last_modified(request))),
        )
    )


@require_safe
def town_data(request, pk: int):
    form = MapDataForm(request.GET)
    if not form.is_valid():
        return data_errors(form)
    selection = form.map_filter()
    version = f"{pk}?{selection.key()}"
    town = Municipality.objects.filter(pk=pk).first()
    if town is None:
        return JsonResponse(
            {"errors": {"town": [_("This place is not in the atlas.")]}}, status=404
        )

    def build() -> HttpResponse:
        key = cache_key("town", version, data_last_modified(request))
        encoded = cache.get(key)
        if encoded is None:
            encoded = encode(town_payload(town, selection))
            cache.set(key, encoded, timeout=None)
        return json_body(request, encoded)

    return by_encoding(data_answer(request, ("town", FORMAT_VERSION, version), build))


@require_safe
def basemap_data(request):
    if request.GET:
        return JsonResponse(
            {"errors": {"__all__": [_("This address takes no parameters.")]}}, status=400
        )
    modified = basemap_modified()
    # The basemap changes with its file, not with the data: the same rule, on its own pair.
    answer = condition(
        etag_func=lambda request: weak_etag("basemap", FORMAT_VERSION, modified),
        last_modified_func=lambda request: datetime.fromtimestamp(int(modified)).astimezone(),
    )(lambda request: json_body(request, basemap(basemap_file(), modified)))
    response = by_encoding(answer(request))
    response["Cache-Control"] = "public, no-cache"
    return response
