"""The network builder: groups of 4 to 6 towns from at least 4 countries around a town,
for a funding call, each checked against the call's rules.

Groups are built greedily from three pools in turn (the town's partners, its partners'
partners, and suggested new partners with shared themes weighted up), so that the first
group builds on ties the town has, the second on ties one step away and the third on new
ones. Each takes one town per country, from eligible countries only, keeping enough slots
for the EU member states the call needs; then it adds up to two towns twinned with at
least two members already.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from atlas.directory.models import Municipality
from atlas.matchmaking.cerv import Call, RuleResult, check, is_eligible
from atlas.matchmaking.suggest import DEFAULT_WEIGHTS, Seeker, Snapshot

MIN_COUNTRIES = 4
MAX_TOWNS = 6
SUGGESTED_POOL = 60

STRATEGIES: tuple[tuple[str, str | Promise], ...] = (
    ("partners", _("Built on your existing partners")),
    ("partners_of_partners", _("Through your partners' partners")),
    ("suggested", _("With suggested new partners")),
)


@dataclass
class Group:
    label: str | Promise
    pks: list[int]  # the town first
    rules: list[RuleResult]
    members: list[Municipality] | None = None

    @property
    def met(self) -> bool:
        return all(rule.met for rule in self.rules)


def pools(snapshot: Snapshot, seeker: Seeker) -> dict[str, list[int]]:
    """Candidates of each strategy, best first."""
    counts = snapshot.partner_of_partner_counts(seeker)
    themes = snapshot.shared_theme_counts(seeker)

    def connected(pk: int) -> tuple:
        return (-themes.get(pk, 0), -len(snapshot.partners.get(pk, ())), pk)

    partners = sorted(seeker.partners, key=connected)
    excluded = {seeker.pk, *seeker.partners}
    second = sorted(
        (pk for pk in counts if pk not in excluded),
        key=lambda pk: (-counts[pk], *connected(pk)),
    )
    weights = {**DEFAULT_WEIGHTS, "shared_themes": 3, "new_country": 2}
    suggested = snapshot.rank(seeker, weights, limit=SUGGESTED_POOL)
    return {"partners": partners, "partners_of_partners": second, "suggested": suggested}


def build_group(snapshot: Snapshot, seeker: Seeker, ordered: list[int], call: Call) -> list[int]:
    """Greedy: one town per eligible country until the call's countries (and at least four)
    are there with enough EU member states, then towns tied to two members or more."""
    eu = snapshot.eu_members
    need_countries = max(MIN_COUNTRIES, call.min_countries)
    group = [seeker.pk] if seeker.pk is not None else []
    countries = {seeker.country}
    eu_count = int(seeker.country in eu)
    for pk in ordered:
        if len(countries) >= need_countries:
            break
        country = snapshot.places[pk][0] if pk in snapshot.places else None
        if pk in group or country is None or country in countries or not is_eligible(country, eu):
            continue
        slots_left = need_countries - len(countries)
        if call.min_eu_countries - eu_count >= slots_left and country not in eu:
            continue
        group.append(pk)
        countries.add(country)
        eu_count += country in eu
    for pk in ordered:
        if len(group) >= MAX_TOWNS:
            break
        country = snapshot.places[pk][0] if pk in snapshot.places else None
        if pk in group or country is None or not is_eligible(country, eu):
            continue
        ties = snapshot.partners.get(pk, set())
        if sum(member in ties for member in group) >= 2:
            group.append(pk)
    return group


def propose(snapshot: Snapshot, seeker: Seeker, call: Call) -> list[Group]:
    """Up to three different groups around the seeker, each with the call's rules checked.
    Each strategy's pool comes first and the others fill in where it runs short."""
    by_strategy = pools(snapshot, seeker)
    groups: list[Group] = []
    seen: set[frozenset[int]] = set()
    for strategy, label in STRATEGIES:
        ordered = by_strategy[strategy] + [
            pk for other, pks in by_strategy.items() if other != strategy for pk in pks
        ]
        pks = build_group(snapshot, seeker, ordered, call)
        if len(pks) < 2 or frozenset(pks) in seen:
            continue
        seen.add(frozenset(pks))
        groups.append(Group(label=label, pks=pks, rules=[]))
    return groups


def attach(groups: list[Group], town: Municipality, call: Call, eu_members: frozenset[str]) -> None:
    """Load the members of every group in one query and check the rules."""
    pks = {pk for group in groups for pk in group.pks}
    places = Municipality.objects.select_related("country").in_bulk(pks)
    places[town.pk] = town
    for group in groups:
        group.members = [places[pk] for pk in group.pks if pk in places]
        group.rules = check(call, [(m.name, m.country_id) for m in group.members], eu_members)
