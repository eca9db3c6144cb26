"""Static SVG maps of a municipality and its partners, drawn over the bundled basemap."""

import gzip
import json
from functools import lru_cache

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from atlas.directory.models import Municipality
from atlas.lib.svgmap import View, ring_path


@lru_cache(maxsize=1)
def basemap_countries() -> list[dict]:
    """Country outlines from data/basemap.json.gz (Natural Earth, public domain)."""
    try:
        with gzip.open(settings.DATASET_DIR / "basemap.json.gz", "rt", encoding="utf-8") as file:
            return json.load(file)["countries"]
    except OSError:
        return []


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
    land = "".join(
        path
        for country in basemap_countries()
        if view.overlaps(country["bbox"])
        for path in (
            ring_path(view, ring, relative=True, tolerance=tolerance) for ring in country["rings"]
        )
        if path
    )
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
