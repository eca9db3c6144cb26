"""The matchmaking pages' query parameters: factor weights, and the network builder's town
and call."""

from django import forms
from django.utils.translation import gettext_lazy as _

from atlas.directory.models import Municipality
from atlas.matchmaking.cerv import CALLS
from atlas.matchmaking.suggest import DEFAULT_WEIGHTS, FACTORS, Weights

WEIGHT_CHOICES = [
    (0, _("off")),
    (1, _("counts a little")),
    (2, _("counts")),
    (3, _("counts a lot")),
]
FACTOR_LABELS = {
    "same_size": _("Same size"),
    "shared_themes": _("Shared areas of cooperation"),
    "shared_languages": _("Shared language"),
    "near": _("Near"),
    "far": _("Far away"),
    "neighbouring_country": _("Neighbouring country"),
    "shared_networks": _("Shared networks"),
    "partners_of_partners": _("Partners of partners"),
    "new_country": _("A country with no partner yet"),
}


class WeightsForm(forms.Form):
    """How much each factor counts, 0 (off) to 3. A missing factor keeps its default, so
    that a link can set just one ("?far=3")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for factor in FACTORS:
            self.fields[factor] = forms.TypedChoiceField(
                label=FACTOR_LABELS[factor],
                choices=WEIGHT_CHOICES,
                coerce=int,
                required=False,
                empty_value=None,
                initial=DEFAULT_WEIGHTS[factor],
                error_messages={
                    "invalid_choice": _("Choose how much this counts, from off to a lot.")
                },
            )

    def weights(self) -> Weights:
        """The weights asked for, defaults where a field is missing or wrong."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            factor: data[factor] if data.get(factor) is not None else DEFAULT_WEIGHTS[factor]
            for factor in FACTORS
        }


class NetworkBuilderForm(forms.Form):
    town = forms.SlugField(label=_("Town"), max_length=140, required=False)
    call = forms.ChoiceField(
        label=_("Funding call"),
        choices=[(call.slug, call.name) for call in CALLS.values()],
        required=False,
    )

    def clean_town(self) -> Municipality | None:
        slug = self.cleaned_data["town"]
        if not slug:
            return None
        town = Municipality.objects.select_related("country").filter(slug=slug).first()
        if town is None:
            raise forms.ValidationError(_("This place is not in the atlas."))
        return town

    def clean_call(self):
        return CALLS[self.cleaned_data["call"] or "cerv-networks-of-towns"]
