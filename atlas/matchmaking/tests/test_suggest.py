"""Scoring: which places are suggested, in which order, and the reasons given."""

import pytest

from atlas.directory.models import DataStamp
from atlas.matchmaking.suggest import (
    DEFAULT_WEIGHTS,
    FACTORS,
    Seeker,
    current_snapshot,
    suggestions_page,
)
from conftest import make_municipality, make_partnership

pytestmark = pytest.mark.django_db

OFF = dict.fromkeys(FACTORS, 0)


def ranked(world, town="kamnik", **weights):
    snapshot = current_snapshot()
    return snapshot.rank(snapshot.seeker(world[town]), {**OFF, **weights})


def reasons(world, candidate, town="kamnik", **weights):
    snapshot = current_snapshot()
    seeker = snapshot.seeker(world[town])
    weights = {**DEFAULT_WEIGHTS, **weights}
    (suggestion,) = suggestions_page(snapshot, seeker, weights, [world[candidate].pk])
    return suggestion.reasons


def position(order, place) -> int:
    return order.index(place.pk)


def test_existing_partners_and_the_town_itself_are_never_suggested(match_world):
    order = ranked(match_world, **DEFAULT_WEIGHTS)

    assert match_world["trofaiach"].pk not in order
    assert match_world["andechs"].pk not in order
    assert match_world["kamnik"].pk not in order
    assert match_world["leoben"].pk in order


def test_city_parts_and_places_without_coordinates_are_not_candidates(match_world):
    part = make_municipality("Center", "SI", kind="city_part", population=30000)
    nowhere = make_municipality("Nowhere", "SI", latitude=None, longitude=None, population=30000)
    lonely_other = make_municipality("Elsewhere", "FR", kind="other", population=30000)

    order = ranked(match_world, same_size=3)

    assert not {part.pk, nowhere.pk, lonely_other.pk} & set(order)


def test_a_similar_population_ranks_higher_with_same_size_on(match_world):
    order = ranked(match_world, same_size=3)

    assert position(order, match_world["tavira"]) < position(order, match_world["ljubljana"])
    assert position(order, match_world["zug"]) < position(order, match_world["komenda"])


def test_far_away_towns_rank_higher_with_far_away_and_lower_with_near(match_world):
    far = ranked(match_world, far=3)
    near = ranked(match_world, near=3)

    assert far[0] == match_world["tavira"].pk
    assert position(near, match_world["komenda"]) < position(near, match_world["tavira"])


def test_a_neighbouring_country_ranks_higher_with_that_factor(match_world):
    order = ranked(match_world, neighbouring_country=3)

    # Croatia and Austria border Slovenia; Portugal does not.
    assert position(order, match_world["samobor"]) < position(order, match_world["tavira"])
    assert position(order, match_world["leoben"]) < position(order, match_world["tavira"])


def test_partners_of_partners_rank_by_how_many_partners_they_share(match_world):
    order = ranked(match_world, partners_of_partners=3)

    assert order[:2] == [match_world["leoben"].pk, match_world["celje"].pk]


def test_the_partners_of_partners_reason_gives_the_right_count(match_world):
    assert "2 of your partners are twinned with Leoben" in reasons(match_world, "leoben")
    assert "1 of your partners is twinned with Celje" in reasons(match_world, "celje")


def test_a_country_without_partners_gets_the_new_country_reason(match_world):
    assert "no partner in Croatia yet" in reasons(match_world, "samobor")
    assert not any("no partner in" in r for r in reasons(match_world, "leoben"))  # Trofaiach
    assert not any("no partner in" in r for r in reasons(match_world, "komenda"))  # at home


def test_a_shared_network_counts_and_is_named(match_world):
    order = ranked(match_world, shared_networks=3)

    assert order[0] == match_world["tavira"].pk
    assert "also a member of Douzelage" in reasons(match_world, "tavira")


def test_shared_themes_and_languages_are_reasons(match_world):
    samobor = reasons(match_world, "samobor", shared_themes=3)
    leoben = reasons(match_world, "leoben", shared_languages=3)

    assert "also cooperates on Culture" in samobor
    assert "both speak German" not in leoben  # Kamnik speaks Slovenian
    assert "both speak Slovenian" in reasons(match_world, "komenda", shared_languages=3)


def test_the_size_reason_gives_both_populations_only_when_they_are_close(match_world):
    assert "similar size: 29,000 and 30,000 inhabitants" in reasons(match_world, "tavira")
    assert not any("similar size" in r for r in reasons(match_world, "komenda"))


def test_reasons_come_in_the_order_of_what_counted_most(match_world):
    leoben = reasons(match_world, "leoben", partners_of_partners=3, same_size=1)

    assert leoben[0] == "2 of your partners are twinned with Leoben"


def test_every_factor_off_lists_places_by_importance_and_still_excludes_partners(match_world):
    order = ranked(match_world)

    assert order[0] == match_world["ljubljana"].pk  # the biggest
    assert match_world["trofaiach"].pk not in order


def test_a_seeker_without_a_place_in_the_atlas_can_be_matched(match_world):
    """What a board entry will do: match on facts alone."""
    snapshot = current_snapshot()
    seeker = Seeker(pk=None, country="SI", population=29000, latitude=46.2, longitude=14.6)

    order = snapshot.rank(seeker, {**OFF, "same_size": 3})

    assert order[0] == match_world["tavira"].pk


def test_the_snapshot_is_rebuilt_after_the_data_changes(match_world):
    before = current_snapshot()
    newcomer = make_municipality("Mengeš", "SI", population=30000)
    assert current_snapshot() is before
    assert newcomer.pk not in before.index_of

    DataStamp.touch()

    after = current_snapshot()
    assert after is not before
    assert newcomer.pk in after.index_of


def test_a_new_partnership_leaves_the_suggestions_after_the_data_changes(match_world):
    assert match_world["celje"].pk in ranked(match_world, **DEFAULT_WEIGHTS)

    make_partnership(match_world["kamnik"], match_world["celje"])
    DataStamp.touch()

    assert match_world["celje"].pk not in ranked(match_world, **DEFAULT_WEIGHTS)


@pytest.mark.django_db
def test_a_profiles_office_languages_and_themes_count_in_the_suggestions(kamnik_world):
    from atlas.directory.models import DataStamp, MunicipalityProfile
    from conftest import make_theme

    kamnik = kamnik_world["kamnik"]
    culture = make_theme()
    profile = MunicipalityProfile.objects.create(municipality=kamnik, office_languages=["de"])
    profile.themes.set([culture])
    DataStamp.touch()

    seeker = current_snapshot().seeker(kamnik)

    assert seeker.languages == ("de",)
    assert seeker.languages_shared_with("AT") == ("de",)
    assert seeker.languages_shared_with("SI") == ()
    assert culture.pk in seeker.themes
