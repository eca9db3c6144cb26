from django import forms
from django.utils.translation import gettext_lazy as _

DEFAULT_LIMIT = 30


class WidgetForm(forms.Form):
    """The widget's options, from the query string of the embedded address."""

    map = forms.ChoiceField(
        label=_("map"),
        choices=[("0", _("hide")), ("1", _("show"))],
        required=False,
        error_messages={"invalid_choice": _("Use 0 to hide the map or 1 to show it.")},
    )
    limit = forms.IntegerField(label=_("limit"), min_value=1, max_value=100, required=False)
    theme = forms.ChoiceField(
        label=_("theme"),
        choices=[("light", _("light")), ("dark", _("dark"))],
        required=False,
        error_messages={"invalid_choice": _("Use light or dark.")},
    )

    def options(self) -> dict:
        """The cleaned options with their defaults filled in."""
        data = self.cleaned_data
        return {
            "map": data["map"] != "0",
            "limit": data["limit"] or DEFAULT_LIMIT,
            "theme": data["theme"] or "light",
        }

    def error_text(self) -> str:
        """The errors as short plain lines, "field: message"."""
        return "\n".join(
            f"{self.fields[name].label if name in self.fields else name}: {message}"
            for name, messages in self.errors.items()
            for message in messages
        )
