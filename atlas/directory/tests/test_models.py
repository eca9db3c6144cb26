import pytest

from atlas.directory.models import Partnership
from conftest import make_municipality, make_partnership, make_theme


@pytest.fixture
def three_partnerships(db):
    """Kamnik and Celje (SI) and Graz (AT): one domestic pair and two across the border,
    one of them with no known start year."""
    kamnik, celje = make_municipality("Kamnik"), make_municipality("Celje")
    graz = make_municipality("Graz", country="AT")
    home = make_partnership(kamnik, celje, kind="twinning", status="active", start_year=1990)
    home.themes.set([make_theme("culture")])
    abroad = make_partnership(kamnik, graz, kind="friendship", status="ended", start_year=2005)
    undated = make_partnership(celje, graz, kind="cooperation", status="unknown")
    undated.themes.set([make_theme("sport", "Sport")])
    return {"home": home, "abroad": abroad, "undated": undated}


@pytest.mark.parametrize(
    "criteria, expected",
    [
        ({}, {"home", "abroad", "undated"}),
        (
            {"country": "", "kind": "", "status": "", "theme": "", "since": None, "scope": ""},
            {"home", "abroad", "undated"},
        ),
        ({"country": "at"}, {"abroad", "undated"}),
        ({"country": "SI"}, {"home", "abroad", "undated"}),
        ({"country": "CZ"}, set()),
        ({"kind": "friendship"}, {"abroad"}),
        ({"status": "active"}, {"home"}),
        ({"theme": "sport"}, {"undated"}),
        ({"theme": "culture"}, {"home"}),
        ({"since": 1990}, {"home", "abroad"}),
        ({"since": 1991}, {"abroad"}),
        ({"until": 2005}, {"home", "abroad"}),
        ({"until": 2004}, {"home"}),
        ({"since": 2005, "until": 2005}, {"abroad"}),
        ({"since": 1991, "until": 2004}, set()),
        ({"scope": "domestic"}, {"home"}),
        ({"scope": "international"}, {"abroad", "undated"}),
        ({"scope": "international", "country": "SI", "until": 2100}, {"abroad"}),
        ({"kind": "twinning", "scope": "international"}, set()),
    ],
)
def test_the_partnership_filter_chooses_by_each_criterion_and_ignores_empty_ones(
    three_partnerships, criteria, expected
):
    found = Partnership.objects.matching(**criteria)

    assert {name for name, p in three_partnerships.items() if p in found} == expected
    assert found.count() == len(expected)  # no partnership twice
