"""The embeddable "our twin towns" widget: a small page other websites put in an iframe."""

import hashlib

from csp.decorators import csp
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from atlas.directory.maps import partner_map_svg
from atlas.directory.models import DataStamp, Municipality
from atlas.lib.text import fold
from atlas.widget.forms import WidgetForm

# Any site may frame the widget; the widget itself loads nothing from anywhere. It replaces
# the site's policy (settings.CONTENT_SECURITY_POLICY): its styles are inline, as the page
# is self-contained, and it runs no script at all.
WIDGET_CSP = {
    "frame-ancestors": ["*"],
    "default-src": ["'none'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
}
# Outlines to 3 pixels keep a map of a coastal region to some 20 KB (docs/widget.md).
MAP_WIDTH = 400
MAP_TOLERANCE = 3


@xframe_options_exempt
# django-csp types its decorators for views that take the request alone.
@csp(WIDGET_CSP)  # type: ignore[arg-type]
@gzip_page
@require_safe
def widget(request, slug: str):
    """The partners of one municipality as a self-contained page: no script, no cookies,
    no outside requests. Templates are rendered without the request, so that nothing in
    them can touch the session (a cookie set inside a frame is a third-party cookie)."""
    return widget_response(request, slug)


def widget_response(request, slug: str) -> HttpResponse:
    form = WidgetForm(request.GET)
    if not form.is_valid():
        return HttpResponse(form.error_text(), status=400, content_type="text/plain")
    town = Municipality.objects.select_related("country").filter(slug=slug).first()
    if town is None:
        return HttpResponse(render_to_string("widget/not_found.html"), status=404)
    options = form.options()
    stamp = DataStamp.current()
    version = f"{stamp.isoformat()}|{get_language()}|{town.pk}|{sorted(options.items())}"
    etag = quote_etag(hashlib.sha256(version.encode()).hexdigest()[:32])
    last_modified = int(stamp.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = HttpResponse(render_widget(town, options))
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = "public, max-age=3600"
    return response


def render_widget(town: Municipality, options: dict) -> str:
    partnerships = town.partnerships().select_related(
        "municipality_a__country", "municipality_b__country"
    )
    partners = sorted(
        ((p, p.partner_of(town)) for p in partnerships),
        key=lambda pair: (pair[1].country.name, fold(pair[1].name)),
    )
    shown = partners[: options["limit"]]
    located = [partner for _, partner in shown]
    context = {
        "town": town,
        "partners": shown,
        "total": len(partners),
        "theme": options["theme"],
        "map_svg": partner_map_svg(town, located, MAP_WIDTH, MAP_TOLERANCE)
        if options["map"]
        else "",
    }
    return render_to_string("widget/widget.html", context)
