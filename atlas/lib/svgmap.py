"""A small static map: points and lines over country outlines, as SVG path data.

The projection is equirectangular, stretched by the cosine of the middle latitude, which is
close enough to what people expect for the size of a region or of Europe."""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

Point = tuple[float, float]  # (longitude, latitude)


@dataclass(frozen=True)
class View:
    """The part of the world shown, and the size of the picture in pixels."""

    west: float
    south: float
    east: float
    north: float
    width: int
    height: int

    @classmethod
    def around(
        cls,
        points: Sequence[Point],
        width: int = 640,
        min_span: float = 4.0,
        margin: float = 0.12,
        aspect: tuple[float, float] = (0.55, 0.9),
    ) -> "View":
        """The smallest view that shows every point with a margin around it.

        >>> view = View.around([(14.6, 46.2)])
        >>> (view.width, view.height, round(view.west, 1), round(view.east, 1))
        (640, 462, 12.6, 16.6)
        """
        lons = [lon for lon, _ in points]
        lats = [lat for _, lat in points]
        west, east, south, north = min(lons), max(lons), min(lats), max(lats)
        stretch = math.cos(math.radians(max(-70.0, min(70.0, (south + north) / 2))))
        span_x = max((east - west) * (1 + 2 * margin), min_span)
        span_y = max((north - south) * (1 + 2 * margin), min_span / 2)
        ratio = span_y / (span_x * stretch)
        ratio = max(aspect[0], min(aspect[1], ratio))
        span_y = max(span_y, span_x * stretch * ratio)
        span_x = max(span_x, span_y / (stretch * ratio))
        mid_x, mid_y = (west + east) / 2, (south + north) / 2
        height = round(width * ratio)
        return cls(
            mid_x - span_x / 2, mid_y - span_y / 2, mid_x + span_x / 2, mid_y + span_y / 2,
            width, height,
        )  # fmt: skip

    def project(self, point: Point) -> tuple[float, float]:
        """Pixel coordinates of a (longitude, latitude) point.

        >>> View(0, 0, 10, 5, 200, 100).project((5, 2.5))
        (100.0, 50.0)
        """
        lon, lat = point
        x = (lon - self.west) / (self.east - self.west) * self.width
        y = (self.north - lat) / (self.north - self.south) * self.height
        return round(x, 1), round(y, 1)

    def overlaps(self, bbox: Sequence[float]) -> bool:
        west, south, east, north = bbox
        return not (
            east < self.west or west > self.east or north < self.south or south > self.north
        )


def ring_path(
    view: View, ring: Iterable[Point], relative: bool = False, tolerance: int | None = None
) -> str:
    """SVG path data for a closed ring, dropping points that add no visible detail.

    Points far outside the view are pulled onto a band around it, so that a large country
    costs a few points instead of its whole coastline; what is inside the view is unchanged.

    >>> ring_path(View(0, 0, 10, 10, 100, 100), [(0, 0), (0.01, 0), (5, 5), (10, 0)])
    'M0 100L50 50L100 100Z'
    >>> ring_path(View(0, 0, 10, 10, 100, 100), [(0, 0), (500, 0), (500, 5), (5, 5)])
    'M0 100L150 100L150 50L50 50Z'

    A ring cut at the antimeridian jumps from 180° to -180°; it is unwrapped so that it
    does not draw a band across the whole world:

    >>> ring_path(View(-180, -90, 180, 90, 360, 180), [(170, 60), (180, 60), (-180, 70), (170, 70)])
    'M350 30L360 30L360 20L350 20Z'

    Relative steps draw the same ring in fewer characters (for a page that must stay small):

    >>> ring_path(View(0, 0, 10, 10, 100, 100), [(0, 0), (5, 5), (10, 0)], relative=True)
    'M0 100l50-50 50 50z'
    """
    pixels: list[tuple[int, int]] = []
    last = None
    low_x, high_x = -view.width / 2, view.width * 1.5
    low_y, high_y = -view.height / 2, view.height * 1.5
    # Points closer than this many pixels to the last one drawn are dropped: a view of
    # half the world needs less detail than its pixels allow.
    # A caller that must stay small (the embeddable widget) asks for a coarser outline.
    if tolerance is None:
        tolerance = 3 if view.east - view.west > 150 else 1
    shift = 0.0
    previous_lon = None
    for lon, lat in ring:
        if previous_lon is not None and abs(lon + shift - previous_lon) > 180:
            shift += 360 if previous_lon > lon + shift else -360
        previous_lon = lon + shift
        x, y = view.project((previous_lon, lat))
        pixel = (round(min(max(x, low_x), high_x)), round(min(max(y, low_y), high_y)))
        if last and abs(pixel[0] - last[0]) < tolerance and abs(pixel[1] - last[1]) < tolerance:
            continue
        last = pixel
        pixels.append(pixel)
    if len(pixels) < 3:
        return ""
    if not relative:
        return "M" + "L".join(f"{x} {y}" for x, y in pixels) + "Z"
    steps = " ".join(f"{x1 - x0} {y1 - y0}" for (x0, y0), (x1, y1) in pairwise(pixels))
    # A minus sign separates numbers by itself: "3-2" is the step (3, -2).
    return f"M{pixels[0][0]} {pixels[0][1]}l" + steps.replace(" -", "-") + "z"


def simplify(ring: Sequence[Point], step: float) -> list[Point]:
    """The ring without the points closer than `step` degrees (in longitude and in latitude)
    to the last one kept: the same rule `ring_path` applies in pixels, done once ahead for a
    view whose pixel is wider than `step`.

    >>> simplify([(0, 0), (0.01, 0), (1, 1), (1, 1.5), (2, 0)], 0.6)
    [(0, 0), (1, 1), (2, 0)]
    """
    kept = [ring[0]]
    for lon, lat in ring[1:]:
        last_lon, last_lat = kept[-1]
        if abs(lon - last_lon) >= step or abs(lat - last_lat) >= step:
            kept.append((lon, lat))
    return kept
