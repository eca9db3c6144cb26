from atlas.lib.matching import search_key, strip_qualifiers, typo_budget, words_match


def test_a_query_key_has_no_accents_capitals_punctuation_or_other_scripts():
    assert search_key("Škofja Loka!") == "skofja loka"
    assert search_key("Κοινότητα Πρεβέζης") == "koinotita prevezis"
    assert search_key("\u202eevil\u202c") == "evil"
    assert search_key("!!! ???") == ""


def test_qualifiers_are_stripped_only_in_front_of_a_name():
    assert strip_qualifiers("mestna obcina kranj") == "kranj"
    assert strip_qualifiers("gemeinde markt andechs") == "andechs"
    assert strip_qualifiers("city of london") == "london"
    assert strip_qualifiers("novo mesto") == "novo mesto"
    assert strip_qualifiers("stadt") == "stadt"


def test_words_match_in_any_order_as_prefixes_of_words():
    assert words_match(["dunajska", "streda"], "dunajska streda")
    assert words_match(["str", "dun"], "dunajska streda")
    assert not words_match(["reda"], "dunajska streda")


def test_longer_queries_may_carry_more_typos():
    assert [typo_budget("x" * n) for n in (1, 3, 4, 8, 9, 20)] == [0, 0, 1, 1, 2, 2]
