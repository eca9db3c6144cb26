import re
from collections.abc import Callable

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django_countries import countries as country_names

from atlas.directory.models import Municipality
from atlas.maps.data import (
    Encoded,
    basemap,
    basemap_file,
    cached_place_list,
    cached_places,
    data_version,
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
            etag, stamp = data_version("places", selection.key())
            found = cached_place_list(selection, etag, stamp)
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


def data_answer(
    request: HttpRequest, etag: str, stamp, build: Callable[[], Encoded]
) -> HttpResponse:
    """A JSON data answer: 304 when the client has this version, else the cached body,
    gzipped when the client accepts it, with the validators for the next request."""
    last_modified = int(stamp.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        encoded = build()
        if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
            response = HttpResponse(encoded.gzipped, content_type="application/json")
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(encoded.body, content_type="application/json")
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Vary"] = "Accept-Encoding"
    # Browsers keep the answer but ask each time; an unchanged answer costs a 304.
    response["Cache-Control"] = "public, no-cache"
    return response


@require_safe
def places_data(request):
    form = MapDataForm(request.GET)
    if not form.is_valid():
        return data_errors(form)
    selection = form.map_filter()
    etag, stamp = data_version("places", selection.key())
    return data_answer(request, etag, stamp, lambda: cached_places(selection, etag, stamp))


@require_safe
def town_data(request, pk: int):
    form = MapDataForm(request.GET)
    if not form.is_valid():
        return data_errors(form)
    selection = form.map_filter()
    etag, stamp = data_version("town", f"{pk}?{selection.key()}")
    town = Municipality.objects.filter(pk=pk).first()
    if town is None:
        return JsonResponse(
            {"errors": {"town": [_("This place is not in the atlas.")]}}, status=404
        )

    def build() -> Encoded:
        key = f"maps:town:{etag}"
        encoded = cache.get(key)
        if encoded is None:
            encoded = encode(town_payload(town, selection), etag, stamp)
            cache.set(key, encoded, timeout=None)
        return encoded

    return data_answer(request, etag, stamp, build)


@require_safe
def basemap_data(request):
    if request.GET:
        return JsonResponse(
            {"errors": {"__all__": [_("This address takes no parameters.")]}}, status=400
        )
    path = basemap_file()
    try:
        modified = path.stat().st_mtime
    except OSError:
        modified = 0.0
    encoded = basemap(path, modified)
    return data_answer(request, encoded.etag, encoded.last_modified, lambda: encoded)
