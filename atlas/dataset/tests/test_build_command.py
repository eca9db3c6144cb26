"""The build_dataset command end to end, on a tiny hand-made raw tree."""

import csv
import gzip
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

LAU_HEADER = (
    "gisco_id,longitude,latitude,country,nuts_2,nuts_3,lau_id,lau_name,population,area_km2,"
    "year,fid,concordance,pop_weighted"
)
LAU_ROWS = {
    "SI": [
        ("SI_043", 14.6119, 46.2256, "SI041", "043", "Kamnik", 29925),
        ("SI_052", 14.3556, 46.2389, "SI042", "052", "Kranj", 57065),
        ("SI_122", 14.3061, 46.1647, "SI042", "122", "Škofja Loka", 23540),
    ],
    "AT": [
        ("AT_20201", 13.8558, 46.6111, "AT211", "20201", "Villach", 62882),
        ("AT_61120", 15.0069, 47.4239, "AT223", "61120", "Trofaiach", 11119),
        ("AT_62038", 14.6667, 47.1667, "AT226", "62038", "Judenburg", 9980),
        ("AT_90001", 16.3626, 48.2033, "AT130", "90001", "Wien", 1911191),
    ],
    "CZ": [
        ("CZ_554782", 14.4495, 50.0742, "CZ010", "554782", "Praha", 1324277),
        ("CZ_556939", 13.5200, 49.2311, "CZ032", "556939", "Sušice", 11220),
    ],
    "SK": [
        (
            "SK_528595",
            17.1068,
            48.1503,
            "SK010",
            "528595",
            "Bratislava - mestská časť Staré Mesto",
            40000,
        ),
        (
            "SK_529320",
            17.1554,
            48.1558,
            "SK010",
            "529320",
            "Bratislava - mestská časť Ružinov",
            80000,
        ),
        ("SK_313271", 19.1350, 48.5762, "SK032", "313271", "Zvolen", 42000),
    ],
    "DE": [
        ("DE_01", 10.0, 50.0, "DE111", "01", "Neustadt, Stadt", 9000),
        ("DE_02", 12.0, 52.0, "DE222", "02", "Neustadt", 4000),
        ("DE_09188117", 11.1833, 47.9747, "DE21L", "09188117", "Andechs", 3781),
    ],
}
GEONAMES = [
    ("2761369", "Vienna", 48.20849, 16.37208, "AT", "09", 1691468, "Dunaj|VIE|Wien|wei ye na"),
    ("3067696", "Prague", 50.08804, 14.42076, "CZ", "52", 1165581, "PRG|Praga|Praha"),
    ("2988507", "Paris", 48.85341, 2.3488, "FR", "11", 2138551, "Pariz"),
]
HEKMAN = [
    ("Kamnik", "Slovenia", "46.2256", "14.6119", "Trofaiach", "Austria", "47.42", "15.0"),
    ("Kamnik", "Slovenia", "46.2256", "14.6119", "Andechs", "Germany", "47.97", "11.18"),
    ("Mestna občina Kranj", "Slovenia", "46.24", "14.36", "Villach", "Austria", "46.61", "13.85"),
    ("Prague", "Czech Republic", "50.08", "14.42", "Vienna", "Austria", "48.2", "16.37"),
    ("Bratislava", "Slovakia", "48.15", "17.11", "Paris", "France", "48.85", "2.35"),
    (
        "Kranj",
        "Slovenia",
        "46.24",
        "14.36",
        "Colorado Springs",
        "United States",
        "38.83",
        "-104.82",
    ),
    ("Neustadt", "Germany", "52.01", "12.01", "Kranj", "Slovenia", "46.24", "14.36"),
    ("Herford (district)", "Germany", "52.1", "8.6", "Kamnik", "Slovenia", "46.2", "14.6"),
    ("Kamnik", "Slovenia", "46.2", "14.6", "Atlantis City", "Atlantis", "", ""),
    ("Kamnik", "Slovenia", "46.2", "14.6", "Občina Kamnik", "Slovenia", "46.2", "14.6"),
    ("Sušice", "Czech Republic", "49.23", "13.52", "Škofja Loka", "Slovenia", "46.16", "14.3"),
    ("Sušice", "Czech Republic", "49.23", "13.52", "Zvolen", "Slovakia", "48.57", "19.13"),
    ("Sušice", "Czech Republic", "49.23", "13.52", "Judenburg", "Austria", "47.17", "14.66"),
    ("Škofja Loka", "Slovenia", "46.16", "14.3", "Zvolen", "Slovakia", "48.57", "19.13"),
    ("Škofja Loka", "Slovenia", "46.16", "14.3", "Judenburg", "Austria", "47.17", "14.66"),
    ("Zvolen", "Slovakia", "48.57", "19.13", "Judenburg", "Austria", "47.17", "14.66"),
]
ROGORIDO_HEADER = (
    "origincityLabel\torigincountry\toriginlat\toriginlong\toriginpopulation\tsistercityLabel\t"
    "destinationlat\tdestinationlong\tdestinationpopulation\tdestination_countryLabel\tdist\teu"
)
COVENANT_HEADER = (
    "organisation_id,organisation_name,coordinator_name,supporter_name,country_code,"
    "country_name,population_adhesion,organisation_latitude,organisation_longitude,"
    "group_organisation_id,group_name,commitment_CoM2020_flag,commitment_CoM2030_flag,"
    "commitment_CoM2050_flag,commitment_mayoradapt_flag,adhesion_type,signatory_status,"
    "date_of_adhesion,action_plan_expected,group_profile,gcom_id"
)


def _write_csv(path: Path, header: str, rows, delimiter: str = ",") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as file:
        file.write(header + "\n")
        writer = csv.writer(file, delimiter=delimiter, lineterminator="\n")
        writer.writerows(rows)


def make_raw_tree(root: Path) -> Path:
    """A raw folder shaped like ../shared/data with a handful of rows in each file."""
    countries = {
        code: {"name": name}
        for code, name in [
            ("SI", "Slovenia"),
            ("AT", "Austria"),
            ("CZ", "Czechia"),
            ("SK", "Slovakia"),
            ("DE", "Germany"),
            ("FR", "France"),
            ("US", "United States"),
        ]
    }
    gazetteer = root / "gazetteer/geonames_cities500_europe"
    gazetteer.mkdir(parents=True)
    (gazetteer / "geonames_countries.json").write_text(json.dumps(countries), encoding="utf-8")
    _write_csv(
        gazetteer / "geonames_cities500_europe.csv",
        "geonameid,name,latitude,longitude,countrycode,admin1code,population,alternatenames",
        GEONAMES,
    )
    for country, rows in LAU_ROWS.items():
        _write_csv(
            root / f"municipalities/edjnet_lau_centres/{country}_lau_2020.csv",
            LAU_HEADER,
            [
                (
                    gisco,
                    lon,
                    lat,
                    country,
                    nuts[:4],
                    nuts,
                    lau,
                    name,
                    pop,
                    10,
                    2020,
                    gisco,
                    "official",
                    "TRUE",
                )
                for gisco, lon, lat, nuts, lau, name, pop in rows
            ],
        )
    _write_csv(
        root / "municipalities/si_gurs_rpe/OB.csv",
        "ENOTA,OB_MID,OB_ID,OB_UIME,OB_TIP,POV_KM2,D_OD,DV_OD,STATUS,CEN_E,CEN_N",
        [
            ("OB", 1, 43, "Kamnik", "N", 265, "", "", "V", 0, 0),
            ("OB", 2, 52, "Kranj", "D", 151, "", "", "V", 0, 0),
            ("OB", 3, 122, "Škofja Loka", "N", 146, "", "", "V", 0, 0),
        ],
    )
    _write_csv(
        root / "municipalities/cz_souradnice_mest/souradnice.csv",
        "Obec,Kód obce,Okres,Kód okresu,Kraj,Kód kraje,PSČ,Latitude,Longitude",
        [
            ("Praha", "554782", "Praha", "CZ0100", "Hlavní město Praha", "CZ010", "", 50.08, 14.42),
            ("Sušice", "556939", "Klatovy", "CZ0322", "Plzeňský kraj", "CZ032", "", 49.2, 13.5),
        ],
    )
    _write_csv(
        root / "twinning/hekman_twincities/twin_cities.csv",
        "city1,country1,lat1,lng1,city2,country2,lat2,lng2",
        HEKMAN,
    )
    _write_csv(
        root / "twinning/rogorido_sistercities/slovenia.tsv",
        ROGORIDO_HEADER,
        [
            (
                "Kamnik",
                "Slovenia",
                "46.22",
                "14.61",
                "",
                "Trofaiach",
                "47.42",
                "15.0",
                "",
                "Austria",
                "200",
                "EU",
            )
        ],
        delimiter="\t",
    )
    flags = ["True", "False", "False", "False"]
    _write_csv(
        root / "networks/gcom_mycovenant_2024/gcom_signatories_2024.csv",
        COVENANT_HEADER,
        [
            (
                "1",
                "Mestna občina Kranj",
                "-",
                "Climate Alliance",
                "si",
                "Slovenia",
                "55000",
                "46.24",
                "14.35",
                "-",
                "-",
                *flags,
                "As an individual signatory",
                "published",
                "2013-05-22 00:00:00",
                "True",
                "False",
                "SI0003",
            ),
            (
                "2",
                "Kamnik, Kranj",
                "-",
                "-",
                "si",
                "Slovenia",
                "-",
                "46.2",
                "14.5",
                "-",
                "-",
                *flags,
                "As a group",
                "published",
                "2012-01-01 00:00:00",
                "False",
                "True",
                "SI9",
            ),
            (
                "3",
                "Nowhere",
                "-",
                "-",
                "si",
                "Slovenia",
                "-",
                "46.2",
                "14.5",
                "-",
                "-",
                *flags,
                "As an individual signatory",
                "published",
                "2012-01-01 00:00:00",
                "False",
                "False",
                "SI10",
            ),
        ],
    )
    topology = {
        "type": "Topology",
        "transform": {"scale": [0.01, 0.01], "translate": [13, 45]},
        "arcs": [[[0, 0], [300, 0], [0, 200], [-300, 0], [0, -200]]],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {
                        "type": "Polygon",
                        "id": "705",
                        "properties": {"name": "Slovenia"},
                        "arcs": [[0]],
                    }
                ],
            }
        },
    }
    basemap = root / "basemap/world_atlas"
    basemap.mkdir(parents=True)
    (basemap / "countries-50m.json").write_text(json.dumps(topology), encoding="utf-8")
    return root


def read_rows(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as file:
        return list(csv.DictReader(file))


@pytest.fixture
def built(tmp_path):
    raw = make_raw_tree(tmp_path / "raw")
    out = tmp_path / "data"
    call_command("build_dataset", raw=raw, out=out, stdout=io.StringIO())
    return out


def test_the_command_writes_every_file(built):
    for name in (
        "sources.csv.gz",
        "countries.csv.gz",
        "municipalities.csv.gz",
        "names.csv.gz",
        "partnerships.csv.gz",
        "networks.csv.gz",
        "memberships.csv.gz",
        "basemap.json.gz",
        "LICENSES.md",
        "build-report.txt",
        "build.json",
    ):
        assert (built / name).exists(), name
    info = json.loads((built / "build.json").read_text())
    assert info["built_at"].endswith("+00:00")
    assert "twinning/hekman_twincities/twin_cities.csv" in [f["path"] for f in info["raw_files"]]
    assert "CC BY-SA 4.0 as a whole" in (built / "LICENSES.md").read_text()


def test_it_writes_municipalities_with_whole_cities_and_slugs(built):
    places = {row["external_id"]: row for row in read_rows(built / "municipalities.csv.gz")}
    assert places["lau:SI_043"]["slug"] == "kamnik"
    assert places["lau:DE_01"]["name"] == "Neustadt"
    assert places["lau:DE_01"]["slug"] == "neustadt"  # the more populous of the two
    assert places["lau:DE_02"]["slug"] == "neustadt-de"
    assert places["lau:SK_529320"]["kind"] == "city_part"
    assert places["lau:SK_529320"]["parent"] == "city:SK:bratislava"
    assert places["city:SK:bratislava"]["population"] == "120000"
    assert places["gn:2988507"]["kind"] == "other"
    assert places["list:US:colorado-springs"]["latitude"] == "38.83"


def test_it_writes_partnerships_from_both_lists(built):
    pairs = {row["external_id"]: row for row in read_rows(built / "partnerships.csv.gz")}
    kamnik_trofaiach = pairs["pair:lau:AT_61120~lau:SI_043~twinning"]
    assert kamnik_trofaiach["sources"] == "wikidata-p190-2017|wikipedia-twin-towns"
    assert kamnik_trofaiach["status"] == "unknown"
    assert "pair:lau:AT_20201~lau:SI_052~twinning" in pairs  # Mestna občina Kranj - Villach
    assert "pair:lau:AT_90001~lau:CZ_554782~twinning" in pairs  # Prague - Vienna
    assert "pair:city:SK:bratislava~gn:2988507~twinning" in pairs
    assert "pair:lau:DE_02~lau:SI_052~twinning" in pairs  # the Neustadt near the list's point


def test_it_turns_the_douzelage_clique_into_a_network(built):
    pairs = read_rows(built / "partnerships.csv.gz")
    members = {"lau:CZ_556939", "lau:SI_122", "lau:SK_313271", "lau:AT_62038"}
    assert not [row for row in pairs if row["a"] in members and row["b"] in members]
    networks = {row["external_id"]: row for row in read_rows(built / "networks.csv.gz")}
    assert networks["net:douzelage"]["kind"] == "thematic_network"
    memberships = read_rows(built / "memberships.csv.gz")
    assert {m["municipality"] for m in memberships if m["network"] == "net:douzelage"} == members
    report = (built / "build-report.txt").read_text()
    assert "Douzelage: 4 towns" in report
    assert "6 pairs among them dropped" in report


def test_it_writes_regions_names_and_the_covenant(built):
    networks = {row["external_id"]: row for row in read_rows(built / "networks.csv.gz")}
    assert networks["net:nuts:SI042"]["name"] == "Gorenjska"
    assert networks["net:nuts:SI042"]["kind"] == "statistical_region"
    assert networks["net:com-climate-alliance"]["parent"] == "net:covenant-of-mayors"
    memberships = read_rows(built / "memberships.csv.gz")
    assert {
        "network": "net:covenant-of-mayors",
        "municipality": "lau:SI_052",
        "role": "signatory",
        "start_year": "2013",
        "end_year": "",
        "source": "gcom-mycovenant-2024",
    } in memberships
    names = read_rows(built / "names.csv.gz")
    assert {
        "municipality": "lau:SI_052",
        "name": "Mestna občina Kranj",
        "language": "sl",
        "source": "gurs-rpe",
    } in names
    assert {row["name"] for row in names if row["municipality"] == "lau:AT_90001"} == {
        "Vienna",
        "Dunaj",
    }


def test_it_reports_unmatched_rows_with_reasons(built):
    report = (built / "build-report.txt").read_text()
    assert "a district or region, not a municipality" in report
    assert "Herford (district) (Germany)" in report
    assert "country string not recognised" in report
    assert "both names resolve to the same place" in report
    assert "a group of several signatories (skipped)" in report
    assert "no municipality of that name in the country" in report


def test_a_rebuild_gives_identical_bytes(built, tmp_path):
    again = tmp_path / "again"
    call_command("build_dataset", raw=tmp_path / "raw", out=again, stdout=io.StringIO())
    for path in built.iterdir():
        if path.name != "build.json":
            assert path.read_bytes() == (again / path.name).read_bytes(), path.name


def test_a_dry_run_writes_nothing(tmp_path):
    raw = make_raw_tree(tmp_path / "raw")
    out = tmp_path / "data"
    output = io.StringIO()
    call_command("build_dataset", raw=raw, out=out, dry_run=True, stdout=output)
    assert not out.exists()
    assert "Twinning Atlas dataset build report" in output.getvalue()


REAL_RAW = settings.BASE_DIR.parent / "shared" / "data"


@pytest.mark.skipif(not REAL_RAW.is_dir(), reason="the raw open data folder is not present")
def test_the_real_raw_data_gives_the_expected_figures(tmp_path):
    from atlas.dataset.pipeline.build import build

    report = build(REAL_RAW, tmp_path, with_basemap=False)
    by_country = report.counts["municipalities by country"]
    assert by_country["SI"] == 212
    assert by_country["CZ"] == 6258
    assert by_country["SK"] + report.counts["city parts by country"]["SK"] == 2927 + 2
    pairs = {row["external_id"] for row in read_rows(tmp_path / "partnerships.csv.gz")}
    assert "pair:lau:AT_61120~lau:SI_043~twinning" in pairs  # Kamnik - Trofaiach
    assert "pair:lau:AT_20201~lau:SI_052~twinning" in pairs  # Kranj - Villach
    assert report.counts["Douzelage members found"] == 28
