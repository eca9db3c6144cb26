"""The board's forms: the list's filters (query parameters too are validated by a form), an
entry, a message, a report, and the moderators' decision."""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import QueryDict
from django.utils.http import urlencode
from django.utils.timezone import localdate
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from atlas.accounts.forms import wait_message
from atlas.accounts.models import CoordinatorRole
from atlas.board.models import (
    FILTERS,
    SIZE_LABELS,
    Entry,
    Purpose,
    language_choices,
)
from atlas.directory.models import Country, Municipality, Theme
from atlas.lib.countries import NEIGHBOURS
from atlas.lib.ratelimit import RateLimit
from atlas.lib.text import fold

# Each entry may mail moderators and every message mails the other side: nobody may flood.
ENTRIES_PER_USER = RateLimit("board-entry-user", limit=5, window=60 * 60)
MESSAGES_PER_USER = RateLimit("board-message-user", limit=20, window=60 * 60)
REPORTS_PER_USER = RateLimit("board-report-user", limit=10, window=60 * 60)
# How far ahead a deadline may be.
LONGEST_DEADLINE = timedelta(days=2 * 366)
# Tab, line feed and carriage return are the only control characters a text may hold
# (NUL is refused by Django's own validator, with its own message).
ALLOWED_CONTROLS = {"\t", "\n", "\r"}


# Europe and its neighbours (the countries with land borders in atlas/lib/countries.py, and
# the island states), listed before the other countries in country choices.
EUROPE = frozenset(NEIGHBOURS) | {"CY", "IS", "MT"}


def country_choices() -> list:
    """Every country of the atlas in two groups, Europe first, each by its name in the
    active language (which the database cannot sort by). One query."""
    countries = sorted(
        ((c.code, c.name) for c in Country.objects.all()), key=lambda item: fold(item[1])
    )
    return [
        (_("Europe"), [item for item in countries if item[0] in EUROPE]),
        (_("Other countries"), [item for item in countries if item[0] not in EUROPE]),
    ]


def refuse_control_characters(value: str) -> None:
    """Refuse invisible control characters (a NUL is refused by Django before this runs).
    Format characters such as right-to-left marks are text and stay as typed.

    >>> refuse_control_characters("Partner wanted\\n\\u200f\\u05e9\\u05dc\\u05d5\\u05dd")
    >>> try:
    ...     refuse_control_characters("bell\\x07")
    ... except forms.ValidationError as error:
    ...     print(error.messages)
    ['Remove the invisible control characters from this text (U+0007).']
    """
    bad = sorted(
        {c for c in value if unicodedata.category(c) == "Cc" and c not in ALLOWED_CONTROLS}
        - {"\x00"}  # refused by Django's own validator, with its own message
    )
    if bad:
        raise forms.ValidationError(
            _("Remove the invisible control characters from this text (%(characters)s)."),
            code="control_characters",
            params={"characters": ", ".join(f"U+{ord(c):04X}" for c in bad)},
        )


class UserTextField(forms.CharField):
    """Free text typed by a person: line ends become "\\n" (browsers send "\\r\\n", which
    would count twice against a limit the browser counts once), and invisible control
    characters are refused."""

    default_validators = [refuse_control_characters]

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


TEXT_ERRORS = {
    "null_characters_not_allowed": _(
        "Remove the invisible control characters from this text (U+0000)."
    ),
    "max_length": _("Write at most %(limit_value)d characters (this has %(show_value)d)."),
}


def is_throttled(form: forms.BaseForm) -> bool:
    return form.has_error(NON_FIELD_ERRORS, "throttled")


def check_rate(limit: RateLimit, user: Any, form: forms.BaseForm) -> None:
    """Refuse the form when `user` used up `limit`; count one event when it is valid."""
    key = str(user.pk)
    if limit.is_exceeded(key):
        raise forms.ValidationError(wait_message(limit.retry_after(key)), code="throttled")
    if not form.errors:
        limit.hit(key)


class BoardFilterForm(forms.Form):
    """The list's and the feed's filters. Every field is optional; a wrong value is reported
    beside its field and ignored."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            ("", _("Requests and offers")),
            (Entry.Kind.REQUEST, _("Requests: partner sought")),
            (Entry.Kind.OFFER, _("Offers")),
        ],
        required=False,
    )
    purpose = forms.ChoiceField(
        label=_("Purpose"), choices=[("", _("Any purpose")), *Purpose.choices], required=False
    )
    theme = forms.ChoiceField(label=_("Area of cooperation"), required=False)
    country = forms.ChoiceField(label=_("Posted from"), required=False)
    wished_country = forms.ChoiceField(label=_("Partners wished in"), required=False)
    size = forms.ChoiceField(
        label=_("Size of the municipality"),
        choices=[("", _("Any size")), *SIZE_LABELS.items()],
        required=False,
    )
    language = forms.ChoiceField(label=_("Working language"), required=False)
    state = forms.ChoiceField(
        label=_("Show"),
        choices=[("", _("Open entries")), ("closed", _("Closed entries")), ("all", _("All"))],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One query each, sorted by the translated name, which the database cannot do.
        countries = country_choices()
        self.fields["theme"].choices = [
            ("", _("Any area")),
            *((t.slug, t.name) for t in Theme.objects.all()),
        ]
        self.fields["country"].choices = [("", _("Any country")), *countries]
        self.fields["wished_country"].choices = [("", _("Any country")), *countries]
        self.fields["language"].choices = [("", _("Any language")), *language_choices()]

    def filters(self) -> dict[str, str]:
        """The valid, non-empty filters, as query-string values; wrong ones are left out."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in FILTERS if data.get(name)}

    def query_string(self) -> str:
        """The filters as a canonical query string (fixed order, no page): what a saved
        search stores."""
        return urlencode(self.filters())

    def entries(self, *, feed: bool = False):
        """The published entries these filters ask for; the feed has only open ones."""
        filters = self.filters()
        state = "open" if feed else filters.get("state", "open")
        return Entry.objects.in_state(state).matching(**filters)

    def describe(self, filters: dict[str, str]) -> list[str]:
        """`filters` in words ("Purpose: twinning"), for saved searches and the feed."""
        described = []
        for name, value in filters.items():
            field = self.fields[name]
            shown = dict(field.choices).get(value, value)  # type: ignore[attr-defined]
            described.append(f"{field.label}: {shown}")
        return described


class EntryForm(forms.ModelForm):
    """An entry, posted or edited by a coordinator. On a new entry the municipality is one
    of those the person coordinates; on an edit it stays and the version is checked."""

    working_languages = forms.MultipleChoiceField(
        label=_("Working languages"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The languages your municipality can work in with a partner."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Entry
        fields = [
            "municipality",
            "kind",
            "purpose",
            "title",
            "text",
            "language",
            "themes",
            "countries",
            "population_min",
            "population_max",
            "deadline",
            "programme",
        ]
        labels = {
            "kind": _("What do you post?"),
            "text": _("Describe what you seek or offer"),
            "countries": _("Partners wished in"),
            "population_min": _("Partner population from"),
            "population_max": _("Partner population up to"),
            "programme": _("Funding programme (optional)"),
        }
        help_texts = {
            "title": _("A short summary, e.g. “Small Alpine town seeks a twin town in Italy”."),
            "text": _(
                "What you have in mind, who you are, what you can offer. Do not put e-mail "
                "addresses or phone numbers here: interested coordinators write to you "
                "through the site."
            ),
            "deadline": _("The entry closes after this day."),
            "countries": _(
                "Hold Ctrl (Cmd on a Mac) to choose several. None: any country is welcome."
            ),
            "population_max": _("Leave both empty when any size is welcome."),
        }
        widgets = {
            "kind": forms.RadioSelect,
            "text": forms.Textarea(attrs={"rows": 8}),
            "themes": forms.CheckboxSelectMultiple,
            "countries": forms.SelectMultiple(attrs={"size": 8}),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        field_classes = {"title": UserTextField, "text": UserTextField}
        error_messages = {
            "title": TEXT_ERRORS,
            "text": TEXT_ERRORS,
        }

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        creating = self.instance.pk is None
        fields = self.fields
        if creating:
            fields["municipality"].queryset = Municipality.objects.filter(
                pk__in=CoordinatorRole.objects.of(user).approved().values("municipality_id")
            ).select_related("country")
            fields["municipality"].empty_label = None
            fields["municipality"].label = _("Municipality")
            fields["language"].initial = (get_language() or "en")[:2]
            del fields["version"]
        else:
            del fields["municipality"]
            fields["version"].required = True
            fields["version"].initial = self.instance.version
            fields["working_languages"].initial = self.instance.working_language_codes
        fields["kind"].choices = Entry.Kind.choices
        fields["purpose"].choices = [("", _("Choose a purpose")), *Purpose.choices]
        programme = fields["programme"]
        assert isinstance(programme, forms.ModelChoiceField)
        programme.empty_label = _("None")
        fields["working_languages"].choices = fields["language"].choices = language_choices()
        fields["countries"].choices = country_choices()

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        today = localdate()
        if deadline < today:
            raise forms.ValidationError(_("Choose a deadline from today on."), code="deadline_past")
        if deadline > today + LONGEST_DEADLINE:
            raise forms.ValidationError(
                _("Choose a deadline at most two years ahead."), code="deadline_far"
            )
        return deadline

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        # Not a field of the model form: set here, before the instance is built from it.
        self.instance.set_working_languages(data.get("working_languages") or [])
        low, high = data.get("population_min"), data.get("population_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "population_max",
                forms.ValidationError(
                    _("The upper end must not be smaller than the lower end."),
                    code="population_range",
                ),
            )
        if self.instance.pk is None:
            check_rate(ENTRIES_PER_USER, self.user, self)
        return data


class MessageForm(forms.Form):
    text = UserTextField(
        label=_("Your message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={**TEXT_ERRORS, "required": _("Write a message.")},
        help_text=_(
            "The other side reads it on the site and gets an e-mail that links to it; your "
            "e-mail address is not shown."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        check_rate(MESSAGES_PER_USER, self.user, self)
        return data


class InterestForm(MessageForm):
    """A coordinator writes to an entry's author; one who coordinates several
    municipalities says for which."""

    municipality = forms.ModelChoiceField(
        label=_("On behalf of"), queryset=Municipality.objects.none(), empty_label=None
    )

    field_order = ["municipality", "text"]

    def __init__(self, *args, user, entry: Entry, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Municipality.objects.filter(
                pk__in=CoordinatorRole.objects.of(user).approved().values("municipality_id")
            )
            .exclude(pk=entry.municipality_id)
            .select_related("country")
        )


class ReportForm(forms.Form):
    reason = UserTextField(
        label=_("What is wrong with this entry?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={**TEXT_ERRORS, "required": _("Say what is wrong, in a few words.")},
        help_text=_("Only the moderators read it."),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        check_rate(REPORTS_PER_USER, self.user, self)
        return data


class ModerationForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("approve", _("Approve")),
            ("hide", _("Hide as spam")),
            ("unhide", _("Show again")),
            ("dismiss", _("Dismiss the reports")),
        ]
    )


class SaveSearchForm(forms.Form):
    """The list's query string, validated again by the filter form before it is kept."""

    query = forms.CharField(max_length=1000, required=False)

    def clean_query(self) -> str:
        query = self.cleaned_data["query"].lstrip("?")
        return BoardFilterForm(QueryDict(query)).query_string()
