"""Name matching helpers with no models, for search: the folded key of a query, the
administrative qualifiers people type before a name, words in any order, and how many typos
a query of some length may carry."""

from atlas.lib.text import fold
from atlas.lib.translit import to_latin

# Words that say what kind of authority a place is rather than what it is called, as people
# type them before the name: "Mestna občina Kranj", "Obec Nová Ves", "Gemeinde Andechs".
# Folded; longer phrases first so that "mestna obcina" goes before "mesto" is tried.
QUALIFIERS = tuple(
    sorted(
        {
            # Slovenian, Croatian, Serbian, Bosnian
            "mestna obcina",
            "obcina",
            "opcina",
            "opstina",
            "grad",
            # Slovak, Czech
            "mestska cast",
            "mestska obec",
            "mesto",
            "mestys",
            "obec",
            "statutarni mesto",
            "hlavni mesto",
            # German
            "gemeinde",
            "marktgemeinde",
            "stadtgemeinde",
            "markt",
            "stadt",
            "hansestadt",
            # English
            "city of",
            "town of",
            "village of",
            "borough of",
            "municipality of",
            # Romance languages
            "comune di",
            "commune de",
            "ville de",
            "municipio de",
            "concello de",
            "comuna",
            "municipiul",
            "orasul",
            # Polish, Hungarian, Greek, Nordic, Dutch
            "gmina",
            "miasto",
            "varos",
            "kozseg",
            "dimos",
            "koinotita",
            "kommune",
            "kommun",
            "gemeente",
        },
        key=lambda phrase: (-len(phrase.split()), phrase),
    )
)


def search_key(text: str) -> str:
    """The folded form of what someone typed, Greek and Cyrillic written in Latin letters,
    to compare with the stored `search_key` of names.

    >>> search_key("  Škofja  LOKA ")
    'skofja loka'
    >>> search_key("Бургас")
    'burgas'
    >>> search_key("<script>")
    'script'
    """
    return fold(to_latin(text))


def strip_qualifiers(key: str) -> str:
    """`key` without the qualifiers in front of the name; the key itself when nothing but
    qualifiers would be left.

    >>> strip_qualifiers("mestna obcina kranj")
    'kranj'
    >>> strip_qualifiers("obec nova ves")
    'nova ves'
    >>> strip_qualifiers("novo mesto")
    'novo mesto'
    >>> strip_qualifiers("obcina")
    'obcina'
    """
    words = key.split()
    stripped = True
    while stripped:
        stripped = False
        for phrase in QUALIFIERS:
            phrase_words = phrase.split()
            size = len(phrase_words)
            if words[:size] == phrase_words and len(words) > size:
                words = words[size:]
                stripped = True
                break
    return " ".join(words) or key


def words_match(query_words: list[str], key: str) -> bool:
    """Whether every word of the query starts a word of `key`, in any order.

    >>> words_match(["loka", "skofja"], "skofja loka")
    True
    >>> words_match(["ves", "nov"], "spisska nova ves")
    True
    >>> words_match(["loka", "kranj"], "skofja loka")
    False
    """
    key_words = key.split()
    return all(any(word.startswith(part) for word in key_words) for part in query_words)


def typo_budget(key: str) -> int:
    """How many typos (a letter added, dropped, changed, or two swapped) a query may have
    and still be matched: none for short ones, where one typo makes another name.

    >>> [typo_budget(key) for key in ("ves", "kamnk", "trofaich", "trofaiach")]
    [0, 1, 1, 2]
    """
    length = len(key)
    if length < 4:
        return 0
    if length < 9:
        return 1
    return 2
