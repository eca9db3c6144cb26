"""The exports' filters, as query parameters. They mirror the site's filters; anything
else, or a bad value, is an error (400) rather than a silently unfiltered file."""

from urllib.parse import urlencode

from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from atlas.directory.forms import KindField, PeriodForm, StatusField, YearField
from atlas.directory.models import Municipality, Network, Theme
from atlas.lib.parameters import ParameterForm


class CountryField(forms.CharField):
    """An ISO 3166-1 alpha-2 code, in either case."""

    default_validators = [
        RegexValidator(r"^[A-Za-z]{2}$", _("Give a two-letter country code, such as SI."))
    ]

    def __init__(self, **kwargs):
        super().__init__(label=_("Country"), max_length=2, required=False, **kwargs)

    def to_python(self, value):
        return super().to_python(value).upper()


class ExportForm(ParameterForm):
    """The parameters of one export: its filters and nothing else."""

    def key(self) -> str:
        """The filters that are set, in a canonical form for the ETag."""
        return urlencode(
            sorted((k, str(v)) for k, v in self.cleaned_data.items() if v not in ("", None))
        )

    def filter(self, queryset: QuerySet) -> QuerySet:
        raise NotImplementedError


class MunicipalityExportForm(ExportForm):
    country = CountryField()
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *Municipality.Kind.choices], required=False
    )

    def filter(self, queryset):
        data = self.cleaned_data
        if data["country"]:
            queryset = queryset.filter(country_id=data["country"])
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        return queryset


class PartnershipExportForm(PeriodForm, ExportForm):
    country = CountryField()
    kind = KindField()
    status = StatusField()
    theme = forms.SlugField(label=_("Area of cooperation"), max_length=40, required=False)
    since = YearField(label=_("Since (year)"))
    until = YearField(label=_("Until (year)"))

    def clean_theme(self) -> str:
        slug = self.cleaned_data["theme"]
        if slug and not Theme.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("There is no such area of cooperation."))
        return slug

    def filter(self, queryset):
        return queryset.matching(**self.cleaned_data)


class NetworkExportForm(ExportForm):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *Network.Kind.choices], required=False
    )

    def filter(self, queryset):
        if self.cleaned_data["kind"]:
            queryset = queryset.filter(kind=self.cleaned_data["kind"])
        return queryset


class MembershipExportForm(ExportForm):
    network = forms.SlugField(label=_("Network"), max_length=140, required=False)
    country = CountryField()

    def clean_network(self) -> str:
        slug = self.cleaned_data["network"]
        if slug and not Network.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("There is no such network."))
        return slug

    def filter(self, queryset):
        data = self.cleaned_data
        if data["network"]:
            queryset = queryset.filter(network__slug=data["network"])
        if data["country"]:
            queryset = queryset.filter(Q(municipality__country_id=data["country"]))
        return queryset


FORMS: dict[str, type[ExportForm]] = {
    "municipalities": MunicipalityExportForm,
    "partnerships": PartnershipExportForm,
    "networks": NetworkExportForm,
    "memberships": MembershipExportForm,
}
