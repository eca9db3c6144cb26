"""The map's filters, as query parameters: one form for the data endpoints and the page."""

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_countries import countries as country_names

from atlas.directory.models import Country, Municipality, Network, Partnership, Theme
from atlas.lib.text import fold
from atlas.maps.data import MapFilter

# Partnerships with a start year: the earliest claimed twinnings are medieval.
EARLIEST_YEAR, LATEST_YEAR = 800, 2100


def country_choices() -> list[tuple[str, str | Promise]]:
    """Countries that have places in the atlas, by their translated names."""
    codes = Country.objects.values_list("code", flat=True)
    named = sorted(
        ((code, str(country_names.name(code) or code)) for code in codes),
        key=lambda item: fold(item[1]),
    )
    return [("", _("All countries")), *named]


def theme_choices() -> list[tuple[str, str | Promise]]:
    return [("", _("All areas")), *((theme.slug, theme.name) for theme in Theme.objects.all())]


def network_choices() -> list:
    """Networks grouped by their kind, for a select with option groups."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for slug, name, kind in Network.objects.order_by("name").values_list("slug", "name", "kind"):
        groups.setdefault(kind, []).append((slug, name))
    labels = dict(Network.Kind.choices)
    return [
        ("", _("No network")),
        *((labels[kind], groups[kind]) for kind in Network.Kind.values if kind in groups),
    ]


class LazyChoices(BaseChoiceIterator):
    """Choices loaded on first use and then kept: a request that does not use a filter
    does not pay for the query behind its choices, and a rendered one pays once."""

    def __init__(self, load):
        self.load = load
        self.loaded: list | None = None

    def __iter__(self):
        if self.loaded is None:
            self.loaded = list(self.load())
        return iter(self.loaded)


class MapFilterForm(forms.Form):
    """What the map shows."""

    country = forms.ChoiceField(label=_("Country"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *Partnership.Kind.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), *Partnership.Status.choices],
        required=False,
    )
    theme = forms.ChoiceField(label=_("Area of cooperation"), required=False)
    since = forms.IntegerField(
        label=_("Since (year)"),
        min_value=EARLIEST_YEAR,
        max_value=LATEST_YEAR,
        required=False,
        help_text=_("Partnerships that started in this year or later."),
    )
    until = forms.IntegerField(
        label=_("Until (year)"),
        min_value=EARLIEST_YEAR,
        max_value=LATEST_YEAR,
        required=False,
        help_text=_("Partnerships that started in this year or earlier."),
    )
    scope = forms.ChoiceField(
        label=_("Partners"),
        choices=[
            ("", _("At home and abroad")),
            ("domestic", _("In the same country")),
            ("international", _("In another country")),
        ],
        required=False,
    )
    network = forms.ChoiceField(label=_("Network"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, load in [
            ("country", country_choices),
            ("theme", theme_choices),
            ("network", network_choices),
        ]:
            self.fields[name].choices = LazyChoices(load)

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since is not None and until is not None and since > until:
            self.add_error("until", _("The end of the period comes before its start."))
        return data

    def map_filter(self) -> MapFilter:
        """The validated filters; call after `is_valid()`."""
        data = self.cleaned_data
        return MapFilter(**{name: data.get(name) or MapFilter.default(name) for name in FILTERS})


FILTERS = tuple(MapFilterForm.base_fields)


class MapDataForm(MapFilterForm):
    """The data endpoints' parameters: the filters and nothing else, so that a typo is an
    error instead of a silently unfiltered answer."""

    def __init__(self, data, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.unknown = sorted(set(data) - set(self.fields))

    def clean(self):
        data = super().clean()
        for name in self.unknown:
            self.add_error(None, _("Unknown parameter: %(name)s") % {"name": name})
        return data


class MapViewForm(MapFilterForm):
    """The map page's address: the filters, the selected town and where the map looks."""

    town = forms.IntegerField(
        label=_("Town"), min_value=1, required=False, widget=forms.HiddenInput
    )
    lat = forms.FloatField(
        label=_("Latitude"), min_value=-90, max_value=90, required=False, widget=forms.HiddenInput
    )
    lon = forms.FloatField(
        label=_("Longitude"),
        min_value=-180,
        max_value=180,
        required=False,
        widget=forms.HiddenInput,
    )
    zoom = forms.IntegerField(
        label=_("Zoom"), min_value=1, max_value=18, required=False, widget=forms.HiddenInput
    )

    def clean_town(self) -> Municipality | None:
        pk = self.cleaned_data["town"]
        if pk is None:
            return None
        town = Municipality.objects.select_related("country").filter(pk=pk).first()
        if town is None:
            raise forms.ValidationError(_("This place is not in the atlas."))
        return town
