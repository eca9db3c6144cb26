"""A small world around Kamnik for matchmaking: partners of partners, a far-away town of
the same size, a big city nearby, a neighbouring country and a shared network."""

import pytest

from atlas.directory.models import Theme
from conftest import (
    make_country,
    make_membership,
    make_municipality,
    make_network,
    make_partnership,
)


@pytest.fixture
def match_world(kamnik_world):
    kamnik, trofaiach, andechs = (kamnik_world[k] for k in ("kamnik", "trofaiach", "andechs"))
    make_country("AT", "Austria")
    make_country("DE", "Germany")
    make_country("CH", "Switzerland", eu_member=False)
    # Twinned with both of Kamnik's partners, and with one.
    leoben = make_municipality("Leoben", "AT", population=25000, latitude=47.38, longitude=15.09)
    make_partnership(leoben, trofaiach)
    make_partnership(leoben, andechs)
    celje = make_municipality("Celje", "SI", population=49000, latitude=46.23, longitude=15.26)
    make_partnership(celje, trofaiach)
    # Same size as Kamnik, far away; much bigger, nearby; small and near.
    tavira = make_municipality("Tavira", "PT", population=29000, latitude=37.13, longitude=-7.65)
    ljubljana = make_municipality(
        "Ljubljana", "SI", population=290000, latitude=46.05, longitude=14.5
    )
    komenda = make_municipality("Komenda", "SI", population=6500, latitude=46.2, longitude=14.54)
    samobor = make_municipality("Samobor", "HR", population=37000, latitude=45.8, longitude=15.71)
    zug = make_municipality("Zug", "CH", population=31000, latitude=47.17, longitude=8.52)
    douzelage = make_network("Douzelage")
    make_membership(douzelage, kamnik)
    make_membership(douzelage, tavira)
    culture = Theme.objects.create(
        slug="culture",
        name_en="Culture",
        name_sl="Kultura",
        name_sk="Kultúra",
        name_cs="Kultura",
        name_de="Kultur",
    )
    kamnik.partnerships().first().themes.add(culture)
    partnership = make_partnership(samobor, zug)
    partnership.themes.add(culture)
    return {
        **kamnik_world,
        "leoben": leoben,
        "celje": celje,
        "tavira": tavira,
        "ljubljana": ljubljana,
        "komenda": komenda,
        "samobor": samobor,
        "zug": zug,
        "douzelage": douzelage,
        "culture": culture,
    }
