"""The map's filters, as query parameters: one form for the data endpoints and the page."""

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_countries import countries as country_names

from atlas.directory.forms import KindField, PeriodForm, StatusField, YearField
from atlas.directory.models import Country, Municipality, Network, Theme
from atlas.lib.parameters import ParameterForm
from atlas.lib.text import fold
from atlas.maps.data import MapFilter


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


class MapFilterForm(PeriodForm):
    """What the map shows."""

    country = forms.ChoiceField(label=_("Country"), required=False)
    kind = KindField()
    status = StatusField()
    theme = forms.ChoiceField(label=_("Area of cooperation"), required=False)
    since = YearField(
        label=_("Since (year)"),
        help_text=_("Partnerships that started in this year or later."),
    )
    until = YearField(
        label=_("Until (year)"),
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

    def map_filter(self) -> MapFilter:
        """The validated filters; call after `is_valid()`."""
        data = self.cleaned_data
        return MapFilter(**{name: data.get(name) or MapFilter.default(name) for name in FILTERS})


FILTERS = tuple(MapFilterForm.base_fields)


class MapDataForm(ParameterForm, MapFilterForm):
    """The data endpoints' parameters: the filters and nothing else."""


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
