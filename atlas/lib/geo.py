"""Geographic helpers with no models: distances between plain latitude/longitude points."""

from math import asin, cos, radians, sin, sqrt

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance in kilometres between two points given in degrees.

    >>> round(haversine_km(46.2389, 14.3556, 46.6111, 13.8558))  # Kranj to Villach
    56
    >>> haversine_km(46.0, 14.5, 46.0, 14.5)
    0.0
    """
    phi1, phi2 = radians(lat1), radians(lat2)
    dphi = phi2 - phi1
    dlambda = radians(lon2 - lon1)
    a = sin(dphi / 2) ** 2 + cos(phi1) * cos(phi2) * sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(a)))
