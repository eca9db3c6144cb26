"""The forms of partnerships, proposals and activities. Every free-text field has a
maximum length and refuses NUL characters (Django's CharField does), so bad input is a
field error, never a 500; text is stored as typed and escaped when shown."""

from __future__ import annotations

import datetime
from datetime import date, timedelta
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _

from atlas.directory.models import (
    Activity,
    Municipality,
    MunicipalityName,
    Partnership,
    PartnershipProposal,
    Theme,
)
from atlas.editing.forms import FIRST_YEAR, VersionedForm
from atlas.editing.proposals import problem_with
from atlas.lib.text import fold

NOTES_MAX_LENGTH = 5000
# A name that matches more places than this is answered with "type more of the name".
MAX_CANDIDATES = 10


def not_after_next_year(year: int) -> None:
    """Refuse years after the next one (checked at each use, not when the server started)."""
    if year > localdate().year + 1:
        raise forms.ValidationError(
            _("Give a year up to %(year)s.") % {"year": localdate().year + 1}, code="max_value"
        )


def year_field(label, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=FIRST_YEAR,
        validators=[not_after_next_year],
        widget=forms.NumberInput(attrs={"class": "year"}),
        **kwargs,
    )


class ProposalForm(forms.Form):
    """Propose a partnership. The partner is found by its slug (the autocomplete fills it
    in, or the list of candidates offers it) or, without JavaScript, by its name."""

    partner_name = forms.CharField(
        label=_("Partner municipality"),
        max_length=200,
        required=False,
        help_text=_("Type its name and choose it from the suggestions."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    partner = forms.SlugField(max_length=140, required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label=_("Kind of partnership"),
        choices=Partnership.Kind.choices,
        initial=Partnership.Kind.TWINNING,
    )
    start_year = year_field(
        _("Since (year)"), help_text=_("When the partnership was signed, if it was.")
    )
    message = forms.CharField(
        label=_("Message to the partner (optional)"),
        max_length=PartnershipProposal._meta.get_field("message").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only the partner's coordinators and association staff read it."),
    )

    def __init__(self, *args, proposer: Municipality, **kwargs):
        self.proposer = proposer
        # Places that match a name typed without choosing one: offered to choose from.
        self.candidates: list[Municipality] = []
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.has_error("partner"):
            # A hidden field's error has no place on the page: the visible field says it.
            self.errors.pop("partner")
            self.add_error("partner_name", _("This place is not in the atlas."))
            return data
        partner = self.find_partner(data.get("partner"), data.get("partner_name", ""))
        if partner is None:
            return data
        data["partner"] = partner
        kind = data.get("kind")
        if kind:
            problem = problem_with(self.proposer, partner, kind)
            if problem:
                self.add_error("partner_name", problem)
        return data

    def find_partner(self, slug: str | None, name: str) -> Municipality | None:
        places = Municipality.objects.select_related("country")
        if slug:
            partner = places.filter(slug=slug).first()
            if partner is None:
                self.add_error("partner_name", _("This place is not in the atlas."))
            return partner
        key = fold(name)
        if not key:
            self.add_error("partner_name", _("Type the name of the partner municipality."))
            return None
        other_names = MunicipalityName.objects.filter(search_key=key).values("municipality_id")
        found = list(
            places.filter(Q(search_key=key) | Q(pk__in=other_names)).order_by("name", "pk")[
                : MAX_CANDIDATES + 1
            ]
        )
        if not found:
            found = list(
                places.filter(search_key__startswith=key).order_by("name", "pk")[
                    : MAX_CANDIDATES + 1
                ]
            )
        if len(found) == 1:
            return found[0]
        if not found:
            self.add_error("partner_name", _("No place in the atlas has this name."))
        elif len(found) > MAX_CANDIDATES:
            self.add_error(
                "partner_name", _("Many places match this name: type more of it, please.")
            )
        else:
            self.candidates = found
            self.add_error("partner_name", _("Several places match this name: choose one."))
        return None


class PartnershipForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Partnership.Kind.choices)
    status = forms.ChoiceField(label=_("Status"), choices=Partnership.Status.choices)
    start_year = year_field(_("Since (year)"))
    start_date = forms.DateField(
        label=_("Since (date)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("When the exact date is known; the year is then taken from it."),
    )
    end_year = year_field(_("Until (year)"))
    end_date = forms.DateField(
        label=_("Until (date)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Areas of cooperation"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=NOTES_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on the public page of the partnership."),
    )
    message = forms.CharField(
        label=_("Message to the partner (optional)"),
        max_length=PartnershipProposal._meta.get_field("message").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent with the change they are asked to confirm."),
    )

    def __init__(self, *args, partnership: Partnership, asks_partner: bool = False, **kwargs):
        """`asks_partner`: a change to the shared fields is proposed to the other town
        (proposals.consent_for), so the form offers a message to it."""
        self.partnership = partnership
        kwargs.setdefault(
            "initial",
            {
                "version": partnership.version,
                "kind": partnership.kind,
                "status": partnership.status,
                "start_year": partnership.start_year,
                "start_date": partnership.start_date,
                "end_year": partnership.end_year,
                "end_date": partnership.end_date,
                "themes": list(partnership.themes.all()),
                "notes": partnership.notes,
            },
        )
        super().__init__(*args, **kwargs)
        if not asks_partner:
            del self.fields["message"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        clean_period(self, data)
        kind = data.get("kind")
        if kind and kind != self.partnership.kind:
            same = Partnership.all_objects.filter(
                municipality_a_id=self.partnership.municipality_a_id,
                municipality_b_id=self.partnership.municipality_b_id,
                kind=kind,
            )
            if same.exists():
                self.add_error(
                    "kind",
                    _(
                        "These two towns already have a partnership of this kind in the atlas "
                        "(perhaps a deleted one, which staff can restore)."
                    ),
                )
        return data

    def values(self) -> dict[str, Any]:
        """The cleaned values for `services.update`."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("version", "message")
        }


def clean_period(form: forms.Form, data: dict[str, Any]) -> None:
    """Years follow their dates; the end is not before the start."""
    for side in ("start", "end"):
        day: date | None = data.get(f"{side}_date")
        year: int | None = data.get(f"{side}_year")
        if day and year and day.year != year:
            form.add_error(f"{side}_year", _("The year and the date do not agree."))
        elif day:
            data[f"{side}_year"] = day.year
    start_year, end_year = data.get("start_year"), data.get("end_year")
    if start_year and end_year and end_year < start_year:
        form.add_error("end_year", _("The end cannot be before the start."))
    start_date, end_date = data.get("start_date"), data.get("end_date")
    if start_date and end_date and end_date < start_date and "end_year" not in form.errors:
        form.add_error("end_date", _("The end cannot be before the start."))


class EndForm(VersionedForm):
    """Record that a partnership ended: status "ended" and, if known, when."""

    end_year = year_field(_("Ended in (year)"))
    end_date = forms.DateField(
        label=_("Ended on (date)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, partnership: Partnership, **kwargs):
        self.partnership = partnership
        kwargs.setdefault(
            "initial",
            {
                "version": partnership.version,
                "end_year": partnership.end_year,
                "end_date": partnership.end_date,
            },
        )
        # Two forms on one page: the edit form's fields keep their plain names.
        kwargs.setdefault("prefix", "end")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        data["start_year"] = self.partnership.start_year
        data["start_date"] = self.partnership.start_date
        clean_period(self, data)
        return data

    def values(self) -> dict[str, Any]:
        return {
            "status": Partnership.Status.ENDED,
            "end_year": self.cleaned_data["end_year"],
            "end_date": self.cleaned_data["end_date"],
        }


class ActivityForm(VersionedForm):
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=Activity._meta.get_field("title").max_length,
        help_text=_("For example “Youth exchange in Trofaiach”."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Activity.Kind.choices)
    participants = forms.CharField(
        label=_("Participants (optional)"),
        max_length=Activity._meta.get_field("participants").max_length,
        required=False,
        help_text=_("Who took part, for example “Youth choir, 40 pupils”."),
    )
    link = forms.URLField(
        label=_("Link (optional)"),
        max_length=Activity._meta.get_field("link").max_length,
        required=False,
        assume_scheme="https",
        help_text=_("A report, photos or a press release about it."),
    )

    def __init__(self, *args, activity: Activity | None = None, **kwargs):
        self.activity = activity
        if activity is not None:
            kwargs.setdefault(
                "initial",
                {
                    "version": activity.version,
                    "date": activity.date,
                    "title": activity.title,
                    "kind": activity.kind,
                    "participants": activity.participants,
                    "link": activity.link,
                },
            )
        super().__init__(*args, **kwargs)
        if activity is None:
            # A new activity has no version yet.
            self.fields["version"].required = False

    def clean_date(self) -> datetime.date:
        day = self.cleaned_data["date"]
        if day.year < FIRST_YEAR:
            raise forms.ValidationError(
                _("Give a date after %(year)s.") % {"year": FIRST_YEAR}, code="too_early"
            )
        # A day of slack for time zones: it may already be tomorrow where it took place.
        if day > localdate() + timedelta(days=1):
            raise forms.ValidationError(
                _("Record activities once they have taken place: the date is in the future."),
                code="future",
            )
        return day

    def values(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}
