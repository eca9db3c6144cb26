"""The languages a municipality's office may say it speaks: the EU's official languages
and the other European languages common among the atlas's towns.

Names come from Django's own catalogue (`get_language_info`), already translated into
every interface language; only Maltese, which Django does not list, is ours.

>>> from django.utils import translation
>>> with translation.override("de"):
...     language_name("sl")
'Slowenisch'
>>> with translation.override("en"):
...     language_name("mt")
'Maltese'
>>> language_name("xx")
'xx'
"""

from __future__ import annotations

from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from atlas.lib.text import fold

# The 24 official languages of the EU, then others spoken in the atlas's partner towns.
EU_LANGUAGES = (
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr",
    "hu", "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv",
)  # fmt: skip
OTHER_LANGUAGES = (
    "be", "bs", "ca", "eu", "gl", "is", "lb", "mk", "no", "ru", "sq", "sr", "tr", "uk",
)  # fmt: skip
OFFICE_LANGUAGES = EU_LANGUAGES + OTHER_LANGUAGES
_NOT_IN_DJANGO = {"mt": _("Maltese")}


def language_name(code: str) -> str:
    """The name of the language `code` in the active language; the code when unknown."""
    if code in _NOT_IN_DJANGO:
        return str(_NOT_IN_DJANGO[code])
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def language_choices() -> list[tuple[str, str]]:
    """The office languages as form choices, ordered by their name in the active language."""
    return sorted(
        ((code, language_name(code)) for code in OFFICE_LANGUAGES),
        key=lambda choice: fold(choice[1]),
    )
