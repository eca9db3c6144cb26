import random
import time
from itertools import combinations

import pytest

from atlas.lib.network import (
    HUB_DEGREE_CAP,
    Broker,
    Opportunity,
    TriadCensus,
    bridge_edges,
    brokers,
    components,
    degrees,
    partners_of_partners,
    triad_census,
)

TRIANGLE = [(1, 2), (2, 3), (3, 1)]
STAR = [(0, leaf) for leaf in range(1, 6)]
PATH = [(1, 2), (2, 3), (3, 4)]


# Brute-force versions, written for obviousness rather than speed.


def simple_edges(edges):
    return {(min(a, b), max(a, b)) for a, b in edges if a != b}


def brute_components(edges):
    links = simple_edges(edges)
    found = [{n} for n in {n for link in links for n in link}]
    merged = True
    while merged:
        merged = False
        for x, y in combinations(range(len(found)), 2):
            if any((min(a, b), max(a, b)) in links for a in found[x] for b in found[y]):
                found[x] |= found.pop(y)
                merged = True
                break
    return sorted(found, key=lambda c: (-len(c), min(c)))


def brute_partners(edges):
    partners = {}
    for a, b in simple_edges(edges):
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    return partners


def brute_triads(edges):
    links = simple_edges(edges)
    nodes = sorted({n for link in links for n in link})
    closed = open_ = 0
    for trio in combinations(nodes, 3):
        present = sum(pair in links for pair in combinations(trio, 2))
        closed += present == 3
        open_ += present == 2
    return TriadCensus(closed=closed, open=open_)


def brute_opportunities(edges, min_shared, hub_cap):
    partners = brute_partners(edges)
    found = []
    for a, b in combinations(sorted(partners), 2):
        if b in partners[a]:
            continue
        shared = tuple(p for p in sorted(partners[a] & partners[b]) if len(partners[p]) <= hub_cap)
        if len(shared) >= min_shared:
            found.append(Opportunity(a, b, shared))
    return sorted(found, key=lambda o: (-len(o.shared), o.a, o.b))


def brute_bridges(edges):
    links = simple_edges(edges)

    def linked_without(link):
        reached, frontier = {link[0]}, {link[0]}
        while frontier:
            frontier = {n for pair in links - {link} for n in pair if set(pair) & frontier}
            frontier -= reached
            reached |= frontier
        return link[1] in reached

    return sorted(link for link in links if not linked_without(link))


def random_edges(rng, nodes, count):
    return [(rng.randrange(nodes), rng.randrange(nodes)) for _ in range(count)]


def test_degrees_count_distinct_partners():
    assert degrees(STAR) == {0: 5, 1: 1, 2: 1, 3: 1, 4: 1, 5: 1}
    assert degrees(TRIANGLE) == {1: 2, 2: 2, 3: 2}


def test_duplicate_pairs_in_either_direction_count_once_and_self_loops_not_at_all():
    messy = [*TRIANGLE, (2, 1), (1, 2), (3, 3), (9, 9)]
    assert degrees(messy) == degrees(TRIANGLE)
    assert components(messy) == [{1, 2, 3}]
    assert triad_census(messy) == TriadCensus(closed=1, open=0)
    assert bridge_edges([(1, 2), (2, 1)]) == [(1, 2)]


def test_empty_input_gives_empty_answers():
    assert degrees([]) == {}
    assert components([]) == []
    assert triad_census([]) == TriadCensus(closed=0, open=0)
    assert triad_census([]).clustering == 0.0
    assert partners_of_partners([]) == []
    assert bridge_edges([]) == []
    assert brokers([], {}) == []


def test_edges_may_be_a_one_shot_iterator():
    assert components(iter(PATH)) == [{1, 2, 3, 4}]
    assert degrees(pair for pair in STAR)[0] == 5


def test_components_come_largest_first_then_by_smallest_town():
    edges = [(20, 21), *PATH, (10, 11), (30, 31), (32, 30)]
    assert components(edges) == [{1, 2, 3, 4}, {30, 31, 32}, {10, 11}, {20, 21}]


def test_a_triangle_is_one_closed_triad_and_fully_clustered():
    census = triad_census(TRIANGLE)
    assert census == TriadCensus(closed=1, open=0)
    assert census.clustering == 1.0


def test_a_star_has_only_open_triads():
    census = triad_census(STAR)
    assert census == TriadCensus(closed=0, open=10)  # 5 leaves, 10 pairs of them
    assert census.clustering == 0.0


def test_a_path_has_one_open_triad_per_inner_town():
    assert triad_census(PATH) == TriadCensus(closed=0, open=2)


def test_a_complete_graph_of_four_has_four_triangles():
    census = triad_census(combinations(range(4), 2))
    assert census == TriadCensus(closed=4, open=0)
    assert census.clustering == 1.0


def test_clustering_is_the_share_of_closed_two_paths():
    census = triad_census([*TRIANGLE, (3, 4)])  # two-paths: 3 in the triangle, 2 through 3-4
    assert census == TriadCensus(closed=1, open=2)
    assert census.clustering == pytest.approx(3 / 5)


def test_census_is_immutable():
    with pytest.raises(AttributeError):
        triad_census(TRIANGLE).closed = 2  # type: ignore[misc]


def test_partners_of_partners_suggests_unpaired_towns_sharing_partners():
    # Kamnik (1) and Kranj (2) both partner 3 and 4; 5 partners 3 only.
    edges = [(1, 3), (1, 4), (2, 3), (2, 4), (5, 3)]
    assert partners_of_partners(edges) == [Opportunity(1, 2, (3, 4)), Opportunity(3, 4, (1, 2))]
    assert partners_of_partners(edges, limit=1) == [Opportunity(1, 2, (3, 4))]
    assert partners_of_partners(edges, min_shared=3) == []
    assert partners_of_partners(edges, min_shared=1)[2:] == [
        Opportunity(1, 5, (3,)),
        Opportunity(2, 5, (3,)),
    ]


def test_partners_of_partners_skips_towns_already_paired():
    assert partners_of_partners(combinations(range(5), 2), min_shared=1) == []


def test_partners_of_partners_puts_the_lower_id_first_whatever_the_input_order():
    assert partners_of_partners([(9, 3), (2, 9), (3, 8), (8, 2)]) == [
        Opportunity(2, 3, (8, 9)),
        Opportunity(8, 9, (2, 3)),
    ]


def test_partners_of_partners_does_not_count_hubs_as_shared():
    # 1 and 2 share a small town (3) and a hub (100) with many partners.
    edges = [(1, 3), (2, 3), (1, 100), (2, 100), *((100, n) for n in range(200, 300))]
    capped = partners_of_partners(edges, min_shared=1, limit=1000, hub_cap=50)
    assert Opportunity(1, 2, (3,)) in capped
    assert all(100 not in opportunity.shared for opportunity in capped)
    assert len(capped) == 2  # 1-2 through 3, and 3-100 through 1 and 2
    uncapped = partners_of_partners(edges, hub_cap=500)
    assert Opportunity(1, 2, (3, 100)) in uncapped
    assert Opportunity(3, 100, (1, 2)) in uncapped


def test_partners_of_partners_stays_bounded_around_huge_hubs():
    # Two hubs sharing 3,000 small towns: pairing the towns through the hubs would be 4.5
    # million pairs; with the cap, only the pair of hubs is found, through the 3,000 towns.
    leaves = range(10, 3010)
    edges = [(hub, leaf) for hub in (1, 2) for leaf in leaves]
    assert len(leaves) > HUB_DEGREE_CAP
    [opportunity] = partners_of_partners(edges)
    assert (opportunity.a, opportunity.b) == (1, 2)
    assert opportunity.shared == tuple(leaves)


def test_partners_of_partners_refuses_nonsense_bounds():
    with pytest.raises(ValueError, match="min_shared must be at least 1"):
        partners_of_partners(TRIANGLE, min_shared=0)
    with pytest.raises(ValueError, match="limit must be zero or more"):
        partners_of_partners(TRIANGLE, limit=-1)
    assert partners_of_partners(STAR, limit=0) == []


def test_every_edge_of_a_tree_is_a_bridge():
    assert bridge_edges(STAR) == sorted(STAR)
    assert bridge_edges(PATH) == PATH


def test_a_cycle_has_no_bridges():
    assert bridge_edges(TRIANGLE) == []
    assert bridge_edges([(n, (n + 1) % 50) for n in range(50)]) == []


def test_bridges_are_found_in_every_component_as_sorted_pairs():
    edges = [*TRIANGLE, (4, 3), (4, 5), (6, 5), (5, 4), (11, 10)]
    assert bridge_edges(edges) == [(3, 4), (4, 5), (5, 6), (10, 11)]


def test_long_chains_need_no_recursion():
    chain = [(n, n + 1) for n in range(20_000)]
    assert len(bridge_edges(chain)) == 20_000
    assert len(components(chain)[0]) == 20_001
    assert bridge_edges([*chain, (20_000, 0)]) == []


def test_brokers_link_the_most_other_countries():
    country = {1: "SI", 2: "AT", 3: "DE", 4: "SI", 5: "CZ", 6: "SI", 7: "AT"}
    edges = [(1, 2), (1, 3), (1, 4), (6, 2), (6, 7), (5, 1), (4, 6)]
    ranked = brokers(edges, country)
    assert ranked == [
        Broker(1, groups=3, degree=4),  # AT, DE, CZ
        Broker(6, groups=1, degree=3),  # AT only, through two Austrian partners
        Broker(2, groups=1, degree=2),
        Broker(3, groups=1, degree=1),
        Broker(5, groups=1, degree=1),
        Broker(7, groups=1, degree=1),
    ]
    assert 4 not in [broker.node for broker in ranked]  # only Slovenian partners
    assert brokers(edges, country, limit=2) == ranked[:2]
    with pytest.raises(ValueError, match="limit must be zero or more"):
        brokers(edges, country, limit=-5)


def test_brokers_skip_partners_with_no_group_and_count_all_for_a_town_with_none():
    edges = [(1, 2), (1, 3), (1, 4)]
    assert brokers(edges, {2: "AT", 3: "AT"}) == [
        Broker(1, groups=1, degree=3),
    ]
    assert brokers(edges, {}) == []


@pytest.mark.parametrize("seed", range(150))
def test_it_agrees_with_brute_force_on_random_small_graphs(seed):
    rng = random.Random(seed)
    edges = random_edges(rng, nodes=rng.randint(1, 9), count=rng.randint(0, 20))
    partners = brute_partners(edges)

    assert degrees(edges) == {n: len(ps) for n, ps in partners.items()}
    assert components(edges) == brute_components(edges)
    assert triad_census(edges) == brute_triads(edges)
    assert bridge_edges(edges) == brute_bridges(edges)
    for min_shared in (1, 2):
        for hub_cap in (2, 3, HUB_DEGREE_CAP):
            assert partners_of_partners(
                edges, limit=1000, min_shared=min_shared, hub_cap=hub_cap
            ) == brute_opportunities(edges, min_shared, hub_cap)

    country = {n: rng.choice("ABC") for n in partners if rng.random() < 0.9}
    expected = []
    for node, ps in partners.items():
        groups = {country[p] for p in ps if p in country} - {country.get(node)}
        if groups:
            expected.append(Broker(node, len(groups), len(ps)))
    expected.sort(key=lambda b: (-b.groups, -b.degree, b.node))
    assert brokers(edges, country, limit=1000) == expected


def test_a_fifty_thousand_edge_graph_with_hubs():
    # The shape of the real data: many small towns, a few big hubs, some isolated pairs.
    rng = random.Random(7)
    edges = random_edges(rng, nodes=30_000, count=45_000)
    edges += [(hub, rng.randrange(30_000)) for hub in (1, 2, 3) for _ in range(1_500)]
    edges += [(n, n + 1) for n in range(40_000, 40_500, 2)]
    country = {n: "ABCDEFGHIJKLMNOPQRST"[n % 20] for n in range(41_000)}

    timings = {}
    for name, run in {
        "degrees": lambda: degrees(edges),
        "components": lambda: components(edges),
        "triad_census": lambda: triad_census(edges),
        "partners_of_partners": lambda: partners_of_partners(edges, min_shared=1),
        "bridge_edges": lambda: bridge_edges(edges),
        "brokers": lambda: brokers(edges, country),
    }.items():
        start = time.perf_counter()
        timings[name] = (run(), time.perf_counter() - start)
    # No timed assertion (a loaded machine would make it flaky): `pytest -s` shows the figures.
    seconds = {name: f"{t:.2f}s" for name, (_, t) in timings.items()}
    print(f"network functions on {len(edges)} edges: {seconds}")

    degree = timings["degrees"][0]
    assert sum(degree.values()) == 2 * len(simple_edges(edges))
    parts = timings["components"][0]
    assert sum(map(len, parts)) == len(degree)
    assert len(parts[-1]) == 2  # the isolated pairs come last
    assert timings["triad_census"][0].clustering < 0.01  # random graphs barely close
    assert len(timings["partners_of_partners"][0]) == 50
    bridges = set(timings["bridge_edges"][0])
    assert all((n, n + 1) in bridges for n in range(40_000, 40_500, 2))
    assert {broker.node for broker in timings["brokers"][0][:3]} == {1, 2, 3}
