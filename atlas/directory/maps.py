"""Static SVG maps of a municipality and its partners, drawn over the bundled basemap."""

import gzip
import json
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from atlas.directory.models import Municipality
from atlas.lib.svgmap import Point, View, ring_path, simplify

# Outlines are kept at these levels of detail, in degrees: a view takes the coarsest whose
# step is still under its tolerance, so a map of half the world does not project every
# point of every coastline only to drop most of them.
DETAIL_STEPS = (0.3, 0.1, 0.03, 0.01)


@lru_cache(maxsize=1)
def basemap_countries() -> list[dict]:
    """Country outlines from data/basemap.json.gz (Natural Earth, public domain)."""
    try:
        with gzip.open(settings.DATASET_DIR / "basemap.json.gz", "rt", encoding="utf-8") as file:
            return json.load(file)["countries"]
    except OSError:
        return []


@dataclass(frozen=True)
class Outline:
    """One ring of a country's outline: its bounding box and its points at each level."""

    bbox: tuple[float, float, float, float]
    full: list[Point]
    levels: tuple[tuple[float, list[Point]], ...]  # (step, points), coarsest first

    def points_for(self, view: View, tolerance: int) -> list[Point]:
        pixels_per_degree = max(
            view.width / (view.east - view.west), view.height / (view.north - view.south)
        )
        for step, points in self.levels:
            if step * pixels_per_degree <= tolerance:
                return points
        return self.full


@lru_cache(maxsize=1)
def basemap_outlines() -> list[Outline]:
    outlines = []
    for country in basemap_countries():
        for ring in country["rings"]:
            points = [(lon, lat) for lon, lat in ring]
            lons, lats = [lon for lon, _ in points], [lat for _, lat in points]
            levels = tuple((step, simplify(points, step)) for step in DETAIL_STEPS)
            bbox = (min(lons), min(lats), max(lons), max(lats))
            outlines.append(Outline(bbox, points, levels))
    return outlines


def partner_map_svg(
    town: Municipality,
    partners: list[Municipality],
    width: int = 640,
    tolerance: int | None = None,
) -> SafeString:
    """An SVG picture of `town` (a larger dot) with lines to each of its partners, `width`
    pixels wide; `tolerance` (pixels) coarsens the outlines for a page that must stay small."""
    if town.longitude is None or town.latitude is None:
        return mark_safe("")
    here = (town.longitude, town.latitude)
    located = [
        (partner, (partner.longitude, partner.latitude))
        for partner in partners
        if partner.longitude is not None and partner.latitude is not None
    ]
    view = View.around([here, *(point for _, point in located)], width=width)
    land = land_path(view, tolerance)
    x, y = view.project(here)
    lines, dots = [], []
    for partner, point in located:
        px, py = view.project(point)
        lines.append(f'<line x1="{x}" y1="{y}" x2="{px}" y2="{py}"/>')
        dots.append(
            f'<circle cx="{px}" cy="{py}" r="4"><title>{escape(partner.name)}</title></circle>'
        )
    label = _("Map of %(name)s and its partner towns") % {"name": town.name}
    return mark_safe(
        f'<svg class="static-map" viewBox="0 0 {view.width} {view.height}" role="img"'
        f' aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f'<rect class="sea" width="{view.width}" height="{view.height}"/>'
        f'<path class="land" d="{land}"/>'
        f'<g class="links">{"".join(lines)}</g>'
        f'<g class="partners">{"".join(dots)}</g>'
        f'<circle class="town" cx="{x}" cy="{y}" r="7"><title>{escape(town.name)}</title></circle>'
        "</svg>"
    )


@lru_cache(maxsize=64)
def land_path(view: View, tolerance: int | None) -> str:
    """The land in `view` as one SVG path; a town's page asks for the same view again."""
    if tolerance is None:
        tolerance = 3 if view.east - view.west > 150 else 1
    return "".join(
        path
        for outline in basemap_outlines()
        if view.overlaps(outline.bbox)
        for path in [ring_path(view, outline.points_for(view, tolerance), True, tolerance)]
        if path
    )
