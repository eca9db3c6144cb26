from atlas.lib.text import fold
from atlas.lib.translit import to_latin


def test_it_transliterates_cyrillic_and_greek():
    assert to_latin("Трявна") == "Tryavna"
    assert fold(to_latin("Κοινότητα Πρεβέζης")) == "koinotita prevezis"


def test_it_leaves_latin_names_alone():
    assert to_latin("Škofja Loka") == "Škofja Loka"
