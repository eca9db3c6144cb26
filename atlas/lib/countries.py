"""Static facts about countries that the matchmaking needs and the atlas does not store:
official languages and land borders.

Both are common knowledge (the countries' constitutions and language laws, and any atlas),
written down here for the countries that have places in the atlas most often; a country
missing here simply never shares a language or a border. Official languages stand in for
the languages a town hall works in until offices state their own (issue 4's profiles):
"both speak German" means that German is an official language in both countries.
Codes are ISO 3166-1 alpha-2 (XK for Kosovo) and ISO 639-1 (as Django's language names
know them, so that the names can be shown translated). Regional co-official languages
(Catalan in Spain, Swedish in Finland's municipalities aside) are left out, except where
they are official nationwide (Finland, Belgium, Switzerland, Luxembourg, Ireland).
"""

# Official languages, nationwide.
OFFICIAL_LANGUAGES: dict[str, tuple[str, ...]] = {
    # EU member states
    "AT": ("de",),
    "BE": ("nl", "fr", "de"),
    "BG": ("bg",),
    "CY": ("el", "tr"),
    "CZ": ("cs",),
    "DE": ("de",),
    "DK": ("da",),
    "EE": ("et",),
    "ES": ("es",),
    "FI": ("fi", "sv"),
    "FR": ("fr",),
    "GR": ("el",),
    "HR": ("hr",),
    "HU": ("hu",),
    "IE": ("ga", "en"),
    "IT": ("it",),
    "LT": ("lt",),
    "LU": ("lb", "fr", "de"),
    "LV": ("lv",),
    "MT": ("en",),  # Maltese has no name in Django's list; English is official too
    "NL": ("nl",),
    "PL": ("pl",),
    "PT": ("pt",),
    "RO": ("ro",),
    "SE": ("sv",),
    "SI": ("sl",),
    "SK": ("sk",),
    # The rest of Europe and its neighbours
    "AD": ("ca",),
    "AL": ("sq",),
    "AM": ("hy",),
    "AZ": ("az",),
    "BA": ("bs", "hr", "sr"),
    "BY": ("be", "ru"),
    "CH": ("de", "fr", "it"),
    "GB": ("en",),
    "GE": ("ka",),
    "IS": ("is",),
    "LI": ("de",),
    "MC": ("fr",),
    "MD": ("ro",),
    "ME": ("sr",),  # Montenegrin, written like Serbian
    "MK": ("mk", "sq"),
    "NO": ("no",),
    "RS": ("sr",),
    "RU": ("ru",),
    "SM": ("it",),
    "TR": ("tr",),
    "UA": ("uk",),
    "VA": ("it",),
    "XK": ("sq", "sr"),
    # Frequent partner countries further away
    "AR": ("es",),
    "AU": ("en",),
    "BR": ("pt",),
    "CA": ("en", "fr"),
    "CL": ("es",),
    "CN": ("zh-hans",),
    "CO": ("es",),
    "CU": ("es",),
    "IL": ("he",),
    "JP": ("ja",),
    "KR": ("ko",),
    "MX": ("es",),
    "NZ": ("en",),
    "US": ("en",),
}

# Land borders between European countries (and their immediate neighbours), each pair once.
_BORDERS = """
AD-ES AD-FR AL-GR AL-ME AL-MK AL-XK AM-AZ AM-GE AM-TR AT-CH AT-CZ AT-DE AT-HU AT-IT AT-LI
AT-SI AT-SK AZ-GE AZ-RU AZ-TR BA-HR BA-ME BA-RS BE-DE BE-FR BE-LU BE-NL BG-GR BG-MK BG-RO
BG-RS BG-TR BY-LT BY-LV BY-PL BY-RU BY-UA CH-DE CH-FR CH-IT CH-LI CZ-DE CZ-PL CZ-SK DE-DK
DE-FR DE-LU DE-NL DE-PL EE-LV EE-RU ES-FR ES-PT FI-NO FI-RU FI-SE FR-IT FR-LU FR-MC GB-IE
GE-RU GE-TR GR-MK GR-TR HR-HU HR-ME HR-RS HR-SI HU-RO HU-RS HU-SI HU-SK HU-UA IT-SI IT-SM
IT-VA LT-LV LT-PL LT-RU LV-RU MD-RO MD-UA ME-RS ME-XK MK-RS MK-XK NO-RU NO-SE PL-RU PL-SK
PL-UA RO-RS RO-UA RS-XK RU-UA SK-UA
"""

NEIGHBOURS: dict[str, frozenset[str]] = {}
for _pair in _BORDERS.split():
    _a, _b = _pair.split("-")
    NEIGHBOURS[_a] = NEIGHBOURS.get(_a, frozenset()) | {_b}
    NEIGHBOURS[_b] = NEIGHBOURS.get(_b, frozenset()) | {_a}


def shared_languages(country_a: str, country_b: str) -> tuple[str, ...]:
    """The official languages two countries have in common, in the first one's order.

    >>> shared_languages("AT", "CH")
    ('de',)
    >>> shared_languages("BE", "LU")
    ('fr', 'de')
    >>> shared_languages("SI", "XX")
    ()
    """
    theirs = OFFICIAL_LANGUAGES.get(country_b, ())
    return tuple(code for code in OFFICIAL_LANGUAGES.get(country_a, ()) if code in theirs)


def are_neighbours(country_a: str, country_b: str) -> bool:
    """Whether two countries share a land border (a country is not its own neighbour).

    >>> are_neighbours("SI", "AT"), are_neighbours("AT", "SI"), are_neighbours("SI", "SK")
    (True, True, False)
    """
    return country_b in NEIGHBOURS.get(country_a, frozenset())
