"""Partner suggestions: every candidate place scored on weighted factors, with reasons.

A `Snapshot` holds what scoring needs of the whole atlas in memory (about 74,000
candidates): one list per attribute (country, log population, a unit vector of the
position) and the graph (partners, themes of partnerships, network members). It is built
in a few queries on first use and again when `DataStamp` changes, like the search index.

Scoring a town runs over all candidates with `map` over those lists and C-level operators
(no Python code per candidate), which keeps a request at a few tens of milliseconds
without numpy. Factors that depend only on the country (shared languages, neighbouring
country, no partner there yet) are computed once per country; sparse ones (partners of
partners, shared networks, shared themes) only for the few candidates they concern.
See docs/matchmaking.md.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from heapq import nlargest
from itertools import repeat
from math import cos, inf, log10, radians, sin
from operator import add, mul

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.text import get_text_list
from django.utils.translation import get_language_info, gettext, ngettext
from django_countries import countries as country_names

from atlas.directory.models import (
    Country,
    Membership,
    Municipality,
    MunicipalityProfile,
    Network,
    Partnership,
    Theme,
)
from atlas.directory.process_cache import BuiltFromData
from atlas.lib.countries import OFFICIAL_LANGUAGES, are_neighbours, shared_languages
from atlas.lib.geo import haversine_km
from atlas.lib.similarity import (
    NEIGHBOURING,
    REGIONAL,
    SAME_PART,
    chord_limits,
    distance_band,
    saturating,
    size_similarity,
)

# Factors, in the order the form shows them.
FACTORS = (
    "same_size",
    "shared_themes",
    "shared_languages",
    "near",
    "far",
    "neighbouring_country",
    "shared_networks",
    "partners_of_partners",
    "new_country",
)
DEFAULT_WEIGHTS = {
    "same_size": 2,
    "shared_themes": 2,
    "shared_languages": 1,
    "near": 1,
    "far": 0,
    "neighbouring_country": 0,
    "shared_networks": 1,
    "partners_of_partners": 3,
    "new_country": 1,
}
# What "near" and "far away" give in each distance band (neighbouring, regional, same
# part of Europe, far).
NEAR_BY_BAND = (1.0, 0.6, 0.25, 0.0)
FAR_BY_BAND = (0.0, 0.2, 0.6, 1.0)
# Populations are compared by steps of log10(population) * SIZE_STEPS (a twentieth of a
# tenfold, about 12 %), so that the size factor is one table lookup per candidate. Unknown
# population is the last step, too far from any other to score.
SIZE_STEPS = 20
NO_SIZE = 10 * SIZE_STEPS
# How many members a network may have and still count fully: a shared network of
# thousands (the Covenant of Mayors) says less than one of a few dozen (the Douzelage).
SMALL_NETWORK = 10
# Populations within about three times of each other are "similar" in the reasons.
SIMILAR_SIZE = 0.5
# The longest ranking kept for paging.
MAX_SUGGESTIONS = 200

Weights = dict[str, int]


def unit_vector(latitude: float, longitude: float) -> tuple[float, float, float]:
    phi, lam = radians(latitude), radians(longitude)
    return cos(phi) * cos(lam), cos(phi) * sin(lam), sin(phi)


def network_weight(size: int) -> float:
    """How much sharing a network of `size` members counts, between 0 and 1."""
    return min(1.0, (SMALL_NETWORK / max(size, 1)) ** 0.5)


@dataclass
class Seeker:
    """Who is looking for partners: a town, or a board entry (`Entry.as_seeker`). Only the
    facts scoring needs, so that anything with them can be matched."""

    pk: int | None
    country: str
    population: int | None
    latitude: float | None
    longitude: float | None
    partners: frozenset[int] = frozenset()
    themes: frozenset[int] = frozenset()
    networks: frozenset[int] = frozenset()
    # A board entry's wishes (atlas/board): only candidates in these countries and with a
    # known population in this range (either end open). A town has none: no restriction.
    wished_countries: frozenset[str] = frozenset()
    population_range: tuple[int | None, int | None] = (None, None)
    # The languages the seeker works in: the office's (a profile) or an entry's; when
    # none are known, its country's official languages stand in.
    languages: tuple[str, ...] = ()

    def languages_shared_with(self, country: str) -> tuple[str, ...]:
        """The seeker's working languages that are official in `country`."""
        if not self.languages:
            return shared_languages(self.country, country)
        theirs = OFFICIAL_LANGUAGES.get(country, ())
        return tuple(code for code in self.languages if code in theirs)


@dataclass
class Suggestion:
    pk: int
    score: float
    contributions: dict[str, float]  # factor → weight * score, for those above 0
    distance_km: float | None
    partners_of_partners: int
    shared_themes: list[int]
    shared_networks: list[int]
    municipality: Municipality | None = None
    reasons: list[str] = field(default_factory=list)


class Snapshot:
    """The atlas as matchmaking reads it. Candidates are numbered by importance (twinned and
    populous first), so that equal scores keep that order."""

    def __init__(self, stamp: datetime):
        self.stamp = stamp
        # Per candidate (index i):
        self.pks: list[int] = []
        self.countries: list[str] = []
        self.size_steps: list[int] = []
        # Negated unit vectors: -(p·q) grows with the distance (see chord_limits).
        self.nx: list[float] = []
        self.ny: list[float] = []
        self.nz: list[float] = []
        self.index_of: dict[int, int] = {}
        # Every place, candidate or not:
        self.places: dict[int, tuple[str, int | None, float | None, float | None]] = {}
        self.partners: dict[int, set[int]] = {}
        self.themes: dict[int, set[int]] = {}
        self.theme_places: dict[int, set[int]] = {}
        self.networks: dict[int, set[int]] = {}
        self.network_members: dict[int, list[int]] = {}
        self.network_names: dict[int, str] = {}
        self.eu_members: frozenset[str] = frozenset()
        self.office_languages: dict[int, tuple[str, ...]] = {}

    @classmethod
    def build(cls, stamp: datetime) -> Snapshot:
        snapshot = cls(stamp)
        partners = snapshot.partners
        pair_of: dict[int, tuple[int, int]] = {}
        for pk, a, b in Partnership.objects.values_list(
            "pk", "municipality_a_id", "municipality_b_id"
        ):
            partners.setdefault(a, set()).add(b)
            partners.setdefault(b, set()).add(a)
            pair_of[pk] = (a, b)
        for partnership, theme in Partnership.themes.through.objects.values_list(
            "partnership_id", "theme_id"
        ):
            for place in pair_of.get(partnership, ()):
                snapshot.themes.setdefault(place, set()).add(theme)
                snapshot.theme_places.setdefault(theme, set()).add(place)
        # The themes a town's coordinators say it is interested in count as its own.
        for place, theme in MunicipalityProfile.themes.through.objects.values_list(
            "municipalityprofile_id", "theme_id"
        ):
            snapshot.themes.setdefault(place, set()).add(theme)
            snapshot.theme_places.setdefault(theme, set()).add(place)
        for place, languages in MunicipalityProfile.objects.values_list(
            "municipality_id", "office_languages"
        ):
            if languages:
                snapshot.office_languages[place] = tuple(languages)
        # Statistical regions are left out: being in the same one is nearness, which the
        # distance factors already count.
        networks = Network.objects.exclude(kind=Network.Kind.STATISTICAL_REGION)
        snapshot.network_names = dict(networks.values_list("pk", "name"))
        for network, place in Membership.objects.filter(
            network__in=list(snapshot.network_names)
        ).values_list("network_id", "municipality_id"):
            snapshot.networks.setdefault(place, set()).add(network)
            snapshot.network_members.setdefault(network, []).append(place)
        snapshot.eu_members = frozenset(
            Country.objects.filter(eu_member=True).values_list("code", flat=True)
        )

        rows = Municipality.objects.values_list(
            "pk", "kind", "country_id", "population", "latitude", "longitude"
        )
        candidates = []
        for pk, kind, country, population, latitude, longitude in rows:
            snapshot.places[pk] = (country, population, latitude, longitude)
            if latitude is None or longitude is None:
                continue
            # Municipalities, and partner places elsewhere that have partnerships; not
            # city parts, nor places known only as a network's member.
            if kind == Municipality.Kind.MUNICIPALITY or (
                kind == Municipality.Kind.OTHER and pk in partners
            ):
                importance = log10((population or 0) + 1) + 2 * log10(len(partners.get(pk, ())) + 1)
                candidates.append((-importance, pk, country, population, latitude, longitude))
        candidates.sort()
        for _, pk, country, population, latitude, longitude in candidates:
            snapshot.index_of[pk] = len(snapshot.pks)
            snapshot.pks.append(pk)
            snapshot.countries.append(country)
            snapshot.size_steps.append(
                min(NO_SIZE - SIZE_STEPS, round(log10(population) * SIZE_STEPS))
                if population
                else NO_SIZE
            )
            x, y, z = unit_vector(latitude, longitude)
            snapshot.nx.append(-x)
            snapshot.ny.append(-y)
            snapshot.nz.append(-z)
        return snapshot

    def seeker(self, municipality: Municipality) -> Seeker:
        """The town as a seeker, with its partners, themes and networks."""
        pk = municipality.pk
        return Seeker(
            pk=pk,
            country=municipality.country_id,
            population=municipality.population,
            latitude=municipality.latitude,
            longitude=municipality.longitude,
            partners=frozenset(self.partners.get(pk, ())),
            themes=frozenset(self.themes.get(pk, ())),
            networks=frozenset(self.networks.get(pk, ())),
            languages=self.office_languages.get(pk, ()),
        )

    # --- Scoring ---------------------------------------------------------------------

    def country_scores(self, seeker: Seeker, weights: Weights) -> dict[str, float]:
        """The part of the score that depends only on the candidate's country."""
        partner_countries = {self.places[p][0] for p in seeker.partners if p in self.places}
        scores = {}
        for code in set(self.countries):
            score = 0.0
            if seeker.languages_shared_with(code):
                score += weights["shared_languages"]
            if are_neighbours(seeker.country, code):
                score += weights["neighbouring_country"]
            if code != seeker.country and code not in partner_countries:
                score += weights["new_country"]
            scores[code] = score
        return scores

    def dense_scores(self, seeker: Seeker, weights: Weights) -> list[float]:
        """Size, distance and country parts for every candidate, in C-level passes."""
        totals: list[float] = list(
            map(self.country_scores(seeker, weights).__getitem__, self.countries)
        )
        if weights["same_size"] and seeker.population:
            # w * max(0, 1 - |log p - log own|), by steps of a twentieth of a tenfold.
            w, own = weights["same_size"], round(log10(seeker.population) * SIZE_STEPS)
            table = [
                w * max(0.0, 1.0 - abs(step - own) / SIZE_STEPS) for step in range(NO_SIZE + 1)
            ]
            totals = list(map(add, totals, map(table.__getitem__, self.size_steps)))
        if (weights["near"] or weights["far"]) and seeker.latitude is not None:
            x, y, z = unit_vector(seeker.latitude, seeker.longitude or 0.0)
            by_band = [
                weights["near"] * near + weights["far"] * far
                for near, far in zip(NEAR_BY_BAND, FAR_BY_BAND, strict=True)
            ]
            negated_dot = map(
                add,
                map(add, map(mul, self.nx, repeat(x)), map(mul, self.ny, repeat(y))),
                map(mul, self.nz, repeat(z)),
            )
            bands = map(bisect_right, repeat(chord_limits()), negated_dot)
            totals = list(map(add, totals, map(by_band.__getitem__, bands)))
        return totals

    def partner_of_partner_counts(self, seeker: Seeker) -> Counter[int]:
        """For each place, how many of the seeker's partners are twinned with it."""
        counts: Counter[int] = Counter()
        for partner in seeker.partners:
            counts.update(self.partners.get(partner, ()))
        return counts

    def shared_network_scores(self, seeker: Seeker) -> dict[int, float]:
        """1 - Π(1 - weight of each shared network): more and smaller networks count more."""
        missing: dict[int, float] = {}
        for network in seeker.networks:
            members = self.network_members.get(network, [])
            keep = 1.0 - network_weight(len(members))
            for place in members:
                missing[place] = missing.get(place, 1.0) * keep
        return {place: 1.0 - left for place, left in missing.items()}

    def shared_theme_counts(self, seeker: Seeker) -> Counter[int]:
        counts: Counter[int] = Counter()
        for theme in seeker.themes:
            counts.update(self.theme_places.get(theme, ()))
        return counts

    def unwished(self, seeker: Seeker) -> list[int]:
        """Indexes of the candidates outside the seeker's wished countries or population
        range (none for a seeker without wishes, so a town's ranking is unchanged)."""
        wished, (low, high) = seeker.wished_countries, seeker.population_range
        if not wished and low is None and high is None:
            return []
        places = self.places
        unwished = []
        for i, (pk, country) in enumerate(zip(self.pks, self.countries, strict=True)):
            if wished and country not in wished:
                unwished.append(i)
                continue
            if low is None and high is None:
                continue
            population = places[pk][1]
            if (
                population is None
                or (low is not None and population < low)
                or (high is not None and population > high)
            ):
                unwished.append(i)
        return unwished

    def rank(self, seeker: Seeker, weights: Weights, limit: int = MAX_SUGGESTIONS) -> list[int]:
        """Primary keys of the best `limit` candidates, best first, without the seeker and
        its partners."""
        totals = self.dense_scores(seeker, weights)
        index_of = self.index_of
        if weights["partners_of_partners"]:
            w = weights["partners_of_partners"]
            for place, count in self.partner_of_partner_counts(seeker).items():
                if (i := index_of.get(place)) is not None:
                    totals[i] += w * saturating(count)
        if weights["shared_networks"]:
            w = weights["shared_networks"]
            for place, score in self.shared_network_scores(seeker).items():
                if (i := index_of.get(place)) is not None:
                    totals[i] += w * score
        if weights["shared_themes"] and seeker.themes:
            w = weights["shared_themes"]
            for place, count in self.shared_theme_counts(seeker).items():
                if (i := index_of.get(place)) is not None:
                    totals[i] += w * count / len(seeker.themes)
        for i in self.unwished(seeker):
            totals[i] = -inf
        excluded = set(seeker.partners) | ({seeker.pk} if seeker.pk is not None else set())
        for place in excluded:
            if (i := index_of.get(place)) is not None:
                totals[i] = -inf
        best = nlargest(limit, range(len(totals)), key=totals.__getitem__)
        return [self.pks[i] for i in best if totals[i] > -inf]

    def explain(self, seeker: Seeker, weights: Weights, pks: list[int]) -> list[Suggestion]:
        """The score of each place of `pks` factor by factor, for the reasons shown."""
        pp_counts = self.partner_of_partner_counts(seeker)
        network_scores = self.shared_network_scores(seeker)
        partner_countries = {self.places[p][0] for p in seeker.partners if p in self.places}
        suggestions = []
        for pk in pks:
            country, population, latitude, longitude = self.places[pk]
            km = None
            if None not in (latitude, longitude, seeker.latitude, seeker.longitude):
                km = haversine_km(seeker.latitude, seeker.longitude, latitude, longitude)  # type: ignore[arg-type]
            themes = sorted(seeker.themes & self.themes.get(pk, set()))
            networks = sorted(seeker.networks & self.networks.get(pk, set()))
            band = distance_band(km) if km is not None else None
            parts = {
                "same_size": size_similarity(seeker.population, population),
                "shared_themes": len(themes) / len(seeker.themes) if seeker.themes else 0.0,
                "shared_languages": float(bool(seeker.languages_shared_with(country))),
                "near": NEAR_BY_BAND[band] if band is not None else 0.0,
                "far": FAR_BY_BAND[band] if band is not None else 0.0,
                "neighbouring_country": float(are_neighbours(seeker.country, country)),
                "shared_networks": network_scores.get(pk, 0.0),
                "partners_of_partners": saturating(pp_counts.get(pk, 0)),
                "new_country": float(
                    country != seeker.country and country not in partner_countries
                ),
            }
            contributions = {
                factor: weights[factor] * score
                for factor, score in parts.items()
                if weights[factor] * score > 0
            }
            suggestions.append(
                Suggestion(
                    pk=pk,
                    score=sum(contributions.values()),
                    contributions=contributions,
                    distance_km=km,
                    partners_of_partners=pp_counts.get(pk, 0),
                    shared_themes=themes,
                    shared_networks=networks,
                )
            )
        return suggestions


# --- Reasons -------------------------------------------------------------------------------


def country_name(code: str) -> str:
    return str(country_names.name(code) or code)


def language_names(codes: tuple[str, ...]) -> str:
    return str(
        get_text_list(
            [str(get_language_info(code)["name_translated"]) for code in codes], gettext("and")
        )
    )


def distance_text(km: float) -> str:
    """Where it is, as a person says it: "nearby (56 km)"."""
    distance = intcomma(round(km / 10) * 10 if km >= 100 else round(km))
    band = distance_band(km)
    if band == NEIGHBOURING:
        return gettext("nearby (%(km)s km)") % {"km": distance}
    if band == REGIONAL:
        return gettext("in the wider region (%(km)s km)") % {"km": distance}
    if band == SAME_PART:
        return gettext("in the same part of Europe (%(km)s km)") % {"km": distance}
    return gettext("far away (%(km)s km)") % {"km": distance}


def reasons_for(
    suggestion: Suggestion,
    seeker: Seeker,
    municipality: Municipality,
    themes: dict[int, Theme],
    snapshot: Snapshot,
) -> list[str]:
    """Sentences for each factor that counted, the one that counted most first."""
    texts: dict[str, str] = {}
    for factor in suggestion.contributions:
        if factor == "same_size":
            if size_similarity(seeker.population, municipality.population) < SIMILAR_SIZE:
                continue  # it counted a little, but "similar" would overstate it
            texts[factor] = gettext("similar size: %(theirs)s and %(yours)s inhabitants") % {
                "theirs": intcomma(municipality.population),
                "yours": intcomma(seeker.population),
            }
        elif factor == "shared_themes":
            names = [themes[t].name for t in suggestion.shared_themes if t in themes]
            texts[factor] = ngettext(
                "also cooperates on %(themes)s", "also cooperates on %(themes)s", len(names)
            ) % {"themes": get_text_list(names, gettext("and"))}
        elif factor == "shared_languages":
            texts[factor] = gettext("both speak %(languages)s") % {
                "languages": language_names(seeker.languages_shared_with(municipality.country_id))
            }
        elif factor in ("near", "far") and suggestion.distance_km is not None:
            texts["distance"] = distance_text(suggestion.distance_km)
        elif factor == "neighbouring_country":
            texts[factor] = gettext("in a neighbouring country, %(country)s") % {
                "country": country_name(municipality.country_id)
            }
        elif factor == "shared_networks":
            names = [snapshot.network_names[n] for n in suggestion.shared_networks]
            texts[factor] = ngettext(
                "also a member of %(networks)s",
                "also a member of %(networks)s",
                len(names),
            ) % {"networks": get_text_list(names, gettext("and"))}
        elif factor == "partners_of_partners":
            count = suggestion.partners_of_partners
            texts[factor] = ngettext(
                "%(count)s of your partners is twinned with %(name)s",
                "%(count)s of your partners are twinned with %(name)s",
                count,
            ) % {"count": count, "name": municipality.name}
        elif factor == "new_country":
            texts[factor] = gettext("no partner in %(country)s yet") % {
                "country": country_name(municipality.country_id)
            }
    order = sorted(suggestion.contributions, key=lambda factor: -suggestion.contributions[factor])
    ordered = []
    for factor in order:
        key = "distance" if factor in ("near", "far") else factor
        if key in texts and texts[key] not in ordered:
            ordered.append(texts[key])
    return ordered


_snapshot = BuiltFromData(Snapshot.build)


def current_snapshot() -> Snapshot:
    """The snapshot of the data as it is now (built again after the data changed)."""
    return _snapshot.get()


def suggestions_page(
    snapshot: Snapshot, seeker: Seeker, weights: Weights, pks: list[int]
) -> list[Suggestion]:
    """The suggestions for `pks` (a page of `rank`'s answer) with their places and reasons,
    in two queries."""
    places = Municipality.objects.select_related("country").in_bulk(pks)
    themes = Theme.objects.in_bulk()
    page = []
    for suggestion in snapshot.explain(seeker, weights, [pk for pk in pks if pk in places]):
        suggestion.municipality = places[suggestion.pk]
        suggestion.reasons = reasons_for(
            suggestion, seeker, places[suggestion.pk], themes, snapshot
        )
        page.append(suggestion)
    return page
