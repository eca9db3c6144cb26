"""The forms of a municipality's own pages: its profile, its memberships and its projects.
Each carries the version of the record it was opened on (a hidden field), which the save
names so that a later save by someone else is not overwritten (see services.update)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _

from atlas.directory.models import (
    Membership,
    MunicipalityProfile,
    Network,
    Project,
    ProjectPartner,
    Theme,
)
from atlas.editing.languages import language_choices
from atlas.editing.services import FIELDS

FIRST_YEAR = 1800
# Digits, spaces and the signs people write telephone numbers with; no letters or markup.
PHONE = re.compile(r"^\+?[0-9 ()./-]+$")


class VersionedForm(forms.Form):
    """A form that edits a record: it carries (hidden) the version the record had when the
    form was opened, so that `services.update` refuses a save that would overwrite another.
    A model form mixes it in (`class F(VersionedForm, forms.ModelForm)`) and takes the
    version from its instance."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if isinstance(self, forms.ModelForm):
            self.initial.setdefault("version", self.instance.version)

    def clean(self) -> dict[str, Any]:
        super().clean()
        if self.has_error("version"):
            # A hidden field's error has no place on the page: the form says it.
            self.errors.pop("version")
            self.add_error(
                None, _("This form is incomplete: reload the page and make your change again.")
            )
        return self.cleaned_data


class DeleteForm(VersionedForm):
    """Delete (softly) the version of a record that the person saw."""


class ProfileForm(VersionedForm, forms.ModelForm):
    website = forms.URLField(
        label=capfirst(MunicipalityProfile._meta.get_field("website").verbose_name),
        max_length=200,
        required=False,
        assume_scheme="https",
        help_text=_("The page for partners, if there is one; otherwise the municipality's."),
    )
    office_languages = forms.MultipleChoiceField(
        label=capfirst(MunicipalityProfile._meta.get_field("office_languages").verbose_name),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    themes = forms.ModelMultipleChoiceField(
        label=capfirst(MunicipalityProfile._meta.get_field("themes").verbose_name),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = MunicipalityProfile
        fields = list(FIELDS[MunicipalityProfile])
        widgets = {
            "description": forms.Textarea(attrs={"rows": 7}),
            "seeking": forms.Textarea(attrs={"rows": 4}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "contact_phone": forms.TextInput(attrs={"inputmode": "tel"}),
        }
        help_texts = {
            "description": _("What partners should know about the municipality. Plain text."),
            "seeking": _(
                "The partners and projects you look for, for example “a town with a "
                "music school for youth exchanges”."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office_languages"].choices = language_choices()

    def clean_office_languages(self) -> list[str]:
        return sorted(set(self.cleaned_data["office_languages"]))

    def clean_contact_phone(self) -> str:
        phone = self.cleaned_data["contact_phone"]
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(
                _("Use digits, spaces and + ( ) - / . only, for example +386 1 831 81 00."),
                code="invalid_phone",
            )
        return phone


class MembershipForm(VersionedForm, forms.ModelForm):
    """The role and years of a membership."""

    class Meta:
        model = Membership
        fields = ["role", "start_year", "end_year"]
        labels = {"start_year": _("Member since (year)"), "end_year": _("Member until (year)")}
        help_texts = {"end_year": _("Leave empty while it is a member.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = localdate().year
        for name, last in (("start_year", this_year), ("end_year", this_year + 10)):
            generated = self.fields[name]
            self.fields[name] = forms.IntegerField(
                label=generated.label,
                help_text=generated.help_text,
                required=False,
                min_value=FIRST_YEAR,
                max_value=last,
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("The membership cannot end before it began."))
        return data


class NewMembershipForm(MembershipForm):
    """A membership in a network; statistical regions come from the dataset only."""

    network = forms.ModelChoiceField(
        label=_("Network"),
        queryset=Network.objects.exclude(kind=Network.Kind.STATISTICAL_REGION),
        empty_label=_("Choose a network"),
    )

    class Meta(MembershipForm.Meta):
        fields = list(FIELDS[Membership])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["version"]
        networks = self.fields["network"]
        assert isinstance(networks, forms.ModelChoiceField)
        # Grouped by kind, each group by name: some 300 networks, most of them Covenant of
        # Mayors coordinators, are easier to find this way.
        groups: dict[str, list[tuple[int, str]]] = {}
        kinds = dict(Network.Kind.choices)
        for network in networks.queryset.order_by("kind", "name").only(
            "pk", "name", "acronym", "kind"
        ):
            label = f"{network.name} ({network.acronym})" if network.acronym else network.name
            groups.setdefault(str(kinds[network.kind]).capitalize(), []).append((network.pk, label))
        networks.choices = [("", networks.empty_label), *sorted(groups.items())]

    def _post_clean(self) -> None:
        # The instance has no municipality yet: the view decides between a new membership
        # and restoring a deleted one, so the model's own checks would be premature.
        pass


class ProjectPartnerForm(VersionedForm, forms.ModelForm):
    """The municipality's role in a project."""

    class Meta:
        model = ProjectPartner
        fields = ["role"]


class NewProjectPartnerForm(ProjectPartnerForm):
    """Taking part in a project already in the atlas; there are few, listed by title."""

    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.order_by("title"),
        empty_label=_("Choose a project"),
    )

    class Meta(ProjectPartnerForm.Meta):
        fields = list(FIELDS[ProjectPartner])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["version"]

    def _post_clean(self) -> None:
        # The instance has no municipality yet: the view decides between a new
        # participation and restoring a deleted one (see services.add_or_restore).
        pass
