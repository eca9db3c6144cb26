"""Latin transliteration of Greek and Cyrillic names, so that `fold` and slugs work on them."""

_GREEK = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th",
    "ι": "i", "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p",
    "ρ": "r", "σ": "s", "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps",
    "ω": "o", "ά": "a", "έ": "e", "ή": "i", "ί": "i", "ό": "o", "ύ": "y", "ώ": "o",
    "ϊ": "i", "ϋ": "y", "ΐ": "i", "ΰ": "y",
}  # fmt: skip
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ѓ": "gj", "ђ": "dj", "е": "e",
    "ё": "yo", "є": "ye", "ж": "zh", "з": "z", "ѕ": "dz", "и": "i", "і": "i", "ї": "yi",
    "й": "y", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "ќ": "kj", "ћ": "c", "у": "u",
    "ў": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "џ": "dz", "ш": "sh", "щ": "sht",
    "ъ": "a", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
_LETTERS = {**_GREEK, **_CYRILLIC}
_TABLE = str.maketrans(_LETTERS)
# Greek digraphs read differently from their letters.
_GREEK_PAIRS = (
    ("ου", "ou"),
    ("ού", "ou"),
    ("αι", "ai"),
    ("ει", "ei"),
    ("οι", "oi"),
    ("ευ", "ev"),
    ("εύ", "ev"),
    ("αυ", "av"),
    ("αύ", "av"),
    ("μπ", "b"),
    ("ντ", "nt"),
    ("γκ", "g"),
)


def to_latin(text: str) -> str:
    """Transliterate Greek and Cyrillic letters to Latin; other text is left as it is.

    >>> to_latin("Бургас")
    'Burgas'
    >>> to_latin("Κοινότητα Κομοτηνής")
    'Koinotita Komotinis'
    >>> to_latin("McCarthy Škofja Loka")
    'McCarthy Škofja Loka'
    """
    if text.isascii():
        return text
    result = []
    for word in text.split(" "):
        lower = word.lower()
        if not any(char in _LETTERS for char in lower):
            result.append(word)
            continue
        for pair, latin in _GREEK_PAIRS:
            lower = lower.replace(pair, latin)
        latin_word = lower.translate(_TABLE)
        if word[:1].isupper():
            latin_word = latin_word[:1].upper() + latin_word[1:]
        result.append(latin_word)
    return " ".join(result)
