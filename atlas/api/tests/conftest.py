"""A small world for the API's tests: Kamnik and its twin towns (from the root conftest),
with themes, a programme and a project with partners, a sub-network, a board with an open,
a closed, a pending and a hidden entry, an activity, and deleted records that must never
show."""

from datetime import date, timedelta

import pytest
from django.utils.timezone import localdate, now

from atlas.board.models import Entry
from atlas.directory.models import (
    Activity,
    FundingProgramme,
    Membership,
    MunicipalityName,
    MunicipalityProfile,
    Network,
    Partnership,
    ProjectPartner,
)
from conftest import (
    make_board_entry,
    make_coordinator,
    make_membership,
    make_municipality,
    make_network,
    make_partnership,
    make_project,
    make_source,
    make_theme,
)


@pytest.fixture
def world(kamnik_world):
    """Everything the endpoints show, a record or two of each, and what they hide."""
    kamnik, trofaiach, andechs = (kamnik_world[k] for k in ("kamnik", "trofaiach", "andechs"))
    network = kamnik_world["network"]
    wiki = make_source(
        "wikipedia",
        name="Twin towns from Wikipedia",
        licence="CC BY-SA 4.0",
        licence_url="https://creativecommons.org/licenses/by-sa/4.0/",
        attribution="Wikipedia contributors, CC BY-SA 4.0",
    )
    culture, sport = make_theme("culture", "Culture"), make_theme("sport", "Sport")
    kranj = make_municipality("Kranj", "SI", population=37000, latitude=46.24, longitude=14.36)
    villach = make_municipality("Villach", "AT", population=61000, latitude=46.61, longitude=13.85)
    MunicipalityName.objects.create(
        municipality=villach, name="Beljak", language="sl", search_key="beljak", source=wiki
    )
    kranj_villach = make_partnership(
        kranj, villach, start_year=2008, status=Partnership.Status.ACTIVE, sources=[wiki]
    )
    kranj_villach.themes.add(culture)
    Partnership.objects.get(municipality_b=andechs).themes.add(sport)
    Activity.objects.create(
        partnership=kranj_villach,
        date=date(2024, 5, 1),
        title="Joint EU cross-border project",
        kind=Activity.Kind.MEETING,
    )
    # Deleted records stay in their tables; no answer may show them.
    ljubljana = make_municipality("Ljubljana", "SI", population=290000)
    make_partnership(kamnik, ljubljana, kind="friendship", deleted_at=now())
    make_membership(network, kranj, deleted_at=now())

    alps = make_network("Alliance in the Alps", kind=Network.Kind.ALLIANCE, slug="alliance")
    alps.countries.set([kamnik.country, trofaiach.country])
    region = make_network(
        "Osrednjeslovenska",
        kind=Network.Kind.STATISTICAL_REGION,
        code="SI041",
        slug="osrednjeslovenska",
        parent=alps,
    )
    make_membership(region, kamnik)
    make_membership(alps, trofaiach, role=Membership.Role.FOUNDER, start_year=1997)
    programme = FundingProgramme.objects.create(
        slug="interreg-si-at", name="Interreg Slovenia–Austria", funder="EU", period="2021-2027"
    )
    project = kamnik_world["project"]
    project.programme = programme
    project.budget_eur = 125000.50
    project.save()
    project.themes.add(culture)
    ProjectPartner.objects.create(project=project, network=alps, role=ProjectPartner.Role.LEAD)
    ProjectPartner.objects.create(project=project, municipality=trofaiach, deleted_at=now())
    other = make_project("Alpine youth exchange", partners=[kranj])

    profile = MunicipalityProfile.objects.create(
        municipality=kamnik,
        description="A historic town under the Kamnik–Savinja Alps.",
        office_languages=["sl", "en", "de"],
        seeking="A partner for youth exchanges.",
        contact_email="international@kamnik.si",
    )
    profile.themes.add(sport)

    author = make_coordinator("coordinator@kamnik.si", kamnik)
    open_entry = make_board_entry(
        kamnik, author, title="Kamnik seeks a partner for a youth choir", themes=[culture]
    )
    open_entry.countries.set([trofaiach.country])
    closed_entry = make_board_entry(
        kamnik, author, title="Kamnik offered a summer camp", kind=Entry.Kind.OFFER
    )
    closed_entry.close()
    pending = make_board_entry(kamnik, author, title="Pending", status=Entry.Status.PENDING)
    hidden = make_board_entry(
        kamnik, author, title="Hidden", status=Entry.Status.HIDDEN, published_at=now()
    )
    expired = make_board_entry(
        kranj, author, title="Kranj sought a partner", deadline=localdate() - timedelta(days=1)
    )
    return {
        **kamnik_world,
        "kranj": kranj,
        "villach": villach,
        "ljubljana": ljubljana,
        "kranj_villach": kranj_villach,
        "alps": alps,
        "region": region,
        "programme": programme,
        "other_project": other,
        "culture": culture,
        "sport": sport,
        "wiki": wiki,
        "open_entry": open_entry,
        "closed_entry": closed_entry,
        "expired_entry": expired,
        "pending_entry": pending,
        "hidden_entry": hidden,
    }


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    """Tests send many requests from one address; the rate limit's own tests lower it."""
    settings.API_RATE_LIMIT = 100_000
