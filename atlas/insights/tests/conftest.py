"""A small world whose every insight can be counted by hand.

Slovenia: Kamnik (SI041) and Kranj (SI042) are twinned, Bled (SI042) is not. Austria:
Trofaiach, Villach. Germany: Andechs. The United States are not covered: only Boulder, a
partner of Kranj, is in the atlas.

    Kamnik - Trofaiach   1999, active, no activity recorded
    Kamnik - Andechs     2004, active, no activity recorded
    Kranj  - Villach     2008, active, a visit last year
    Kamnik - Kranj       start unknown, status unknown
    Kranj  - Boulder     start unknown, status unknown

Memberships in networks: the Covenant of Mayors (Kamnik joined in 2011, Kranj, Villach and
Trofaiach in 2013; Andechs's 2010 adhesion is deleted), its coordinator (Kamnik, no year),
the Association of Historic Towns (Bled, no year) and a statistical region (Kamnik, left
out of the memberships): 6 memberships, 4 with their year.
"""

from datetime import date

import pytest
from django.utils.timezone import now

from atlas.directory.models import Activity, DataStamp, Network, Partnership
from conftest import (
    make_country,
    make_membership,
    make_municipality,
    make_network,
    make_partnership,
    make_source,
)


@pytest.fixture
def world(db):
    make_country("SI", "Slovenia")
    make_country("AT", "Austria")
    make_country("DE", "Germany")
    make_country("US", "United States", covered=False, eu_member=False)
    wikipedia = make_source("wikipedia", name="Wikipedia lists", licence="CC BY-SA 4.0")
    kamnik_doc = make_source("kamnik-doc", name="Občina Kamnik", licence="Facts from a document")
    central = make_network("Osrednjeslovenska", kind=Network.Kind.STATISTICAL_REGION, code="SI041")
    make_network("Gorenjska", kind=Network.Kind.STATISTICAL_REGION, code="SI042")
    kamnik = make_municipality("Kamnik", "SI", population=30000, nuts3="SI041")
    kranj = make_municipality("Kranj", "SI", population=56000, nuts3="SI042")
    bled = make_municipality("Bled", "SI", population=8000, nuts3="SI042")
    trofaiach = make_municipality("Trofaiach", "AT", population=11000, nuts3="AT221")
    villach = make_municipality("Villach", "AT", population=62000, nuts3="AT211")
    andechs = make_municipality("Andechs", "DE", population=3500, nuts3="DE21J")
    boulder = make_municipality("Boulder", "US", kind="other", latitude=40.0, longitude=-105.3)
    active = Partnership.Status.ACTIVE
    partnerships = {
        "kamnik-trofaiach": make_partnership(
            kamnik, trofaiach, start_year=1999, status=active, sources=[wikipedia, kamnik_doc]
        ),
        "kamnik-andechs": make_partnership(
            kamnik, andechs, start_year=2004, status=active, sources=[kamnik_doc]
        ),
        "kranj-villach": make_partnership(
            kranj, villach, start_year=2008, status=active, sources=[wikipedia]
        ),
        "kamnik-kranj": make_partnership(kamnik, kranj, sources=[wikipedia]),
        "kranj-boulder": make_partnership(kranj, boulder, sources=[wikipedia]),
    }
    covenant = make_network("Covenant of Mayors", kind=Network.Kind.INITIATIVE)
    coordinator = make_network("Region Ljubljana", kind=Network.Kind.INITIATIVE, parent=covenant)
    historic = make_network("Association of Historic Towns")
    for town, year in ((kamnik, 2011), (kranj, 2013), (villach, 2013), (trofaiach, 2013)):
        make_membership(covenant, town, start_year=year, role="signatory")
    make_membership(covenant, andechs, start_year=2010, deleted_at=now())
    make_membership(coordinator, kamnik)
    make_membership(historic, bled)
    make_membership(central, kamnik)
    visit = partnerships["kranj-villach"]
    Activity.objects.create(
        partnership=visit, date=date(date.today().year - 1, 5, 1), title="Visit", kind="visit"
    )
    visit.update_last_activity()
    DataStamp.touch()
    return {
        "kamnik": kamnik,
        "kranj": kranj,
        "bled": bled,
        "trofaiach": trofaiach,
        "villach": villach,
        "andechs": andechs,
        "boulder": boulder,
        "wikipedia": wikipedia,
        "covenant": covenant,
        **partnerships,
    }


def grow(world, n: int = 30) -> None:
    """Many more towns, countries and partnerships: the pages must cost the same number of
    queries as on the small world."""
    codes = ["HR", "IT", "FR", "PL", "CZ", "SK"]
    for code in codes:
        make_country(code, f"Country {code}")
    association = make_network(f"Association of {n} towns")
    for i in range(n):
        town = make_municipality(f"Town {i}", codes[i % len(codes)], population=1000 + i)
        make_membership(world["covenant"], town, start_year=2000 + i % 20)
        make_membership(association, town)
        make_partnership(
            world["kamnik"] if i % 2 else world["villach"],
            town,
            start_year=1960 + i,
            status=Partnership.Status.ACTIVE,
        )
    DataStamp.touch()
