"""Query parameters read by a form: anything the form does not know is an error, so that a
typo is a 400 instead of a silently unfiltered answer; and the unknown name is echoed
shortened, since a longer one is not ours.

>>> shown("colour")
'colour'
>>> shown("x" * 50) == "x" * 40 + "…"
True
"""

from django import forms
from django.utils.translation import gettext_lazy as _

SHOWN_NAME_LENGTH = 40


def shown(name: str) -> str:
    """A parameter's name, as an error may echo it without repeating a huge or hostile one."""
    return name if len(name) <= SHOWN_NAME_LENGTH else name[:SHOWN_NAME_LENGTH] + "…"


class ParameterForm(forms.Form):
    """A form of query parameters that names each one it does not know as an error."""

    def __init__(self, data, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.unknown = sorted(set(data) - set(self.fields))

    def clean(self):
        data = super().clean()
        for name in self.unknown:
            self.add_error(None, _("Unknown parameter: %(name)s") % {"name": shown(name)})
        return data
