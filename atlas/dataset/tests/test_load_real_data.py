"""Loads the real committed data/ and checks facts a person would check on the site.
Takes several seconds; run alone with `pytest atlas/dataset/tests/test_load_real_data.py`."""

import pytest
from django.apps import apps
from django.conf import settings
from django.db.models import Count

from atlas.dataset.loader import load_dataset
from atlas.directory.models import Municipality, Network, Partnership

DATA = settings.BASE_DIR / "data"

pytestmark = pytest.mark.skipif(
    not (DATA / "municipalities.csv.gz").exists(), reason="data/ has not been built yet"
)


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        report = load_dataset(DATA, curated=DATA / "curated" / "seeds.toml")
        yield report
        # The module's database is shared by its tests only: leave it as empty as it was
        # for the tests that run after them on this worker (the data stamp included, or the
        # caches keyed on it would not see their data). Dependants first.
        for model in reversed(list(apps.get_app_config("directory").get_models())):
            model.objects.all().delete()


def partners(name: str, country: str) -> dict[str, int | None]:
    municipality = Municipality.objects.get(name=name, country_id=country)
    return {p.partner_of(municipality).name: p.start_year for p in municipality.partnerships()}


@pytest.mark.django_db
def test_kamnik_lists_its_twin_towns_with_their_years_and_its_seven_networks(loaded):
    assert partners("Kamnik", "SI")["Trofaiach"] == 1999
    assert partners("Kamnik", "SI")["Andechs"] == 2004
    kamnik = Municipality.objects.get(name="Kamnik", country_id="SI")
    # By name: the Alliance enriches the Covenant of Mayors' record, under that one's id.
    networks = set(kamnik.memberships.values_list("network__name", flat=True))
    assert {
        "Združenje zgodovinskih mest Slovenije",
        "Območno združenje Kamniško-Savinjske Alpe",
        "Povezanost v Alpah – Allianz in den Alpen",
        "Skupnost občin Slovenije",
        "Osrednjeslovenska statistična regija",
        "Razvojno partnerstvo središča Slovenije",
        "Lokalna akcijska skupina Srce Slovenije",
    } <= networks


@pytest.mark.django_db
def test_kranj_lists_villach_since_2008(loaded):
    assert partners("Kranj", "SI")["Villach"] == 2008


@pytest.mark.django_db
def test_the_association_of_historic_towns_has_13_members(loaded):
    assert Network.objects.get(external_id="net:historic-towns-si").memberships.count() == 13


@pytest.mark.django_db
def test_the_counts_match_the_sources(loaded):
    assert Municipality.objects.in_country("SI").filter(kind="municipality").count() == 212
    assert Municipality.objects.in_country("SK").count() >= 2890
    assert Municipality.objects.in_country("CZ").filter(kind="municipality").count() == 6258
    assert Municipality.objects.count() >= 60000
    assert Partnership.objects.count() >= 24000
    without_source = Partnership.objects.annotate(n=Count("sources")).filter(n=0)
    assert not without_source.exists()


@pytest.mark.django_db
def test_a_second_load_of_the_real_data_changes_nothing(loaded):
    report = load_dataset(DATA, curated=DATA / "curated" / "seeds.toml")
    assert (report.created, report.updated) == (0, 0)
