from atlas.lib.geo import haversine_km


def test_it_measures_great_circle_distances():
    assert round(haversine_km(46.2389, 14.3556, 46.6111, 13.8558)) == 56  # Kranj-Villach
    assert haversine_km(50.0, 14.0, 50.0, 14.0) == 0.0


def test_it_is_symmetric():
    assert haversine_km(48.2, 16.37, 50.08, 14.42) == haversine_km(50.08, 14.42, 48.2, 16.37)
