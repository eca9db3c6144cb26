"""The basemap for the static SVG maps: country rings from Natural Earth's TopoJSON."""

import json
from pathlib import Path

from atlas.lib.topojson import decode_arcs, geometry_rings, round_ring

from .report import Report

BASEMAP_FILE = "basemap/world_atlas/countries-50m.json"


def build_basemap(raw: Path, report: Report) -> dict:
    """{"countries": [{"id", "name", "bbox", "rings"}]} with lon/lat rounded to 2 decimals."""
    with (raw / BASEMAP_FILE).open(encoding="utf-8") as file:
        topology = json.load(file)
    arcs = decode_arcs(topology)
    countries = []
    geometries = topology["objects"]["countries"]["geometries"]
    for geometry in geometries:
        rings = [round_ring(ring) for ring in geometry_rings(arcs, geometry)]
        rings = [ring for ring in rings if len(ring) >= 3]
        if not rings:
            continue
        lons = [point[0] for ring in rings for point in ring]
        lats = [point[1] for ring in rings for point in ring]
        identifier = geometry.get("id")
        countries.append(
            {
                "id": int(identifier) if str(identifier).isdigit() else None,
                "name": geometry.get("properties", {}).get("name", ""),
                "bbox": [min(lons), min(lats), max(lons), max(lats)],
                "rings": rings,
            }
        )
    countries.sort(key=lambda country: (country["name"], country["id"] or 0))
    report.read(BASEMAP_FILE, len(geometries))
    report.counts["basemap countries"] = len(countries)
    return {"countries": countries}
