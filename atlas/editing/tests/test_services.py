"""The history core: every write is a recorded change, refused when the record moved on
since the form was opened, and undone by a revert, which is itself a change."""

from datetime import date, timedelta

import pytest
from django.utils.timezone import now

from atlas.directory.models import (
    Activity,
    Change,
    DataStamp,
    Membership,
    MunicipalityProfile,
    Network,
    Partnership,
    ProjectPartner,
)
from atlas.editing import services
from atlas.editing.services import Conflict
from conftest import make_network, make_project, make_theme


@pytest.fixture
def ana(personas):
    return personas["coordinator"]


@pytest.fixture
def profile(kamnik):
    return MunicipalityProfile.objects.create(municipality=kamnik, description="Old")


@pytest.fixture
def twinning(kamnik_world):
    return (
        Partnership.objects.involving(kamnik_world["kamnik"])
        .involving(kamnik_world["trofaiach"])
        .get()
    )


@pytest.fixture
def membership(kamnik_world):
    return Membership.objects.get(municipality=kamnik_world["kamnik"])


@pytest.fixture
def stamp(db):
    """The data stamp, moved into the past so that a touch is seen."""
    DataStamp.objects.update_or_create(pk=1, defaults={"changed_at": now() - timedelta(days=1)})
    return DataStamp.current()


def add_activity(partnership, ana, day: date, title: str = "Visit") -> Activity:
    activity = Activity(partnership=partnership, date=day, title=title, kind="visit")
    services.create(activity, acting_user=ana)
    return activity


# update


@pytest.mark.django_db
def test_update_saves_the_values_and_records_only_what_changed(profile, ana, kamnik, stamp):
    change = services.update(
        profile,
        acting_user=ana,
        version=1,
        values={"description": "New", "website": "", "seeking": "Partners"},
    )

    profile.refresh_from_db()
    assert (profile.description, profile.seeking, profile.version) == ("New", "Partners", 2)
    assert change.action == Change.Action.CHANGED
    assert change.before == {"description": "Old", "seeking": ""}
    assert change.after == {"description": "New", "seeking": "Partners"}
    assert (change.municipality, change.other_municipality, change.user) == (kamnik, None, ana)
    assert change.record == profile
    assert DataStamp.current() > stamp


@pytest.mark.django_db
def test_update_refuses_a_stale_version_and_saves_nothing(profile, ana, stamp):
    services.update(profile, acting_user=ana, version=1, values={"description": "First"})

    with pytest.raises(Conflict, match="Someone else saved this record"):
        services.update(profile, acting_user=ana, version=1, values={"description": "Second"})

    profile.refresh_from_db()
    assert (profile.description, profile.version) == ("First", 2)
    assert Change.objects.count() == 1


@pytest.mark.django_db
def test_update_that_changes_nothing_records_nothing_but_still_checks_the_version(
    profile, ana, stamp
):
    assert (
        services.update(profile, acting_user=ana, version=1, values={"description": "Old"}) is None
    )
    assert DataStamp.current() == stamp
    services.update(profile, acting_user=ana, version=1, values={"description": "New"})

    with pytest.raises(Conflict):
        services.update(profile, acting_user=ana, version=1, values={"description": "New"})
    assert Change.objects.count() == 1


@pytest.mark.django_db
def test_update_compares_with_the_stored_row_not_with_the_instance(profile, ana):
    profile.description = "Typed"  # as a model form sets it while validating

    change = services.update(profile, acting_user=ana, version=1, values={"description": "Typed"})

    assert change.before == {"description": "Old"}
    assert MunicipalityProfile.objects.get().description == "Typed"


@pytest.mark.django_db
def test_update_of_a_deleted_record_is_refused(membership, ana):
    services.delete(membership, acting_user=ana, version=1)

    with pytest.raises(Conflict, match="deleted since you opened the form"):
        services.update(membership, acting_user=ana, version=2, values={"role": "lead"})


@pytest.mark.django_db
def test_update_records_many_to_many_and_foreign_keys_by_primary_key(profile, membership, ana):
    culture, youth = make_theme("culture", "Culture"), make_theme("youth", "Youth")
    other = make_network("Alliance in the Alps", kind=Network.Kind.ALLIANCE)

    themes = services.update(
        profile, acting_user=ana, version=1, values={"themes": [youth, culture]}
    )
    network = services.update(membership, acting_user=ana, version=1, values={"network": other})

    assert themes.before == {"themes": []}
    assert themes.after == {"themes": sorted([culture.pk, youth.pk])}
    assert network.after == {"network": other.pk}
    assert set(profile.themes.all()) == {culture, youth}


# create, delete, restore


@pytest.mark.django_db
def test_create_saves_and_records_every_tracked_value(twinning, ana, kamnik_world, stamp):
    activity = add_activity(twinning, ana, date(2024, 5, 1), "Choir visit")

    change = Change.objects.get()
    assert change.action == Change.Action.CREATED
    assert change.after["title"] == "Choir visit"
    assert change.after["date"] == "2024-05-01"
    assert change.record == activity
    towns = {change.municipality, change.other_municipality}
    assert towns == {kamnik_world["kamnik"], kamnik_world["trofaiach"]}
    assert DataStamp.current() > stamp


@pytest.mark.django_db
def test_delete_is_soft_and_restore_brings_the_record_back(membership, ana, stamp):
    deletion = services.delete(membership, acting_user=ana, version=1)

    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert Membership.all_objects.get(pk=membership.pk).deleted_at is not None
    assert deletion.action == Change.Action.DELETED
    assert deletion.before["role"] == "member"
    assert DataStamp.current() > stamp
    moved = DataStamp.current()

    restoring = services.restore(membership, acting_user=ana)

    restored = Membership.objects.get(pk=membership.pk)
    assert restored.deleted_at is None
    assert restored.version == 3
    assert restoring.action == Change.Action.RESTORED
    assert DataStamp.current() > moved


@pytest.mark.django_db
def test_delete_with_a_stale_version_and_restore_of_a_live_record_are_refused(membership, ana):
    services.update(membership, acting_user=ana, version=1, values={"role": "lead"})

    with pytest.raises(Conflict):
        services.delete(membership, acting_user=ana, version=1)
    with pytest.raises(Conflict, match="not deleted"):
        services.restore(membership, acting_user=ana)
    assert Membership.objects.filter(pk=membership.pk).exists()


# revert


@pytest.mark.django_db
def test_reverting_a_change_puts_back_what_it_replaced(profile, ana):
    change = services.update(profile, acting_user=ana, version=1, values={"description": "New"})

    undo = services.revert(change, acting_user=ana)

    assert MunicipalityProfile.objects.get().description == "Old"
    assert undo.reverts == change
    assert undo.before == {"description": "New"}
    assert undo.after == {"description": "Old"}


@pytest.mark.django_db
def test_reverting_a_change_of_themes_dates_and_networks(profile, membership, twinning, ana):
    culture = make_theme("culture", "Culture")
    other = make_network("Alliance in the Alps", kind=Network.Kind.ALLIANCE)
    themes = services.update(profile, acting_user=ana, version=1, values={"themes": [culture]})
    network = services.update(membership, acting_user=ana, version=1, values={"network": other})
    dates = services.update(
        twinning, acting_user=ana, version=1, values={"start_date": date(1999, 6, 1)}
    )

    for change in (themes, network, dates):
        services.revert(change, acting_user=ana)

    assert list(profile.themes.all()) == []
    membership.refresh_from_db()
    assert membership.network.name == "Združenje zgodovinskih mest Slovenije"
    twinning.refresh_from_db()
    assert twinning.start_date is None


@pytest.mark.django_db
def test_reverting_a_creation_deletes_and_reverting_that_restores(twinning, ana):
    activity = add_activity(twinning, ana, date(2024, 5, 1))
    creation = Change.objects.get()

    deletion = services.revert(creation, acting_user=ana)
    assert deletion.action == Change.Action.DELETED
    assert not Activity.objects.filter(pk=activity.pk).exists()

    restoring = services.revert(deletion, acting_user=ana)
    assert restoring.action == Change.Action.RESTORED
    assert Activity.objects.filter(pk=activity.pk).exists()

    again = services.revert(restoring, acting_user=ana)
    assert again.action == Change.Action.DELETED
    assert again.reverts == restoring
    assert not Activity.objects.filter(pk=activity.pk).exists()


@pytest.mark.django_db
def test_reverting_a_revert_puts_the_change_back(profile, ana):
    change = services.update(profile, acting_user=ana, version=1, values={"description": "New"})
    undo = services.revert(change, acting_user=ana)

    redo = services.revert(undo, acting_user=ana)

    assert MunicipalityProfile.objects.get().description == "New"
    assert redo.reverts == undo
    assert MunicipalityProfile.objects.get().version == 4


@pytest.mark.django_db
def test_a_change_changed_again_since_is_not_reverted(profile, ana):
    change = services.update(profile, acting_user=ana, version=1, values={"description": "New"})
    services.update(profile, acting_user=ana, version=2, values={"description": "Newer"})

    with pytest.raises(Conflict, match="changed again since"):
        services.revert(change, acting_user=ana)
    assert MunicipalityProfile.objects.get().description == "Newer"


@pytest.mark.django_db
def test_a_later_change_of_other_fields_does_not_stop_a_revert(profile, ana):
    change = services.update(profile, acting_user=ana, version=1, values={"description": "New"})
    services.update(profile, acting_user=ana, version=2, values={"seeking": "Partners"})

    services.revert(change, acting_user=ana)

    profile.refresh_from_db()
    assert (profile.description, profile.seeking) == ("Old", "Partners")


@pytest.mark.django_db
def test_reverting_a_change_of_a_deleted_or_vanished_record_is_refused(membership, ana):
    change = services.update(membership, acting_user=ana, version=1, values={"role": "lead"})
    services.delete(membership, acting_user=ana, version=2)

    with pytest.raises(Conflict, match="restore it first"):
        services.revert(change, acting_user=ana)
    Membership.all_objects.filter(pk=membership.pk).delete()
    with pytest.raises(Conflict, match="no longer exists"):
        services.revert(change, acting_user=ana)


@pytest.mark.django_db
def test_reverting_a_creation_of_a_record_deleted_since_is_refused(twinning, ana):
    activity = add_activity(twinning, ana, date(2024, 5, 1))
    services.delete(activity, acting_user=ana, version=1)

    with pytest.raises(Conflict, match="already deleted"):
        services.revert(Change.objects.get(action="created"), acting_user=ana)


# Activities and the partnership's last activity


@pytest.mark.django_db
def test_activity_changes_keep_the_partnerships_last_activity(twinning, ana):
    early = add_activity(twinning, ana, date(2023, 3, 1))
    late = add_activity(twinning, ana, date(2024, 9, 1))

    def last_activity():
        return Partnership.objects.get(pk=twinning.pk).last_activity

    assert last_activity() == date(2024, 9, 1)
    services.update(late, acting_user=ana, version=1, values={"date": date(2022, 1, 1)})
    assert last_activity() == date(2023, 3, 1)
    services.delete(early, acting_user=ana, version=1)
    assert last_activity() == date(2022, 1, 1)
    services.delete(late, acting_user=ana, version=2)
    assert last_activity() is None
    services.restore(early, acting_user=ana)
    assert last_activity() == date(2023, 3, 1)
    services.restore(late, acting_user=ana)
    services.revert(Change.objects.get(action="changed"), acting_user=ana)
    assert last_activity() == date(2024, 9, 1)


# add_or_restore: a membership in a network, or a participation in a project


@pytest.mark.django_db
def test_adding_a_membership_creates_it_from_the_coordinators_source(kamnik, ana):
    network = make_network("Alliance in the Alps", kind=Network.Kind.ALLIANCE)

    change = services.add_or_restore(
        acting_user=ana,
        municipality=kamnik,
        joined=network,
        values={"role": "founder", "start_year": 1997, "end_year": None},
    )

    membership = Membership.objects.get(network=network)
    assert membership.source.key == "atlas-coordinators"
    assert change.action == Change.Action.CREATED


@pytest.mark.django_db
def test_adding_a_participation_creates_it(kamnik, ana):
    project = make_project("Youth exchange in the Alps")

    change = services.add_or_restore(
        acting_user=ana, municipality=kamnik, joined=project, values={"role": "lead"}
    )

    partner = ProjectPartner.objects.get(project=project)
    assert (partner.municipality, partner.role) == (kamnik, "lead")
    assert change.action == Change.Action.CREATED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "values", "refusal"),
    [
        ("network", {"role": "member", "start_year": None, "end_year": None}, "already a member"),
        ("project", {"role": "partner"}, "Kamnik already takes part in Eko tržnica"),
    ],
)
def test_adding_a_membership_or_participation_that_exists_is_refused(
    kamnik_world, ana, kind, values, refusal
):
    with pytest.raises(Conflict, match=refusal):
        services.add_or_restore(
            acting_user=ana,
            municipality=kamnik_world["kamnik"],
            joined=kamnik_world[kind],
            values=values,
        )
    assert not Change.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "kind", "values"),
    [
        (Membership, "network", {"role": "member", "start_year": None, "end_year": None}),
        (ProjectPartner, "project", {"role": "partner"}),
    ],
)
def test_adding_a_deleted_membership_or_participation_restores_it(
    kamnik_world, ana, model, kind, values
):
    kamnik = kamnik_world["kamnik"]
    record = model.objects.get(municipality=kamnik)
    services.delete(record, acting_user=ana, version=1)

    services.add_or_restore(
        acting_user=ana, municipality=kamnik, joined=kamnik_world[kind], values=values
    )

    assert model.objects.get().pk == record.pk
    assert [c.action for c in Change.objects.order_by("pk")] == ["deleted", "restored"]
