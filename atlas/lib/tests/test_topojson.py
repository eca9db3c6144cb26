from atlas.lib.topojson import decode_arcs, geometry_rings, ring, round_ring

# Two unit squares side by side sharing the arc between them, quantised and delta-encoded.
TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.5], "translate": [10, 40]},
    "arcs": [
        [[2, 0], [0, 2]],  # the shared edge, (11, 40) to (11, 41)
        [[2, 2], [-2, 0], [0, -2], [2, 0]],  # the west square's other edges
        [[2, 0], [2, 0], [0, 2], [-2, 0]],  # the east square's other edges
    ],
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "id": "001", "arcs": [[0, 1]]},
                {"type": "MultiPolygon", "id": "002", "arcs": [[[2, ~0]]]},
                {"type": "Point", "id": "003", "coordinates": [0, 0]},
            ],
        }
    },
}


def test_it_decodes_quantised_delta_arcs():
    arcs = decode_arcs(TOPOLOGY)
    assert arcs[0] == [(11.0, 40.0), (11.0, 41.0)]
    assert arcs[1][-1] == (11.0, 40.0)


def test_it_joins_arcs_into_closed_rings_and_reverses_negative_ones():
    arcs = decode_arcs(TOPOLOGY)
    geometries = TOPOLOGY["objects"]["countries"]["geometries"]
    west = geometry_rings(arcs, geometries[0])
    assert west == [[(11.0, 40.0), (11.0, 41.0), (10.0, 41.0), (10.0, 40.0), (11.0, 40.0)]]
    east = geometry_rings(arcs, geometries[1])
    assert east[0][0] == east[0][-1] == (11.0, 40.0)
    assert (12.0, 41.0) in east[0]
    assert geometry_rings(arcs, geometries[2]) == []


def test_it_keeps_a_shared_point_once():
    assert ring([[(0.0, 0.0), (1.0, 0.0)], [(1.0, 0.0), (1.0, 1.0)]], [0, 1]) == [
        (0.0, 0.0),
        (1.0, 0.0),
        (1.0, 1.0),
    ]


def test_it_rounds_and_drops_repeated_points():
    assert round_ring([(1.001, 2.0), (1.004, 2.001), (1.5, 2.0)]) == [[1.0, 2.0], [1.5, 2.0]]
