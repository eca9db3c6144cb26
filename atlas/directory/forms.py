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


# Partnerships with a start year: the earliest claimed twinnings are medieval.
EARLIEST_YEAR, LATEST_YEAR = 800, 2100


class KindField(forms.ChoiceField):
    """A partnership filter's kind, or any."""

    def __init__(self, **kwargs):
        choices = [("", _("All kinds")), *Partnership.Kind.choices]
        super().__init__(label=_("Kind"), choices=choices, required=False, **kwargs)


class StatusField(forms.ChoiceField):
    """A partnership filter's status, or any."""

    def __init__(self, **kwargs):
        choices = [("", _("Any status")), *Partnership.Status.choices]
        super().__init__(label=_("Status"), choices=choices, required=False, **kwargs)


class YearField(forms.IntegerField):
    """One end of a partnership filter's period of start years."""

    def __init__(self, **kwargs):
        super().__init__(min_value=EARLIEST_YEAR, max_value=LATEST_YEAR, required=False, **kwargs)


class PeriodForm(forms.Form):
    """A filter with `since` and `until` years, whose end may not come before its start."""

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since is not None and until is not None and since > until:
            self.add_error("until", _("The end of the period comes before its start."))
        return data


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
    kind = KindField()
    status = StatusField()

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
        country = data["country"].code if data["country"] else ""
        return partnerships.matching(country=country, kind=data["kind"], status=data["status"])


class NetworkFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *Network.Kind.choices], required=False
    )
    include_parts = forms.BooleanField(label=_("Include sub-networks"), required=False)
