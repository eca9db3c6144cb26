"""The places of the atlas and the index that finds them by name near a point."""

from collections import defaultdict
from dataclasses import dataclass, field

from atlas.lib.geo import haversine_km


@dataclass
class Place:
    """One row of municipalities.csv.gz, plus the folded names it is found by."""

    external_id: str
    name: str
    country: str
    kind: str
    source: str
    population: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    parent: str = ""
    lau_code: str = ""
    nuts3: str = ""
    website: str = ""
    slug: str = ""
    # Folded forms of its own name (found first) and of its other names (found second).
    keys: set[str] = field(default_factory=set)
    other_keys: set[str] = field(default_factory=set)

    def distance_km(self, latitude: float | None, longitude: float | None) -> float | None:
        if latitude is None or longitude is None or self.latitude is None or self.longitude is None:
            return None
        return haversine_km(latitude, longitude, self.latitude, self.longitude)


def choose(
    candidates: list[Place],
    latitude: float | None,
    longitude: float | None,
    prefer_small: bool = False,
) -> Place:
    """The candidate nearest to the point; without a point, the most populous one.

    Places of one name whose centres lie within 5 km of the nearest (a Polish town and the
    rural gmina around it) count as equally near, and then the most populous wins, unless
    `prefer_small` (the list said "rural gmina").
    """

    def size(place: Place) -> int:
        return place.population or 0

    if len(candidates) == 1:
        return candidates[0]
    ordered = sorted(candidates, key=lambda place: place.external_id)
    distances = {place.external_id: place.distance_km(latitude, longitude) for place in ordered}
    known = [place for place in ordered if distances[place.external_id] is not None]
    if known:
        nearest = min(distances[place.external_id] for place in known)  # type: ignore[type-var]
        ordered = [place for place in known if distances[place.external_id] <= nearest + 5]  # type: ignore[operator]
    if prefer_small:
        return min(ordered, key=size)
    return max(ordered, key=size)


class PlaceIndex:
    """Places by country and folded name, in two tiers: own names, then other names."""

    def __init__(self, places: list[Place] = ()):  # type: ignore[assignment]
        self.own: dict[tuple[str, str], list[Place]] = defaultdict(list)
        self.other: dict[tuple[str, str], list[Place]] = defaultdict(list)
        for place in places:
            self.add(place)

    def add(self, place: Place) -> None:
        for key in place.keys:
            self.own[place.country, key].append(place)
        for key in place.other_keys - place.keys:
            self.other[place.country, key].append(place)

    def add_other_key(self, place: Place, key: str) -> None:
        if key and key not in place.keys and key not in place.other_keys:
            place.other_keys.add(key)
            self.other[place.country, key].append(place)

    def find(
        self,
        country: str,
        variants: list[str],
        latitude: float | None = None,
        longitude: float | None = None,
        prefer_small: bool = False,
        max_other_km: float = 50,
    ) -> Place | None:
        """The place for the first name variant that names one: its own names first, then
        other names (exonyms) unless they lie further than `max_other_km` from the point."""
        for variant in variants:
            candidates = self.own.get((country, variant))
            if candidates:
                return choose(candidates, latitude, longitude, prefer_small)
            candidates = self.other.get((country, variant))
            if candidates:
                near = [
                    place
                    for place in candidates
                    if (distance := place.distance_km(latitude, longitude)) is None
                    or distance <= max_other_km
                ]
                if near:
                    return choose(near, latitude, longitude, prefer_small)
        return None
