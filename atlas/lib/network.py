"""Graph analysis of partnerships, with no models: the towns are nodes and each partnership
an undirected edge, given as an iterable of `(a, b)` pairs of ids.

The pairs are taken as they come: a pair seen twice (in either direction) is one edge, and a
town paired with itself is no edge at all, so a town with only such a pair is not in the
graph. Every function builds its own adjacency in one pass and then works in time close to
the number of edges, without recursion, so the whole dataset (tens of thousands of
partnerships) takes well under a second per function.

- Degree: how many distinct partners a town has.
- Component: towns linked to each other through any chain of partnerships.
- Triad: three towns with at least two partnerships between them. It is *closed* when all
  three are paired (a triangle) and *open* when one pair is missing (a two-path a-b-c with no
  a-c partnership). A triangle holds three two-paths, so the global clustering coefficient
  (transitivity) is 3·closed / (3·closed + open): the share of "partners of my partner" who are
  my partners too.
- Partners of partners: two towns that are not paired but share partners; the more they
  share, the likelier they would have something to talk about. A shared partner with more
  than `HUB_DEGREE_CAP` partners is not counted (see there).
- Bridge: a partnership whose removal splits its component in two.
- Broker: a town whose partners lie in many groups (countries) other than its own.

>>> edges = [(1, 2), (2, 3), (3, 1), (3, 4), (4, 5), (5, 6), (6, 4), (7, 8)]
>>> [sorted(c) for c in components(edges)]
[[1, 2, 3, 4, 5, 6], [7, 8]]
>>> bridge_edges(edges)
[(3, 4), (7, 8)]
"""

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations

Node = int
Edges = Iterable[tuple[Node, Node]]

# Pairing the partners of a town with d partners makes d(d-1)/2 pairs: 13,000 for a town
# with 164 partners, millions for a hub with thousands. Towns above this many partners are
# not counted as a shared partner, which bounds the work at about HUB_DEGREE_CAP pairs per
# edge. It also reads better: sharing a partner with a city that has a hundred partners says
# little about two towns, sharing a small town says a lot.
HUB_DEGREE_CAP = 100


def _adjacency(edges: Edges) -> dict[Node, set[Node]]:
    """Each town's set of distinct partners, without self-loops."""
    partners: defaultdict[Node, set[Node]] = defaultdict(set)
    for a, b in edges:
        if a != b:
            partners[a].add(b)
            partners[b].add(a)
    return dict(partners)


def degrees(edges: Edges) -> dict[Node, int]:
    """How many distinct partners each town has.

    >>> degrees([(1, 2), (2, 1), (2, 3), (4, 4)])
    {1: 1, 2: 2, 3: 1}
    """
    return {node: len(partners) for node, partners in _adjacency(edges).items()}


def components(edges: Edges) -> list[set[Node]]:
    """The connected components, largest first, then by their smallest town.

    >>> components([(5, 6), (1, 2), (2, 3), (9, 8)])
    [{1, 2, 3}, {5, 6}, {8, 9}]
    """
    partners = _adjacency(edges)
    seen: set[Node] = set()
    found: list[set[Node]] = []
    for start in partners:
        if start in seen:
            continue
        component = {start}
        stack = [start]
        while stack:
            for partner in partners[stack.pop()]:
                if partner not in component:
                    component.add(partner)
                    stack.append(partner)
        seen |= component
        found.append(component)
    found.sort(key=lambda component: (-len(component), min(component)))
    return found


@dataclass(frozen=True)
class TriadCensus:
    closed: int  # triangles
    open: int  # two-paths a-b-c with a and c not paired

    @property
    def clustering(self) -> float:
        """Global transitivity: the share of two-paths that are closed into a triangle."""
        two_paths = 3 * self.closed + self.open
        return 3 * self.closed / two_paths if two_paths else 0.0


def triad_census(edges: Edges) -> TriadCensus:
    """Triangles and open two-paths.

    >>> census = triad_census([(1, 2), (2, 3), (3, 1), (3, 4)])
    >>> census, round(census.clustering, 2)
    (TriadCensus(closed=1, open=2), 0.6)
    >>> triad_census([]).clustering
    0.0
    """
    partners = _adjacency(edges)
    # Each triangle is counted once, from its lowest-ranked corner, by orienting every edge
    # towards the town of higher (degree, id): a town then has at most sqrt(2m) such
    # "later" partners, which keeps the count near m·sqrt(m) even around hubs.
    rank = {node: i for i, node in enumerate(sorted(partners, key=lambda n: (len(partners[n]), n)))}
    later = {node: {p for p in ps if rank[p] > rank[node]} for node, ps in partners.items()}
    closed = sum(len(later[node] & later[p]) for node in partners for p in later[node])
    two_paths = sum(len(ps) * (len(ps) - 1) // 2 for ps in partners.values())
    return TriadCensus(closed=closed, open=two_paths - 3 * closed)


@dataclass(frozen=True)
class Opportunity:
    a: Node
    b: Node  # a < b, not paired with each other
    shared: tuple[Node, ...]  # their shared partners, ascending


def partners_of_partners(
    edges: Edges, limit: int = 50, min_shared: int = 2, *, hub_cap: int = HUB_DEGREE_CAP
) -> list[Opportunity]:
    """Pairs of towns not paired with each other that share at least `min_shared` partners,
    most shared first, then by (a, b); at most `limit` of them. A shared partner with more
    than `hub_cap` partners is not counted.

    >>> edges = [(1, 3), (2, 3), (1, 4), (2, 4), (3, 4), (4, 5)]
    >>> partners_of_partners(edges)
    [Opportunity(a=1, b=2, shared=(3, 4))]
    >>> [(o.a, o.b, o.shared) for o in partners_of_partners(edges, min_shared=1)]
    [(1, 2, (3, 4)), (1, 5, (4,)), (2, 5, (4,)), (3, 5, (4,))]
    """
    if limit < 0:
        raise ValueError(f"limit must be zero or more, not {limit}")
    if min_shared < 1:
        raise ValueError(f"min_shared must be at least 1, not {min_shared}")
    partners = _adjacency(edges)
    counts: Counter[tuple[Node, Node]] = Counter()
    for ps in partners.values():
        if len(ps) <= hub_cap:
            counts.update(combinations(sorted(ps), 2))
    ranked = (
        (-count, pair)
        for pair, count in counts.items()
        if count >= min_shared and pair[1] not in partners[pair[0]]
    )
    return [
        Opportunity(
            a,
            b,
            tuple(sorted(p for p in partners[a] & partners[b] if len(partners[p]) <= hub_cap)),
        )
        for _, (a, b) in heapq.nsmallest(limit, ranked)
    ]


def bridge_edges(edges: Edges) -> list[tuple[Node, Node]]:
    """Partnerships whose removal would split their component, each as (lower, higher) id,
    sorted. Tarjan's low-link method, with an explicit stack instead of recursion.

    >>> bridge_edges([(1, 2), (2, 3), (3, 1), (3, 4), (4, 5)])
    [(3, 4), (4, 5)]
    """
    partners = _adjacency(edges)
    order: dict[Node, int] = {}  # when the search first reached a town
    low: dict[Node, int] = {}  # the earliest town reachable from its subtree by one back edge
    bridges: list[tuple[Node, Node]] = []
    for root in partners:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack = [(root, root, iter(partners[root]))]
        while stack:
            node, parent, unvisited = stack[-1]
            for partner in unvisited:
                if partner == parent:
                    continue
                if partner in order:
                    low[node] = min(low[node], order[partner])
                else:
                    order[partner] = low[partner] = len(order)
                    stack.append((partner, node, iter(partners[partner])))
                    break
            else:
                stack.pop()
                if node != parent:
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        bridges.append((min(node, parent), max(node, parent)))
    return sorted(bridges)


@dataclass(frozen=True)
class Broker:
    node: Node
    groups: int  # distinct groups of its partners, other than its own
    degree: int  # distinct partners


def brokers(edges: Edges, group_of: Mapping[Node, str], limit: int = 20) -> list[Broker]:
    """Towns whose partners lie in the most distinct groups (countries) other than their
    own; then by more partners, then by id. Partners with no group are not counted, and a
    town with no group counts every group of its partners. Towns with no partner in
    another group are left out.

    >>> country = {1: "SI", 2: "AT", 3: "DE", 4: "SI", 5: "AT", 6: "SI"}
    >>> for broker in brokers([(1, 2), (1, 3), (1, 4), (5, 2), (5, 6), (4, 6)], country, 3):
    ...     print(broker)
    Broker(node=1, groups=2, degree=3)
    Broker(node=2, groups=1, degree=2)
    Broker(node=5, groups=1, degree=2)
    """
    if limit < 0:
        raise ValueError(f"limit must be zero or more, not {limit}")
    found = []
    for node, ps in _adjacency(edges).items():
        groups = {group_of[p] for p in ps if p in group_of}
        if node in group_of:
            groups.discard(group_of[node])
        if groups:
            found.append((-len(groups), -len(ps), node))
    return [
        Broker(node, groups=-groups, degree=-degree)
        for groups, degree, node in heapq.nsmallest(limit, found)
    ]
