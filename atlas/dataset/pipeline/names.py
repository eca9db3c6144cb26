"""Name variants: what a twinning list or a register writes, reduced to what can be matched."""

import re

from atlas.lib.text import fold
from atlas.lib.translit import to_latin

# Words around a municipality's name that say what kind of authority it is (folded).
PREFIXES = (
    "mestna obcina",
    "obcina",
    "statutarni mesto",
    "mesto",
    "obec",
    "gmina miejska",
    "gmina",
    "miasto",
    "town of",
    "city of",
    "municipality of",
    "stadt",
    "markt",
    "hansestadt",
    "comune di",
    "ville de",
    "opcina",
    "grad",
    "koinotita",
    "dimotiki koinotita",
    "dimos",
    "municipiul",
    "oras",
    "comuna",
)
SUFFIXES = (
    "stadt",
    "municipality",
    "town",
    "city",
    "rural gmina",
    "urban gmina",
    "gmina",
    "parish",
    "vald",
    "linn",
    "kommune",
    "kerulet",
    "kerulete",
)
# A parenthesis or suffix with one of these words names a district or region, not a town.
NOT_MUNICIPAL = re.compile(
    r"\b(district|county|province|region|microregion|amt|oblast|voivodeship|powiat|"
    r"landkreis|kreis|prefecture|department|departement|canton|raion|rayon|governorate)\b"
)
# A numbered district of a city ("18th district of Budapest", "Budapest XV. District"):
# the lists mean the city, which LAU has as one unit.
_CITY_DISTRICT = re.compile(
    r"^(\d+(st|nd|rd|th)|[ivx]+) district of (?P<city>.+)$"
    r"|^(?P<name>.+?) (district (\d+|[ivx]+)|(\d+|[ivx]+) district)$"
)
_PARENS = re.compile(r"\s*\(([^)]*)\)\s*")
_DASH = re.compile(r"\s+[\u2013\u2014-]\s+|\s*[\u2013\u2014]\s*")
# "Prague 6", "Vienna 1", "Budapest XI" (after "kerület" went): the city's own name.
_TRAILING_NUMBER = re.compile(r"\s+(\d+|[ivx]+)$")
# German LAU names abbreviate "bei", "an der", "im" ("Neustadt b.Coburg").
_GERMAN_ABBREVIATIONS = (
    (re.compile(r"\ba\.\s*d\.\s*"), "an der "),
    (re.compile(r"\bb\.\s*"), "bei "),
    (re.compile(r"\bi\.\s*"), "im "),
    (re.compile(r"\ba\.\s*"), "am "),
)


def clean(text: str) -> str:
    """Strip stray quotes and white space that scraping left around a name.

    >>> clean(' Bavaria"')
    'Bavaria'
    """
    return text.strip().strip('"').strip()


def is_not_municipal(text: str) -> bool:
    """Whether a list's name is a district, county or region rather than a town.

    >>> is_not_municipal("Herford (district)"), is_not_municipal("Budapest XV. District")
    (True, False)
    """
    key = fold(text)
    return bool(NOT_MUNICIPAL.search(key)) and not _CITY_DISTRICT.match(key)


def strip_qualifiers(key: str) -> str:
    """Drop the kind-of-authority words around a folded name.

    >>> strip_qualifiers("mestna obcina kamnik"), strip_qualifiers("gelnhausen stadt")
    ('kamnik', 'gelnhausen')
    """
    for prefix in PREFIXES:
        if key.startswith(prefix + " "):
            key = key[len(prefix) + 1 :]
            break
    for suffix in SUFFIXES:
        if key.endswith(" " + suffix):
            key = key[: -len(suffix) - 1]
            break
    return key


def variants(name: str) -> list[str]:
    """Folded forms of a name to try in order: as written, without region or parenthesis,
    each side of a dash, without authority words or a district number, and last the
    city named in a parenthesis ("Rača (Bratislava)" falls back to Bratislava).

    >>> variants("Mestna občina Kamnik")
    ['mestna obcina kamnik', 'kamnik']
    >>> variants("Prague 6 (Prague)")
    ['prague 6 prague', 'prague 6', 'prague']
    >>> variants("Belgrade - Zemun")
    ['belgrade zemun', 'zemun', 'belgrade']
    """
    name = clean(name)
    forms: list[str] = [name]
    before_comma = name.split(",")[0]
    if before_comma != name:
        forms.append(before_comma)
    bare = _PARENS.sub(" ", name).strip()
    forms.append(bare)
    if "," in bare:
        forms.append(bare.split(",")[0])
    parts = _DASH.split(bare)
    if len(parts) == 2 and all(parts):
        forms.extend([parts[1], parts[0]])
    folded = [fold(to_latin(form)) for form in forms]
    folded += [strip_qualifiers(key) for key in folded]
    folded += [_TRAILING_NUMBER.sub("", strip_qualifiers(key)) for key in folded]
    folded += [fold(to_latin(inner)) for inner in _PARENS.findall(name)]
    for key in list(folded):
        if match := _CITY_DISTRICT.match(key):
            folded.append(match["city"] or match["name"])
    result: list[str] = []
    for key in folded:
        if key and key not in result:
            result.append(key)
    return result


def own_keys(name: str) -> set[str]:
    """Folded forms a register's name is known by: bilingual halves ("Koper/Capodistria"),
    Spanish articles put first ("Bonillo, El"), without a parenthesis or authority word.

    >>> sorted(own_keys("Koper/Capodistria"))
    ['capodistria', 'koper', 'koper capodistria']
    >>> sorted(own_keys("Bonillo, El"))
    ['bonillo', 'bonillo el', 'el bonillo']
    """
    name = clean(name)
    forms = {name, _PARENS.sub(" ", name).strip()}
    for form in list(forms):
        if "," in form:
            head, _, tail = form.partition(",")
            forms.add(head)
            if tail.strip().lower() in {
                "el",
                "la",
                "los",
                "las",
                "l'",
                "les",
                "le",
                "o",
                "a",
                "os",
            }:
                forms.add(f"{tail.strip()} {head}")
        expanded = form
        for pattern, replacement in _GERMAN_ABBREVIATIONS:
            expanded = pattern.sub(replacement, expanded)
        forms.add(expanded)
        for separator in ("/", " - "):
            if separator in form:
                forms.update(part for part in form.split(separator) if part.strip())
    keys = {fold(to_latin(form)) for form in forms}
    keys |= {strip_qualifiers(key) for key in keys}
    return {key for key in keys if key}
