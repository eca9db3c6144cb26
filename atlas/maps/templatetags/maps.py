"""What the interactive map component needs from the server: its data addresses, the
tile setting, and its strings in the active language (so the JS needs no catalogue)."""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django_countries import countries as country_names

from atlas.directory.models import Partnership, Theme

register = template.Library()

# Stand in for a town's id and slug in the URL templates that the script fills in.
PLACEHOLDER = "0"
SLUG = "__slug__"


@register.simple_tag
def map_config(full: bool = False) -> dict:
    """The component's settings; `full` adds what only the map page's panel shows."""
    return {
        "urls": {
            "places": reverse("map-places"),
            "town": reverse("map-town", args=[int(PLACEHOLDER)]),
            "basemap": reverse("map-basemap"),
            "page": reverse("map"),
            "municipality": reverse("municipality", args=[SLUG]),
        },
        "slug": SLUG,
        "tiles": {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION},
        "countries": dict(country_names),
        "kinds": dict(Partnership.Kind.choices),
        "statuses": dict(Partnership.Status.choices),
        "themes": {theme.slug: theme.name for theme in Theme.objects.all()} if full else {},
        "strings": {
            "map": _("Map of partnerships between municipalities"),
            "loading": _("Loading the map…"),
            "loadError": _("The map data could not be loaded. Reload the page to try again."),
            "noPlaces": _("No place matches these filters."),
            "invalid": _("Correct the filters above to see the places."),
            "placesShown": _("Places on the map: %(count)s"),
            "partners": _("Partners: %(count)s"),
            "partnersOf": _("Partners of %(name)s"),
            "noPartners": _("No partnership of this town matches the filters."),
            "since": _("since %(year)s"),
            "lastActivity": _("last activity %(date)s"),
            "openPage": _("Open the page"),
            "showOnMap": _("Show %(name)s on the map"),
            "clear": _("Clear the selection"),
            "pickerLabel": _("Find a town on the map"),
            "pickerPlaceholder": _("Type a name, e.g. Kamnik"),
            "pickerNone": _("No town on the map has this name."),
            "legend": _("Partnerships per place"),
            "basemapCredit": _("Outlines: Natural Earth"),
            "fullMap": _("Open in the full map"),
        },
    }
