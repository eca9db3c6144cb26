"""Similarity scores between places, with no models: size, distance bands, and a score
that grows with evidence but never passes one. Each is between 0 and 1."""

from math import cos, log10

from atlas.lib.geo import EARTH_RADIUS_KM

# Distance bands: neighbouring (< 150 km), regional (< 500 km), the same part of Europe
# (< 1,500 km), far. Matchmaking scores "near" and "far away" by band, not by kilometre,
# so that 40 km and 60 km count the same.
BAND_LIMITS_KM = (150.0, 500.0, 1500.0)
NEIGHBOURING, REGIONAL, SAME_PART, FAR = range(4)


def size_similarity(population_a: int | None, population_b: int | None) -> float:
    """1 for the same population, falling to 0 at ten times as many (or unknown).

    >>> size_similarity(30000, 30000)
    1.0
    >>> round(size_similarity(11000, 30000), 2)
    0.56
    >>> size_similarity(1000, 100000), size_similarity(None, 5)
    (0.0, 0.0)
    """
    if not population_a or not population_b:
        return 0.0
    return max(0.0, 1.0 - abs(log10(population_a) - log10(population_b)))


def distance_band(km: float) -> int:
    """The band of a distance: 0 neighbouring, 1 regional, 2 same part of Europe, 3 far.

    >>> [distance_band(km) for km in (56, 150, 700, 9000)]
    [0, 1, 2, 3]
    """
    return sum(km >= limit for limit in BAND_LIMITS_KM)


def chord_limits() -> tuple[float, ...]:
    """The band limits as the negated cosine of the central angle: for unit vectors p and q,
    -(p·q) grows with the great-circle distance, so a band is a bisection on -(p·q) with no
    trigonometry per place.

    >>> [round(limit, 4) for limit in chord_limits()]
    [-0.9997, -0.9969, -0.9724]
    """
    return tuple(-cos(km / EARTH_RADIUS_KM) for km in BAND_LIMITS_KM)


def saturating(count: float) -> float:
    """A score for "how many": one counts half, each more halves what is left.

    >>> [saturating(n) for n in (0, 1, 2, 3)]
    [0.0, 0.5, 0.75, 0.875]
    """
    return 1.0 - 0.5**count
