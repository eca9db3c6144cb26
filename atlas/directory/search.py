"""Search: an in-process index of every name the atlas holds, ranked in Python.

The index holds the folded key of every municipality's name and other names (about 100,000),
sorted so that a prefix is a binary search, every word of every name for queries in any word
order, one long string of all keys for substring matches, and the keys by length for typo
matching with rapidfuzz. It is built lazily in a few queries and rebuilt when `DataStamp`
changes, so it is never staler than the data. Ranking happens here, not in SQL, which is
why search behaves the same on SQLite and PostgreSQL. See docs/search.md.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext, ngettext
from rapidfuzz import process
from rapidfuzz.distance import OSA

from atlas.directory.models import (
    Municipality,
    MunicipalityName,
    Network,
    Partnership,
    Project,
)
from atlas.directory.process_cache import BuiltFromData
from atlas.lib.matching import search_key, strip_qualifiers, typo_budget, words_match

# Beyond this many municipalities a search stops collecting: nobody pages through more, and
# the page says to narrow the search down.
MAX_RESULTS = 1000
# Networks and projects shown beside the municipalities (the search page, the API).
OTHER_RESULTS = 20
# Typo matching runs only when the other kinds of match found fewer than this many places
# (the autocomplete shows as many), so that a good query is not padded with near misses.
FUZZY_WHEN_FEWER = 8
FUZZY_LIMIT = 20
# Substring matches inside words need a few letters to mean anything.
CONTAINS_MIN_LENGTH = 3
# Above any folded key: bisecting for key + END finds the end of the keys starting with key.
END = "\U0010ffff"


class Tier(IntEnum):
    """How a name matched, best first. A place is ranked by its best match."""

    EXACT = 0  # its name is the query ("Kamnik")
    OTHER_EXACT = 1  # another name of it is the query ("Beljak" for Villach)
    PREFIX = 2  # its name starts with the query ("Kamnik pri Vrhniki")
    OTHER_PREFIX = 3  # another name starts with it ("Belj" for Villach)
    WORDS = 4  # every word of the query starts a word of a name ("loka skofja")
    CONTAINS = 5  # a name contains the query ("kirchen" in Neunkirchen)
    FUZZY = 6  # a name is within a typo or two ("Trofaich" for Trofaiach)


@dataclass(frozen=True)
class Match:
    pk: int
    tier: Tier
    name: str  # the name that matched: the place's own or another one


@dataclass
class Results:
    query: str
    municipalities: list[Match]
    truncated: bool  # more than MAX_RESULTS matched
    networks: list[int]
    projects: list[int]
    suggestion: str  # "did you mean": set when only typo matches were found
    index: SearchIndex = field(repr=False)

    def municipality_page(self, matches: list[Match]) -> list[PlaceResult]:
        """The places of `matches`, in their order, with what a result shows."""
        objects = Municipality.objects.select_related("country", "parent").in_bulk(
            [match.pk for match in matches]
        )
        return [
            PlaceResult(
                municipality=municipality,
                tier=match.tier,
                match_name=match.name if match.name != municipality.name else "",
                region_name=self.index.region_names.get(municipality.nuts3, ""),
                partner_count=self.index.partner_counts.get(match.pk, 0),
            )
            for match in matches
            if (municipality := objects.get(match.pk)) is not None  # None: deleted since
        ]

    def network_list(self, limit: int) -> list[Network]:
        return in_order(Network.objects.all(), self.networks[:limit])

    def project_list(self, limit: int) -> list[Project]:
        return in_order(Project.objects.select_related("programme"), self.projects[:limit])


@dataclass
class PlaceResult:
    """A municipality as a search result: how it matched, and what tells it apart from
    others of the same name."""

    municipality: Municipality
    tier: Tier
    match_name: str  # the other name that matched; empty when its own name did
    region_name: str  # its NUTS 3 region's name, where the atlas has the region
    partner_count: int

    @property
    def name(self) -> str:
        return self.municipality.name

    @property
    def details(self) -> list[str]:
        """After its country: its region (or the city it is part of, or its NUTS 3 code
        where the region has no name here), its population and its partner towns."""
        place = self.municipality
        details = []
        if self.region_name:
            details.append(self.region_name)
        elif place.kind == Municipality.Kind.CITY_PART and place.parent:
            details.append(gettext("part of %(city)s") % {"city": place.parent.name})
        elif place.nuts3:
            details.append(gettext("region %(code)s") % {"code": place.nuts3})
        if place.population:
            details.append(gettext("pop. %(number)s") % {"number": intcomma(place.population)})
        if self.partner_count:
            details.append(
                ngettext("%(count)s partner town", "%(count)s partner towns", self.partner_count)
                % {"count": intcomma(self.partner_count)}
            )
        return details


def in_order(queryset, pks: list[int]) -> list:
    """The objects with these primary keys, in that order, in one query (none when empty)."""
    if not pks:
        return []
    objects = queryset.in_bulk(pks)
    return [objects[pk] for pk in pks if pk in objects]


def importance(population: int | None, partners: int) -> float:
    """Larger and more connected places first among equals: a twin town counts for about
    as much as a hundredfold population."""
    return math.log10((population or 0) + 1) + 2 * math.log10(partners + 1)


class SearchIndex:
    """Every folded name of the atlas, in memory. Entries (one per distinct name of a place)
    are numbered from the most important place to the least, so that sorting entry numbers
    sorts places by importance."""

    def __init__(self, stamp: datetime):
        self.stamp = stamp
        self.owner: list[int] = []  # entry → municipality pk
        self.key: list[str] = []  # entry → folded name
        self.name: list[str] = []  # entry → name as written
        self.primary: list[bool] = []  # entry → is the place's own name
        self.by_key: dict[str, list[int]] = {}
        self.sorted_keys: list[str] = []
        self.sorted_key_entries: list[int] = []
        self.sorted_words: list[str] = []
        self.sorted_word_entries: list[int] = []
        self.keys_by_length: dict[int, list[str]] = {}
        self.keys_by_start: dict[tuple[str, int], list[str]] = {}
        self.blob = ""  # "key\tentry\n" for every entry, for substring search
        self.partner_counts: dict[int, int] = {}
        self.region_names: dict[str, str] = {}
        # (pk, folded names, sort key) of networks and projects: a few hundred.
        self.networks: list[tuple[int, tuple[str, ...]]] = []
        self.projects: list[tuple[int, tuple[str, ...]]] = []

    @classmethod
    def build(cls, stamp: datetime) -> SearchIndex:
        index = cls(stamp)
        partner_counts: Counter[int] = Counter()
        for pair in Partnership.objects.values_list("municipality_a_id", "municipality_b_id"):
            partner_counts.update(pair)
        index.partner_counts = dict(partner_counts)

        other_names: dict[int, list[tuple[str, str]]] = {}
        for owner, name, key in MunicipalityName.objects.values_list(
            "municipality_id", "name", "search_key"
        ).order_by("pk"):
            other_names.setdefault(owner, []).append((name, key_of(name, key)))

        places = sorted(
            Municipality.objects.values_list("pk", "name", "search_key", "population"),
            key=lambda row: (-importance(row[3], partner_counts[row[0]]), row[2], row[0]),
        )
        for pk, name, key, _population in places:
            seen: set[str] = set()
            for entry_name, entry_key, primary in (
                (name, key_of(name, key), True),
                *((n, k, False) for n, k in other_names.get(pk, ())),
            ):
                if entry_key and entry_key not in seen:
                    seen.add(entry_key)
                    index.add(pk, entry_name, entry_key, primary)
        index.finish()

        for pk, name, name_en, acronym, kind, code in Network.objects.values_list(
            "pk", "name", "name_en", "acronym", "kind", "code"
        ).order_by("name", "pk"):
            index.networks.append((pk, folded(name, name_en, acronym)))
            if kind == Network.Kind.STATISTICAL_REGION and code:
                index.region_names[code] = name
        index.projects = [
            (pk, folded(title, acronym))
            for pk, title, acronym in Project.objects.values_list(
                "pk", "title", "acronym"
            ).order_by("title", "pk")
        ]
        return index

    def add(self, pk: int, name: str, key: str, primary: bool) -> None:
        entry = len(self.owner)
        self.owner.append(pk)
        self.key.append(key)
        self.name.append(name)
        self.primary.append(primary)
        self.by_key.setdefault(key, []).append(entry)

    def finish(self) -> None:
        pairs = sorted(zip(self.key, range(len(self.key)), strict=True))
        self.sorted_keys = [key for key, _ in pairs]
        self.sorted_key_entries = [entry for _, entry in pairs]
        words = sorted(
            (word, entry) for entry, key in enumerate(self.key) for word in set(key.split())
        )
        self.sorted_words = [word for word, _ in words]
        self.sorted_word_entries = [entry for _, entry in words]
        for key in self.by_key:
            self.keys_by_length.setdefault(len(key), []).append(key)
            self.keys_by_start.setdefault((key[0], len(key)), []).append(key)
        self.blob = "".join(f"{key}\t{entry}\n" for entry, key in enumerate(self.key))

    # Each method below gives entry numbers of one kind of match, best first.

    def exact(self, key: str) -> list[int]:
        return self.by_key.get(key, [])

    def prefixed(self, key: str) -> list[int]:
        start = bisect_left(self.sorted_keys, key)
        end = bisect_left(self.sorted_keys, key + END, start)
        return sorted(self.sorted_key_entries[start:end])

    def words(self, key: str) -> list[int]:
        parts = key.split()
        ranges = []
        for part in parts:
            start = bisect_left(self.sorted_words, part)
            ranges.append((bisect_left(self.sorted_words, part + END, start) - start, start))
        size, start = min(ranges)  # the rarest word gives the fewest candidates
        candidates = set(self.sorted_word_entries[start : start + size])
        if len(parts) > 1:
            candidates = {entry for entry in candidates if words_match(parts, self.key[entry])}
        return sorted(candidates)

    def containing(self, key: str) -> Iterator[int]:
        """Entries whose key contains `key`, best first, found lazily: a short query can
        be inside most names, and the caller stops once it has enough."""
        blob = self.blob
        at = blob.find(key)
        while at != -1:
            tab = blob.find("\t", at)
            line_end = blob.find("\n", tab)
            yield int(blob[tab + 1 : line_end])
            at = blob.find(key, line_end)

    def fuzzy(self, key: str, thorough: bool) -> list[tuple[int, int]]:
        """(typos, entry) of keys within the typo budget of `key`, closest first. Keys that
        start with the same letter first, as most typos come later in a word; all keys of
        about the same length only when those give nothing and `thorough` is asked (a
        tenth of the time, and only needed when nothing else matched)."""
        budget = typo_budget(key)
        if not budget:
            return []
        lengths = range(len(key) - budget, len(key) + budget + 1)
        found = self.typos(key, budget, (self.keys_by_start.get((key[0], n)) for n in lengths))
        if not found and thorough:
            found = self.typos(key, budget, (self.keys_by_length.get(n) for n in lengths))
        return sorted(found)[:FUZZY_LIMIT]

    def typos(self, key: str, budget: int, groups) -> list[tuple[int, int]]:
        found: list[tuple[int, int]] = []
        for choices in groups:
            if not choices:
                continue
            for other, distance, _ in process.extract(
                key, choices, scorer=OSA.distance, score_cutoff=budget, limit=FUZZY_LIMIT
            ):
                if distance:  # an exact match is found as exact, not as a typo
                    found.extend((int(distance), entry) for entry in self.by_key[other])
        return found

    def search(self, query: str, limit: int = MAX_RESULTS) -> Results:
        key = search_key(query)
        # The query as typed first; then without the qualifiers in front ("Mestna občina").
        variants = [key] if strip_qualifiers(key) == key else [key, strip_qualifiers(key)]
        matches: list[Match] = []
        seen: set[int] = set()

        def take(entries: Iterable[int], tier: Tier) -> bool:
            """Add the places of `entries` not yet found; True once there are more than
            `limit` (the one too many says that the results were cut)."""
            for entry in entries:
                pk = self.owner[entry]
                if pk not in seen:
                    seen.add(pk)
                    matches.append(Match(pk, tier, self.name[entry]))
                    if len(matches) > limit:
                        return True
            return False

        full = False
        for variant in variants:
            if not variant:
                continue
            exact = self.exact(variant)
            prefixed = self.prefixed(variant)
            full = (
                take([e for e in exact if self.primary[e]], Tier.EXACT)
                or take([e for e in exact if not self.primary[e]], Tier.OTHER_EXACT)
                or take([e for e in prefixed if self.primary[e]], Tier.PREFIX)
                or take([e for e in prefixed if not self.primary[e]], Tier.OTHER_PREFIX)
                or take(self.words(variant), Tier.WORDS)
            )
            if full:
                break
        close_matches = bool(matches)
        for variant in variants:
            if full or len(variant) < CONTAINS_MIN_LENGTH:
                continue
            full = take(self.containing(variant), Tier.CONTAINS)
        suggestion = ""
        if not close_matches or len(matches) < FUZZY_WHEN_FEWER:
            typos = sorted(
                (distance, entry)
                for variant in variants
                for distance, entry in self.fuzzy(variant, thorough=not close_matches)
            )
            take((entry for _, entry in typos), Tier.FUZZY)
            if typos and not close_matches:
                suggestion = self.name[typos[0][1]]
        return Results(
            query=query,
            municipalities=matches[:limit],
            truncated=len(matches) > limit,
            networks=rank_small(self.networks, key),
            projects=rank_small(self.projects, key),
            suggestion=suggestion,
            index=self,
        )


# The stored search_key drops Greek and Cyrillic letters ("Бургас" has none); search them
# by their Latin transliteration, as queries are.
NON_LATIN = re.compile("[\u0370-\u03ff\u0400-\u04ff]")


def key_of(name: str, stored_key: str) -> str:
    return search_key(name) if NON_LATIN.search(name) else stored_key


def folded(*names: str) -> tuple[str, ...]:
    return tuple(key for key in (search_key(name) for name in names if name) if key)


def rank_small(items: list[tuple[int, tuple[str, ...]]], key: str) -> list[int]:
    """Networks or projects matching `key` (exact, prefix, words in any order, contains),
    best first, alphabetically among equals. A few hundred rows: a plain loop is enough."""
    parts = key.split()
    ranked = []
    for position, (pk, keys) in enumerate(items):
        # Both a word match and a substring need every word of the query inside a key.
        if not all(any(part in k for k in keys) for part in parts):
            continue
        tiers = [
            0 if k == key else 1 if k.startswith(key) else 2 if words_match(parts, k) else 3
            for k in keys
            if key in k or words_match(parts, k)
        ]
        if tiers:
            ranked.append((min(tiers), position, pk))
    return [pk for _, _, pk in sorted(ranked)]


_index = BuiltFromData(SearchIndex.build)


def current_index() -> SearchIndex:
    """The index of the data as it is now (built again after the data changed)."""
    return _index.get()


def find(query: str, limit: int = MAX_RESULTS) -> Results:
    """Municipalities, networks and projects matching `query`, best first."""
    return current_index().search(query, limit)
