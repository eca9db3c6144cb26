"""The embeddable "our twin towns" widget: a small page other websites put in an iframe."""

from csp.decorators import csp
from django.http import HttpResponse, HttpResponseBase
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from atlas.directory.conditional import data_answer
from atlas.directory.maps import partner_map_svg
from atlas.directory.models import Municipality
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


def widget_response(request, slug: str) -> HttpResponseBase:
    form = WidgetForm(request.GET)
    if not form.is_valid():
        return HttpResponse(form.error_text(), status=400, content_type="text/plain")
    town = Municipality.objects.select_related("country").filter(slug=slug).first()
    if town is None:
        return HttpResponse(render_to_string("widget/not_found.html"), status=404)
    options = form.options()
    return data_answer(
        request,
        ("widget", get_language(), town.pk, sorted(options.items())),
        lambda: HttpResponse(render_widget(town, options)),
        cache_control="public, max-age=3600",
    )


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
