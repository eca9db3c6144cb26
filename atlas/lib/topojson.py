"""Decode TopoJSON (shared, delta-encoded arcs) into plain polygon rings, with no GIS stack."""

from collections.abc import Sequence

Point = tuple[float, float]


def decode_arcs(topology: dict) -> list[list[Point]]:
    """The topology's arcs as lists of absolute (x, y) points, undoing quantisation.

    >>> decode_arcs({"transform": {"scale": [0.5, 0.5], "translate": [10, 20]},
    ...              "arcs": [[[0, 0], [2, 0], [0, 2]]]})
    [[(10.0, 20.0), (11.0, 20.0), (11.0, 21.0)]]
    """
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy, *_ in arc:
                x += dx
                y += dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(float(p[0]), float(p[1])) for p in arc]
        arcs.append(points)
    return arcs


def ring(arcs: list[list[Point]], indexes: Sequence[int]) -> list[Point]:
    """Join arcs into one ring; a negative index `~i` means arc `i` walked backwards.

    Consecutive arcs share their end and start point, which is kept once.

    >>> arcs = [[(0.0, 0.0), (1.0, 0.0)], [(0.0, 1.0), (1.0, 0.0)]]
    >>> ring(arcs, [0, ~1])
    [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0)]
    """
    points: list[Point] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def geometry_rings(arcs: list[list[Point]], geometry: dict) -> list[list[Point]]:
    """All rings (outer and holes) of a Polygon or MultiPolygon geometry; other types give none.

    >>> arcs = [[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]]
    >>> geometry_rings(arcs, {"type": "MultiPolygon", "arcs": [[[0]], [[~0]]]})[1][1]
    (1.0, 1.0)
    """
    kind = geometry.get("type")
    if kind == "Polygon":
        polygons = [geometry["arcs"]]
    elif kind == "MultiPolygon":
        polygons = geometry["arcs"]
    else:
        return []
    return [ring(arcs, indexes) for polygon in polygons for indexes in polygon]


def round_ring(points: Sequence[Point], digits: int = 2) -> list[list[float]]:
    """Round a ring's coordinates and drop points that became equal to the one before.

    >>> round_ring([(1.001, 2.0), (1.002, 2.001), (1.5, 2.0)])
    [[1.0, 2.0], [1.5, 2.0]]
    """
    rounded: list[list[float]] = []
    for x, y in points:
        point = [round(x, digits), round(y, digits)]
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    return rounded
