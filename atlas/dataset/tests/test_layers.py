"""A load never erases what people entered: the dataset is the base layer, what people set
on the site sits on top, and a new dataset value for it waits for staff as a conflict."""

import copy
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from atlas.dataset.loader import load_dataset
from atlas.directory.models import (
    Change,
    DatasetConflict,
    Membership,
    Municipality,
    Partnership,
    SiteField,
    Source,
)
from atlas.editing import services
from conftest import make_coordinator, make_staff, make_theme, make_user

from .factories import small_dataset, write_dataset

ANDECHS = "pair:lau:DE_09188117~lau:SI_043~twinning"
TROFAIACH = "pair:lau:AT_61120~lau:SI_043~twinning"


@pytest.fixture
def loaded(tmp_path):
    """The small dataset loaded, and Kamnik's coordinator's edits of the issue's repro:
    a partnership made active since 1994 with two themes and a note, and a membership
    made founding since 2009."""
    tables = small_dataset()
    load_dataset(write_dataset(tmp_path / "v1", tables))
    kamnik = Municipality.objects.get(external_id="lau:SI_043")
    coordinator = make_coordinator("ana@kamnik.si", kamnik)
    culture, sport = make_theme("culture", "Culture"), make_theme("sport", "Sport")
    partnership = Partnership.objects.get(external_id=ANDECHS)
    edit = services.update(
        partnership,
        acting_user=coordinator,
        version=partnership.version,
        values={
            "status": "active",
            "start_year": 1994,
            "themes": [culture, sport],
            "notes": "Choirs visit each other every spring.",
        },
    )
    membership = Membership.objects.get()
    services.update(
        membership,
        acting_user=coordinator,
        version=membership.version,
        values={"role": "founder", "start_year": 2009},
    )
    return {
        "tables": tables,
        "coordinator": coordinator,
        "edit": edit,
        "themes": {culture.pk, sport.pk},
        "tmp": tmp_path,
    }


def load(loaded, name, change=None, **options):
    tables = copy.deepcopy(loaded["tables"])
    if change:
        change(tables)
    return load_dataset(write_dataset(loaded["tmp"] / name, tables), **options)


def andechs_row(tables):
    return next(row for row in tables["partnerships.csv.gz"] if row["external_id"] == ANDECHS)


def assert_edits_kept(loaded):
    partnership = Partnership.objects.get(external_id=ANDECHS)
    assert (partnership.status, partnership.start_year) == ("active", 1994)
    assert partnership.notes == "Choirs visit each other every spring."
    assert set(partnership.themes.values_list("pk", flat=True)) == loaded["themes"]
    membership = Membership.objects.get()
    assert (membership.role, membership.start_year) == ("founder", 2009)


@pytest.mark.django_db
def test_a_load_of_unchanged_data_keeps_what_the_coordinator_set(loaded):
    report = load(loaded, "same")

    assert_edits_kept(loaded)
    assert (report.created, report.updated) == (0, 0)
    assert report.layer.kept == 6  # status, year, themes, note; role, year
    assert (report.layer.conflicts_new, report.layer.conflicts_updated) == (0, 0)
    assert not DatasetConflict.objects.exists()
    # The coordinator's change is the latest, and it can be reverted.
    latest = Change.objects.filter(object_id=loaded["edit"].object_id).first()
    assert latest == loaded["edit"]
    services.revert(loaded["edit"], acting_user=loaded["coordinator"])
    partnership = Partnership.objects.get(external_id=ANDECHS)
    assert (partnership.status, partnership.start_year, partnership.notes) == ("unknown", None, "")


@pytest.mark.django_db
def test_the_command_reports_the_edits_it_kept(loaded):
    out = StringIO()
    call_command(
        "load_dataset", data=write_dataset(loaded["tmp"] / "cmd", loaded["tables"]), stdout=out
    )

    assert "Site edits kept: 6 field(s)" in out.getvalue()
    assert "Conflicts set aside for staff to review: 0 new, 0 updated." in out.getvalue()
    assert_edits_kept(loaded)


@pytest.mark.django_db
def test_a_revert_to_the_dataset_value_gives_the_field_back_to_the_dataset(loaded):
    services.revert(loaded["edit"], acting_user=loaded["coordinator"])
    partnership = Partnership.objects.get(external_id=ANDECHS)
    assert not SiteField.objects.of(partnership).exists()

    load(loaded, "later", lambda tables: andechs_row(tables).update(status="dormant"))

    partnership.refresh_from_db()
    assert partnership.status == "dormant"
    assert not DatasetConflict.objects.exists()


@pytest.mark.django_db
def test_a_new_dataset_value_for_an_edited_field_waits_as_a_conflict_and_an_unedited_field_follows(
    loaded,
):
    version = Partnership.objects.get(external_id=ANDECHS).version

    report = load(
        loaded, "v2", lambda tables: andechs_row(tables).update(status="dormant", end_year=2020)
    )

    partnership = Partnership.objects.get(external_id=ANDECHS)
    assert partnership.status == "active"  # the coordinator's
    assert partnership.end_year == 2020  # nobody set it: the dataset's
    assert partnership.version == version + 1  # open forms get the conflict message
    assert (report.layer.conflicts_new, report.layer.conflicts_updated) == (1, 0)
    conflict = DatasetConflict.objects.get()
    assert (conflict.field, conflict.dataset_value, conflict.site_value) == (
        "status",
        "dormant",
        "active",
    )
    assert conflict.site_set_by == loaded["coordinator"]
    assert conflict.label == "Andechs – Kamnik" or conflict.label == "Kamnik – Andechs"
    assert {conflict.municipality.name, conflict.other_municipality.name} == {"Kamnik", "Andechs"}
    # History: the load wrote no change, so the coordinator's can still be reverted.
    assert Change.objects.filter(object_id=partnership.pk).first() == loaded["edit"]
    services.revert(loaded["edit"], acting_user=loaded["coordinator"])
    partnership.refresh_from_db()
    assert (partnership.status, partnership.end_year) == ("unknown", 2020)


@pytest.mark.django_db
def test_an_open_conflict_is_updated_when_the_dataset_moves_again_and_not_repeated(loaded):
    load(loaded, "v2", lambda tables: andechs_row(tables).update(status="dormant"))

    again = load(loaded, "v2b", lambda tables: andechs_row(tables).update(status="dormant"))
    assert (again.layer.conflicts_new, again.layer.conflicts_updated) == (0, 0)

    moved = load(loaded, "v3", lambda tables: andechs_row(tables).update(status="ended"))
    assert (moved.layer.conflicts_new, moved.layer.conflicts_updated) == (0, 1)
    assert DatasetConflict.objects.get().dataset_value == "ended"

    back = load(loaded, "v4")  # the dataset says again what the coordinator replaced
    assert not DatasetConflict.objects.exists()
    assert back.layer.kept == 6


@pytest.mark.django_db
def test_a_dismissed_conflict_is_not_raised_again_for_the_same_value(loaded):
    staff = make_staff("staff@skupnostobcin.si", country="SI")
    load(loaded, "v2", lambda tables: andechs_row(tables).update(status="dormant"))
    services.dismiss_conflict(DatasetConflict.objects.get(), acting_user=staff)

    same = load(loaded, "v2b", lambda tables: andechs_row(tables).update(status="dormant"))
    assert same.layer.conflicts_new == 0
    assert not DatasetConflict.objects.open().exists()

    new = load(loaded, "v3", lambda tables: andechs_row(tables).update(status="ended"))
    assert new.layer.conflicts_new == 1
    assert DatasetConflict.objects.open().get().dataset_value == "ended"
    assert Partnership.objects.get(external_id=ANDECHS).status == "active"


@pytest.mark.django_db
def test_accepting_a_conflict_applies_the_dataset_value_as_a_change_by_staff(loaded):
    staff = make_staff("staff@skupnostobcin.si", country="SI")
    load(loaded, "v2", lambda tables: andechs_row(tables).update(status="dormant"))

    change = services.accept_conflict(DatasetConflict.objects.get(), acting_user=staff)

    partnership = Partnership.objects.get(external_id=ANDECHS)
    assert partnership.status == "dormant"
    assert change.user == staff and change.after == {"status": "dormant"}
    assert DatasetConflict.objects.get().status == DatasetConflict.Status.ACCEPTED
    assert not SiteField.objects.of(partnership).filter(field="status").exists()
    # The field follows the dataset again; the others stay the coordinator's.
    load(loaded, "v3", lambda tables: andechs_row(tables).update(status="ended"))
    partnership.refresh_from_db()
    assert (partnership.status, partnership.start_year) == ("ended", 1994)


@pytest.mark.django_db
def test_records_people_created_are_never_touched(loaded):
    coordinator = loaded["coordinator"]
    kamnik = Municipality.objects.get(external_id="lau:SI_043")
    villach = Municipality.objects.get(external_id="lau:AT_20201")
    created = Partnership(
        external_id="atlas:proposal:1",
        municipality_a=min(kamnik, villach, key=lambda m: m.pk),
        municipality_b=max(kamnik, villach, key=lambda m: m.pk),
        status="active",
    )
    services.create(created, acting_user=coordinator, many={"sources": [Source.coordinators()]})

    # The dataset now lists the same pair with other values.
    def add_pair(tables):
        from .factories import pair

        tables["partnerships.csv.gz"].append(pair("lau:AT_20201", "lau:SI_043", status="ended"))

    report = load(loaded, "v2", add_pair)

    created.refresh_from_db()
    assert created.status == "active"
    assert created.external_id == "atlas:proposal:1"
    assert created.missing_since is None
    assert not DatasetConflict.objects.exists()
    assert report.counts("partnerships.csv.gz", "partnerships") == (0, 0, 3)


@pytest.mark.django_db
def test_a_changed_kind_does_not_bring_the_dataset_pair_back_as_a_second_partnership(loaded):
    partnership = Partnership.objects.get(external_id=ANDECHS)
    services.update(
        partnership,
        acting_user=loaded["coordinator"],
        version=partnership.version,
        values={"kind": "friendship"},
    )

    report = load(loaded, "v2")

    assert report.created == 0
    assert Partnership.all_objects.filter(external_id=ANDECHS).get().kind == "friendship"
    assert Partnership.all_objects.count() == 2


def drop_andechs_and_villach(tables):
    tables["partnerships.csv.gz"] = [
        row for row in tables["partnerships.csv.gz"] if row["external_id"] != TROFAIACH
    ]
    tables["municipalities.csv.gz"] = [
        row for row in tables["municipalities.csv.gz"] if row["external_id"] != "lau:AT_20201"
    ]


@pytest.mark.django_db
def test_rows_the_dataset_no_longer_has_are_marked_unless_people_touched_them(loaded):
    # Trofaiach's partnership is untouched; Andechs's was edited, and the dataset keeps it.
    def drop(tables):
        drop_andechs_and_villach(tables)
        tables["partnerships.csv.gz"] = [
            row for row in tables["partnerships.csv.gz"] if row["external_id"] != ANDECHS
        ]

    dry = load(loaded, "v2", drop, dry_run=True)
    assert Partnership.objects.filter(missing_since__isnull=False).count() == 0

    report = load(loaded, "v2", drop)

    for counted in (dry, report):
        municipalities, partnerships = counted.layer.missing
        assert (municipalities.marked, municipalities.kept) == (1, 0)
        assert municipalities.names == ["Villach (marked)"]
        assert (partnerships.marked, partnerships.kept) == (1, 1)
    trofaiach = Partnership.objects.get(external_id=TROFAIACH)
    andechs = Partnership.objects.get(external_id=ANDECHS)
    assert trofaiach.missing_since is not None
    assert andechs.missing_since is None
    assert Municipality.objects.get(external_id="lau:AT_20201").missing_since is not None
    assert_edits_kept(loaded)

    load(loaded, "v3")  # back in the dataset
    assert not Partnership.objects.filter(missing_since__isnull=False).exists()
    assert not Municipality.objects.filter(missing_since__isnull=False).exists()


@pytest.mark.django_db
def test_the_command_lists_what_the_dataset_no_longer_has(loaded):
    tables = copy.deepcopy(loaded["tables"])
    drop_andechs_and_villach(tables)
    out = StringIO()

    call_command(
        "load_dataset", data=write_dataset(loaded["tmp"] / "cmd", tables), stdout=out, dry_run=True
    )

    text = out.getvalue()
    assert "Municipalities no longer in the dataset: 1 (1 would be marked" in text
    assert "Villach (marked)" in text
    assert "Partnerships no longer in the dataset: 1" in text
    assert Partnership.objects.filter(missing_since__isnull=False).count() == 0


@pytest.mark.django_db
def test_an_administrators_save_counts_as_a_persons_edit(loaded, client):
    admin = make_user("admin@example.org", is_superuser=True, is_staff=True)
    villach = Municipality.objects.get(external_id="lau:AT_20201")
    client.force_login(admin)
    url = f"/en/admin/directory/municipality/{villach.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {key: ("" if value is None else value) for key, value in data.items()}
    data["population"] = 61000
    data.update(
        {
            "other_names-TOTAL_FORMS": 0,
            "other_names-INITIAL_FORMS": 0,
            "other_names-MIN_NUM_FORMS": 0,
            "other_names-MAX_NUM_FORMS": 1000,
        }
    )

    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    load(loaded, "v2", lambda tables: tables["municipalities.csv.gz"][0].update(population=62000))

    villach.refresh_from_db()
    assert villach.population == 61000
    conflict = DatasetConflict.objects.get()
    assert (conflict.dataset_value, conflict.site_value) == (62000, 61000)
    assert conflict.municipality == villach


@pytest.mark.django_db
def test_pages_of_rows_no_longer_in_the_dataset_say_so(loaded, client):
    load(loaded, "v2", drop_andechs_and_villach)
    villach = Municipality.objects.get(external_id="lau:AT_20201")
    trofaiach = Partnership.objects.get(external_id=TROFAIACH)

    for url in (villach.get_absolute_url(), reverse("partnership", args=[trofaiach.pk])):
        response = client.get(url)
        assert response.status_code == 200
        assert "No longer in the source data since" in response.content.decode()
