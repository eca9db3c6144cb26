import pytest
from django.core.cache import cache

from atlas.directory.models import DataStamp, Network, Partnership, Theme
from conftest import make_membership, make_municipality, make_network, make_partnership


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def map_world(kamnik_world):
    """Kamnik's world plus a domestic pair (Kranj and Škofja Loka, culture, 2010), a dormant
    friendship abroad (Kranj and Villach), a Douzelage member with no partner and a place
    with no coordinates."""
    culture = Theme.objects.create(
        slug="culture", name_en="Culture", name_sl="Kultura", name_sk="Kultúra",
        name_cs="Kultura", name_de="Kultur",
    )  # fmt: skip
    kranj = make_municipality("Kranj", "SI", population=56000, latitude=46.24, longitude=14.36)
    loka = make_municipality("Škofja Loka", "SI", population=23000, latitude=46.17, longitude=14.31)
    villach = make_municipality("Villach", "AT", population=61000, latitude=46.61, longitude=13.85)
    lonely = make_municipality("Sherborne", "GB", latitude=50.95, longitude=-2.52)
    nowhere = make_municipality("Nowhere", "SI", latitude=None, longitude=None)
    domestic = make_partnership(kranj, loka, start_year=2010, status=Partnership.Status.ACTIVE)
    domestic.themes.add(culture)
    make_partnership(kranj, villach, kind=Partnership.Kind.FRIENDSHIP, status="dormant")
    make_partnership(nowhere, villach)
    douzelage = make_network("Douzelage", kind=Network.Kind.ASSOCIATION, slug="douzelage")
    make_membership(douzelage, lonely)
    make_membership(douzelage, kamnik_world["kamnik"])
    DataStamp.touch()
    return {
        **kamnik_world,
        "kranj": kranj,
        "loka": loka,
        "villach": villach,
        "lonely": lonely,
        "nowhere": nowhere,
        "douzelage": douzelage,
        "culture": culture,
    }
