from django import forms
from django.utils.translation import gettext_lazy as _

from atlas.directory.models import Country, Network, Partnership
from atlas.lib.matching import search_key
from atlas.lib.text import fold


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        max_length=200,  # the longest names, of networks, have about 150
        strip=True,
        error_messages={
            "required": _("Type a name to search for."),
            "max_length": _("Type at most %(limit_value)d characters (this has %(show_value)d)."),
            "null_characters_not_allowed": _("Type a name without control characters."),
        },
    )

    def clean_q(self) -> str:
        query = self.cleaned_data["q"]
        if not search_key(query):
            raise forms.ValidationError(_("Type at least one letter or digit."))
        return query


class CountryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Country) -> str:
        return obj.name


class PartnershipFilterForm(forms.Form):
    country = CountryChoiceField(
        label=_("Country"),
        queryset=Country.objects.filter(covered=True),
        required=False,
        empty_label=_("All countries"),
        to_field_name="code",
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *Partnership.Kind.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), *Partnership.Status.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Sort by the translated name, which the database cannot do.
        field = self.fields["country"]
        field.choices = [
            ("", field.empty_label),
            *sorted(((c.code, c.name) for c in field.queryset), key=lambda item: fold(item[1])),
        ]

    def filter(self, partnerships):
        data = self.cleaned_data
        if data.get("country"):
            partnerships = partnerships.in_country(data["country"].code)
        if data.get("kind"):
            partnerships = partnerships.filter(kind=data["kind"])
        if data.get("status"):
            partnerships = partnerships.filter(status=data["status"])
        return partnerships


class NetworkFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *Network.Kind.choices], required=False
    )
    include_parts = forms.BooleanField(label=_("Include sub-networks"), required=False)
