"""Text helpers with no models: accent folding for search and matching, and slugs."""

import re
import unicodedata

from django.utils.text import slugify

# Letters that Unicode does not decompose into a base letter and an accent.
_SPECIAL_LETTERS = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "ı": "i",
        "ħ": "h",
        "Ħ": "h",
    }
)
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case `text`, drop accents and punctuation, and collapse white space, so that
    names compare the way a person typing without accents would expect.

    >>> fold("Škofja Loka")
    'skofja loka'
    >>> fold("  Žužemberk ")
    'zuzemberk'
    >>> fold("Garmisch-Partenkirchen")
    'garmisch partenkirchen'
    >>> fold("Łódź")
    'lodz'
    """
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL_LETTERS))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return _NOT_ALNUM.sub(" ", text.lower()).strip()


def unique_slug(text: str, taken: set[str], *qualifiers: str, max_length: int = 120) -> str:
    """A slug for `text` not yet in `taken`, adding qualifiers (a country code, a region,
    a code) one by one until it is unique, then a number. Adds the result to `taken`.

    >>> taken = {"nova-ves"}
    >>> unique_slug("Nová Ves", taken, "SK", "SK031")
    'nova-ves-sk'
    >>> unique_slug("Nová Ves", taken, "SK", "SK031")
    'nova-ves-sk-sk031'
    >>> unique_slug("Nová Ves", taken, "SK", "SK031")
    'nova-ves-sk-sk031-2'
    """
    base = slugify(fold(text))[:max_length].strip("-") or "place"
    candidate = base
    for qualifier in qualifiers:
        if candidate not in taken:
            break
        if qualifier:
            candidate = f"{candidate}-{slugify(fold(qualifier))}"
    number = 2
    root = candidate
    while candidate in taken:
        candidate = f"{root}-{number}"
        number += 1
    taken.add(candidate)
    return candidate
