import copy
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils.timezone import now

from atlas.dataset.loader import LoadError, load_dataset
from atlas.directory.models import (
    DataStamp,
    Membership,
    Municipality,
    MunicipalityName,
    Network,
    Partnership,
    Project,
    Source,
)

from .factories import (
    CURATED,
    pair,
    place,
    small_dataset,
    snapshot,
    write_curated,
    write_dataset,
)


@pytest.fixture
def tables():
    return small_dataset()


@pytest.fixture
def data_dir(tmp_path, tables):
    return write_dataset(tmp_path / "data", tables)


def partners_of(name: str) -> set[str]:
    municipality = Municipality.objects.get(name=name)
    return {p.partner_of(municipality).name for p in municipality.partnerships()}


@pytest.mark.django_db
def test_it_creates_the_records(data_dir):
    report = load_dataset(data_dir)

    assert report.counts("municipalities.csv.gz", "municipalities") == (5, 0, 0)
    assert Municipality.objects.count() == 5
    kamnik = Municipality.objects.get(external_id="lau:SI_043")
    assert (kamnik.slug, kamnik.country_id, kamnik.nuts3, kamnik.population) == (
        "kamnik",
        "SI",
        "SI041",
        29925,
    )
    assert kamnik.search_key == "kamnik"
    assert kamnik.source.key == "lau"
    assert partners_of("Kamnik") == {"Trofaiach", "Andechs"}
    assert MunicipalityName.objects.get().search_key == "mestna obcina kranj"
    region = Network.objects.get(code="SI041")
    assert list(region.countries.values_list("code", flat=True)) == ["SI"]
    assert Membership.objects.get().municipality == kamnik
    trofaiach = Partnership.objects.get(external_id="pair:lau:AT_61120~lau:SI_043~twinning")
    assert list(trofaiach.sources.values_list("key", flat=True)) == ["wiki"]


@pytest.mark.django_db
def test_a_load_moves_the_data_stamp_that_caches_are_keyed_on_and_a_dry_run_does_not(data_dir):
    before = DataStamp.current()

    load_dataset(data_dir, dry_run=True)
    assert DataStamp.current() == before

    load_dataset(data_dir)
    assert DataStamp.current() > before


@pytest.mark.django_db
def test_a_second_load_changes_nothing(data_dir, tmp_path):
    curated = write_curated(tmp_path / "seeds.toml")
    load_dataset(data_dir, curated=curated)
    before = snapshot()

    report = load_dataset(data_dir, curated=curated)

    assert (report.created, report.updated) == (0, 0)
    assert report.unchanged > 0
    assert snapshot() == before


@pytest.mark.django_db
def test_a_changed_row_updates_only_that_record(tmp_path, tables):
    load_dataset(write_dataset(tmp_path / "v1", tables))
    before = {m.external_id: m for m in Municipality.objects.all()}
    tables = copy.deepcopy(tables)
    tables["municipalities.csv.gz"][1]["population"] = 11200  # Trofaiach
    tables["partnerships.csv.gz"][0]["sources"] = "wiki|lau"

    report = load_dataset(write_dataset(tmp_path / "v2", tables))

    assert report.counts("municipalities.csv.gz", "municipalities") == (0, 1, 4)
    assert report.counts("partnerships.csv.gz", "partnerships") == (0, 1, 1)
    assert report.created == 0
    assert report.updated == 2
    after = {m.external_id: m for m in Municipality.objects.all()}
    assert after["lau:AT_61120"].population == 11200
    assert after["lau:AT_61120"].pk == before["lau:AT_61120"].pk
    for external_id in set(before) - {"lau:AT_61120"}:
        assert vars(after[external_id]) | {"_state": None} == vars(before[external_id]) | {
            "_state": None
        }
    trofaiach = Partnership.objects.get(external_id="pair:lau:AT_61120~lau:SI_043~twinning")
    assert set(trofaiach.sources.values_list("key", flat=True)) == {"wiki", "lau"}


@pytest.mark.django_db
def test_a_load_that_changes_a_partnership_moves_its_version_so_open_forms_are_refused(
    tmp_path, tables
):
    load_dataset(write_dataset(tmp_path / "v1", tables))
    versions = dict(Partnership.objects.values_list("external_id", "version"))
    tables = copy.deepcopy(tables)
    tables["partnerships.csv.gz"][0]["sources"] = "wiki|lau"
    changed = "pair:lau:AT_61120~lau:SI_043~twinning"

    load_dataset(write_dataset(tmp_path / "v2", tables))

    after = dict(Partnership.objects.values_list("external_id", "version"))
    assert after[changed] == versions[changed] + 1
    assert all(after[key] == versions[key] for key in versions if key != changed)


@pytest.mark.django_db
def test_a_load_keeps_a_partnership_deleted_on_the_site_deleted(tmp_path, tables):
    data = write_dataset(tmp_path / "v1", tables)
    load_dataset(data)
    Partnership.objects.update(deleted_at=now())

    report = load_dataset(data)

    assert report.created == 0
    assert not Partnership.objects.exists()
    assert Partnership.all_objects.count() == 2


def break_population(tables):
    tables["municipalities.csv.gz"][2]["population"] = "lots"


def break_reference(tables):
    tables["partnerships.csv.gz"].append(pair("lau:SI_043", "lau:XX_1"))


def break_choice(tables):
    tables["municipalities.csv.gz"][0]["kind"] = "village"


def break_latitude(tables):
    tables["municipalities.csv.gz"][3]["latitude"] = "91.5"


def duplicate_id(tables):
    tables["municipalities.csv.gz"].append(place("lau:SI_043", "Kamnik", "SI", slug="kamnik-2"))


def break_date(tables):
    tables["partnerships.csv.gz"][1]["start_date"] = "2004-13-01"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("break_it", "message"),
    [
        (
            break_population,
            "municipalities.csv.gz, line 4: population 'lots' is not a whole number",
        ),
        (break_reference, "partnerships.csv.gz, line 4: unknown municipality 'lau:XX_1'"),
        (break_choice, "municipalities.csv.gz, line 2: kind 'village' is not one of"),
        (break_latitude, "municipalities.csv.gz, line 5: latitude 91.5 is outside -90..90"),
        (
            duplicate_id,
            "municipalities.csv.gz, line 7: duplicate municipality 'lau:SI_043', already on",
        ),
        (break_date, "partnerships.csv.gz, line 3: start_date '2004-13-01' is not a date"),
    ],
)
def test_a_malformed_file_stops_with_file_line_and_reason_and_writes_nothing(
    tmp_path, tables, break_it, message
):
    curated = write_curated(tmp_path / "seeds.toml")
    load_dataset(write_dataset(tmp_path / "v1", tables), curated=curated)
    before = snapshot()
    # A good change alongside the bad one must not be written either.
    tables = copy.deepcopy(tables)
    tables["municipalities.csv.gz"][4]["population"] = 56000
    tables["sources.csv.gz"].append({"key": "new", "name": "New", "licence": "CC0"})
    break_it(tables)

    with pytest.raises(LoadError) as error:
        load_dataset(write_dataset(tmp_path / "v2", tables), curated=curated)

    assert message in str(error.value)
    assert snapshot() == before


@pytest.mark.django_db
def test_a_missing_column_names_the_file_and_line_1(tmp_path, tables):
    folder = write_dataset(tmp_path / "data", tables)
    from . import factories

    columns = factories.COLUMNS["municipalities.csv.gz"]
    factories.COLUMNS["municipalities.csv.gz"] = tuple(c for c in columns if c != "country")
    try:
        write_dataset(folder, {"municipalities.csv.gz": tables["municipalities.csv.gz"]})
    finally:
        factories.COLUMNS["municipalities.csv.gz"] = columns

    with pytest.raises(LoadError, match=r"municipalities\.csv\.gz, line 1: missing column country"):
        load_dataset(folder)
    assert Municipality.objects.count() == 0


@pytest.mark.django_db
def test_pairs_are_stored_once_with_the_lower_pk_first_even_when_given_reversed(tmp_path, tables):
    tables["partnerships.csv.gz"] = [
        # Villach is created before Kranj, so it gets the lower pk; given the other way.
        {**pair("lau:AT_20201", "lau:SI_052"), "a": "lau:SI_052", "b": "lau:AT_20201"},
    ]
    load_dataset(write_dataset(tmp_path / "v1", tables))
    tables["partnerships.csv.gz"][0].update(a="lau:AT_20201", b="lau:SI_052")

    report = load_dataset(write_dataset(tmp_path / "v2", tables))

    assert report.counts("partnerships.csv.gz", "partnerships") == (0, 0, 1)
    partnership = Partnership.objects.get()
    assert partnership.municipality_a.name == "Villach"
    assert partnership.municipality_a_id < partnership.municipality_b_id


@pytest.mark.django_db
def test_the_same_pair_twice_in_a_file_is_an_error(tmp_path, tables):
    tables["partnerships.csv.gz"].append(
        {**pair("lau:AT_61120", "lau:SI_043"), "external_id": "pair:again"}
    )
    with pytest.raises(LoadError, match=r"partnerships\.csv\.gz, line 4: duplicate partnership"):
        load_dataset(write_dataset(tmp_path / "data", tables))


@pytest.mark.django_db
def test_a_city_part_may_come_before_its_city(tmp_path, tables):
    tables["municipalities.csv.gz"][:0] = [
        place("city:SK:bratislava", "Bratislava", "SK"),
    ]
    tables["municipalities.csv.gz"].insert(
        0, place("lau:SK_528595", "Bratislava - Petržalka", "SK", kind="city_part",
                 slug="bratislava-petrzalka",
                 parent="city:SK:bratislava"),
    )  # fmt: skip
    tables["countries.csv.gz"].append({"code": "SK", "name_en": "Slovakia"})

    load_dataset(write_dataset(tmp_path / "data", tables))

    part = Municipality.objects.get(external_id="lau:SK_528595")
    assert part.parent.name == "Bratislava"
    assert load_dataset(write_dataset(tmp_path / "data", tables)).updated == 0


@pytest.mark.django_db
def test_curated_facts_apply(data_dir, tmp_path):
    load_dataset(data_dir, curated=write_curated(tmp_path / "seeds.toml"))

    trofaiach = Partnership.objects.get(external_id="pair:lau:AT_61120~lau:SI_043~twinning")
    assert (trofaiach.start_year, trofaiach.status) == (1999, "active")
    assert set(trofaiach.themes.values_list("slug", flat=True)) == {"culture", "sport"}
    assert set(trofaiach.sources.values_list("key", flat=True)) == {"wiki", "seed-kamnik"}
    # The built region is enriched under its own id, not duplicated.
    region = Network.objects.get(code="SI041")
    assert (region.external_id, region.stated_member_count) == ("net:nuts:SI041", 26)
    assert region.name == "Osrednjeslovenska statistična regija"
    assert region.source.key == "lau"
    historic = Network.objects.get(external_id="net:historic-towns-si")
    assert {(m.municipality.name, m.role) for m in historic.memberships.all()} == {
        ("Kamnik", "member"),
        ("Kranj", "founder"),
    }
    assert Municipality.objects.get(name="Villach").other_names.get().name == "Beljak"
    project = Project.objects.get(slug="eko-trznica")
    assert project.funded_by == historic
    assert project.programme.name == "Europe for Citizens 2007-2013"
    assert {str(p) for p in project.partners.all()} == {"Kamnik", region.name}
    assert project.partners.get(municipality__name="Kamnik").role == "lead"


@pytest.mark.django_db
def test_a_curated_network_can_stand_on_its_own_although_the_files_nest_it(tmp_path, tables):
    covenant = {"external_id": "net:com", "slug": "covenant", "name": "Covenant", "source": "lau"}
    alliance = {"external_id": "net:com-alliance", "slug": "com-alliance", "source": "lau"}
    tables["networks.csv.gz"] += [
        {**covenant, "kind": "initiative"},
        {**alliance, "name": "Alliance in the Alps", "kind": "initiative", "parent": "net:com"},
    ]
    text = (
        CURATED
        + """
[[networks]]
id = "net:alliance-in-the-alps"
same_as = "net:com-alliance"
top_level = true
slug = "alliance-in-the-alps"
name = "Allianz in den Alpen"
kind = "alliance"
source = "seed-kamnik"
"""
    )
    data = write_dataset(tmp_path / "data", tables)
    load_dataset(data, curated=write_curated(tmp_path / "seeds.toml", text))

    alliance = Network.objects.get(external_id="net:com-alliance")
    assert (alliance.name, alliance.kind, alliance.parent) == (
        "Allianz in den Alpen",
        "alliance",
        None,
    )
    assert load_dataset(data, curated=tmp_path / "seeds.toml").updated == 0


@pytest.mark.django_db
def test_a_curated_pair_the_lists_lack_is_created(data_dir, tmp_path):
    text = CURATED.replace('b = "AT:Trofaiach"', 'b = "AT:Villach"')
    load_dataset(data_dir, curated=write_curated(tmp_path / "seeds.toml", text))

    villach = Partnership.objects.get(external_id="pair:lau:AT_20201~lau:SI_043~twinning")
    assert villach.start_year == 1999
    assert list(villach.sources.values_list("key", flat=True)) == ["seed-kamnik"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'b = "AT:Trofaiach"',
            'b = "AT:Trofaiac"',
            "[[partnerships]] #1 (SI:Kamnik - AT:Trofaiac): unknown municipality 'AT:Trofaiac'",
        ),
        (
            'members = ["SI:Kamnik"]',
            'members = ["SI:Kamnik", "SI:Atlantis"]',
            "[[networks]] #1 (net:nuts:SI041): unknown municipality 'SI:Atlantis'",
        ),
        (
            'themes = ["culture", "sport"]',
            'themes = ["culture", "knitting"]',
            "[[partnerships]] #1 (SI:Kamnik - AT:Trofaiach): unknown theme 'knitting'",
        ),
        (
            'funded_by = "net:historic-towns-si"',
            'funded_by = "net:nowhere"',
            "[[projects]] #1 (project:eko-trznica): unknown network 'net:nowhere'",
        ),
        ("status = ", "colour = ", "[[partnerships]] #1 (SI:Kamnik - AT:Trofaiach): unknown field"),
    ],
)
def test_an_unresolvable_curated_reference_fails_clearly(data_dir, tmp_path, old, new, message):
    load_dataset(data_dir)
    before = snapshot()
    curated = write_curated(tmp_path / "seeds.toml", CURATED.replace(old, new))

    with pytest.raises(LoadError) as error:
        load_dataset(data_dir, curated=curated)

    assert f"seeds.toml, {message}" in str(error.value)
    assert snapshot() == before


@pytest.mark.django_db
def test_an_ambiguous_curated_municipality_is_an_error(tmp_path, tables):
    tables["municipalities.csv.gz"].append(place("lau:AT_99999", "Trofaiach", "AT", slug="t2"))
    with pytest.raises(LoadError, match="'AT:Trofaiach' is ambiguous"):
        load_dataset(
            write_dataset(tmp_path / "data", tables),
            curated=write_curated(tmp_path / "seeds.toml"),
        )


@pytest.mark.django_db
def test_a_dry_run_counts_but_writes_nothing(data_dir, tmp_path):
    report = load_dataset(data_dir, curated=write_curated(tmp_path / "seeds.toml"), dry_run=True)

    assert report.counts("municipalities.csv.gz", "municipalities") == (5, 0, 0)
    # Kamnik-Trofaiach is counted under the curated file, which adds to it.
    assert report.counts("seeds.toml", "partnerships") == (1, 0, 0)
    assert report.counts("partnerships.csv.gz", "partnerships") == (1, 0, 0)
    assert Municipality.objects.count() == 0
    assert Source.objects.count() == 0


@pytest.mark.django_db
def test_the_command_loads_and_prints_a_summary_per_file(data_dir, tmp_path):
    write_curated(data_dir / "curated" / "seeds.toml")
    out = StringIO()

    call_command("load_dataset", data=data_dir, stdout=out)

    text = out.getvalue()
    assert "municipalities.csv.gz (municipalities)        5 created" in text
    assert "seeds.toml (networks)" in text
    assert Partnership.objects.get(start_year=1999)

    out = StringIO()
    call_command("load_dataset", data=data_dir, dry_run=True, stdout=out)
    assert "Dry run, nothing written: 0 created, 0 updated" in out.getvalue()


SEED_PLACES = {
    "SI": [
        "Kamnik", "Idrija", "Koper/Capodistria", "Kostanjevica na Krki", "Kranj", "Novo mesto",
        "Piran/Pirano", "Ptuj", "Radovljica", "Slovenske Konjice", "Škofja Loka", "Tržič",
        "Žužemberk", "Jezersko", "Luče", "Preddvor", "Solčava", "Kranjska Gora", "Bovec",
        "Bohinj", "Litija", "Lukovica", "Šmartno pri Litiji", "Mengeš", "Ivančna Gorica",
        "Šentrupert", "Dol pri Ljubljani", "Moravče", "Celje", "Jesenice", "Ljubljana",
        "Naklo", "Velenje",
    ],
    "AT": ["Trofaiach", "Villach", "Wien"],
    "DE": ["Andechs"],
}  # fmt: skip


@pytest.mark.django_db
def test_the_committed_curated_file_applies_to_the_places_it_names(tmp_path, settings):
    codes = ["AT", "CH", "CZ", "DE", "FR", "IT", "LI", "MC", "SI", "SK"]
    tables = {
        "sources.csv.gz": small_dataset()["sources.csv.gz"],
        "countries.csv.gz": [{"code": code, "name_en": code} for code in codes],
        "municipalities.csv.gz": [
            place(f"lau:{code}_{number}", name, code, slug=f"{code}-{number}".lower())
            for code, names in SEED_PLACES.items()
            for number, name in enumerate(names)
        ],
        "partnerships.csv.gz": [pair("lau:AT_0", "lau:SI_0")],  # Kamnik-Trofaiach
    }
    for filename in ("names.csv.gz", "networks.csv.gz", "memberships.csv.gz"):
        tables[filename] = []
    folder = write_dataset(tmp_path / "data", tables)
    seeds = settings.BASE_DIR / "data" / "curated" / "seeds.toml"

    load_dataset(folder, curated=seeds)
    again = load_dataset(folder, curated=seeds)

    assert (again.created, again.updated) == (0, 0)
    kamnik = Municipality.objects.get(name="Kamnik")
    assert kamnik.memberships.count() == 7
    assert {(p.partner_of(kamnik).name, p.start_year) for p in kamnik.partnerships()} == {
        ("Trofaiach", 1999),
        ("Andechs", 2004),
    }
    historic = Network.objects.get(external_id="net:historic-towns-si")
    assert historic.memberships.count() == 13
    assert historic.memberships.filter(municipality__name="Koper/Capodistria").exists()
    tcm = Network.objects.get(external_id="net:town-centre-management-si")
    assert tcm.memberships.count() == 7
    alliance = Network.objects.get(external_id="net:alliance-in-the-alps")
    assert alliance.countries.count() == 8
    assert alliance.funded_projects.count() == 5
    zmos_project = Project.objects.get(external_id="project:zmos-smo-cr-town-twinning-2011")
    assert zmos_project.partners.get(role="lead").network.acronym == "ZMOS"
    assert Project.objects.count() == 23
