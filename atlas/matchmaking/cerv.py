"""The eligibility rules of two EU funding calls for town twinning, as data, and a check
that says of each rule whether a group of towns meets it and why.

Source: the calls of the Citizens, Equality, Rights and Values programme (CERV,
2021-2027), strand "Citizens' engagement and participation": Town-Twinning ("proposals must
involve municipalities from at least 2 eligible countries of which at least one is an EU
Member State") and Networks of Towns (here, as the issue states it: at least 4 towns from
4 eligible countries, of which at least 2 EU Member States). Eligible countries are the EU
Member States and the non-EU countries associated to CERV. The associated countries below
are an assumption as of January 2025: check the programme's "List of participating
countries" on the EU Funding & Tenders portal before each call. See docs/matchmaking.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.text import get_text_list
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries as country_names

RULES_ASSUMED_ON = "2025-01"
# Non-EU countries associated to CERV (assumed, see above).
CERV_ASSOCIATED = frozenset({"AL", "BA", "MD", "ME", "MK", "RS", "UA", "XK"})


@dataclass(frozen=True)
class Call:
    slug: str
    name: str | Promise
    min_towns: int
    min_countries: int
    min_eu_countries: int


CALLS = {
    call.slug: call
    for call in (
        Call("cerv-town-twinning", _("CERV Town Twinning"), 2, 2, 1),
        Call("cerv-networks-of-towns", _("CERV Networks of Towns"), 4, 4, 2),
    )
}


@dataclass(frozen=True)
class RuleResult:
    rule: str
    met: bool
    why: str


def is_eligible(country: str, eu_members: frozenset[str]) -> bool:
    """Whether towns of a country can take part: EU member states and CERV's associated
    countries.

    >>> is_eligible("UA", frozenset({"SI"})), is_eligible("CH", frozenset({"SI"}))
    (True, False)
    """
    return country in eu_members or country in CERV_ASSOCIATED


def names(codes) -> str:
    return str(
        get_text_list(sorted(str(country_names.name(c) or c) for c in codes), gettext("and"))
    )


def check(call: Call, towns: list[tuple[str, str]], eu_members: frozenset[str]) -> list[RuleResult]:
    """Each rule of `call` for a group of (town name, country code), met or not, and why.

    >>> from django.utils import translation
    >>> call = CALLS["cerv-town-twinning"]
    >>> with translation.override("en"):
    ...     results = check(call, [("Kamnik", "SI"), ("Trofaiach", "AT")], frozenset({"SI", "AT"}))
    >>> [r.met for r in results]
    [True, True, True, True]
    """
    eligible = [(town, country) for town, country in towns if is_eligible(country, eu_members)]
    outside = sorted({country for _, country in towns} - {c for _, c in eligible})
    countries = {country for _, country in eligible}
    eu = {country for country in countries if country in eu_members}
    results = [
        RuleResult(
            gettext("Every town is in an eligible country"),
            not outside,
            gettext("%(countries)s cannot take part in CERV.") % {"countries": names(outside)}
            if outside
            else gettext("All are EU member states or countries associated to CERV."),
        ),
        RuleResult(
            ngettext("At least %(count)s town", "At least %(count)s towns", call.min_towns)
            % {"count": call.min_towns},
            len(eligible) >= call.min_towns,
            ngettext("%(count)s eligible town.", "%(count)s eligible towns.", len(eligible))
            % {"count": len(eligible)},
        ),
        RuleResult(
            ngettext(
                "Towns from at least %(count)s eligible country",
                "Towns from at least %(count)s eligible countries",
                call.min_countries,
            )
            % {"count": call.min_countries},
            len(countries) >= call.min_countries,
            ngettext(
                "%(count)s country: %(names)s.", "%(count)s countries: %(names)s.", len(countries)
            )
            % {"count": len(countries), "names": names(countries)}
            if countries
            else gettext("No eligible country."),
        ),
        RuleResult(
            ngettext(
                "At least %(count)s of them an EU member state",
                "At least %(count)s of them EU member states",
                call.min_eu_countries,
            )
            % {"count": call.min_eu_countries},
            len(eu) >= call.min_eu_countries,
            ngettext(
                "%(count)s EU member state: %(names)s.",
                "%(count)s EU member states: %(names)s.",
                len(eu),
            )
            % {"count": len(eu), "names": names(eu)}
            if eu
            else gettext("No EU member state."),
        ),
    ]
    return results
