"""The admin is the staff's editing tool for now: who gets in, and that it copes with
tables of tens of thousands of rows."""

import pytest
from django.contrib.auth.models import Permission, User
from django.db import IntegrityError, transaction
from django.urls import reverse

from atlas.directory.models import Partnership
from atlas.directory.search import find
from conftest import make_municipality

MODELS = [
    "source",
    "country",
    "theme",
    "municipality",
    "partnership",
    "network",
    "membership",
    "fundingprogramme",
    "project",
]


@pytest.fixture
def alice(db):
    """An administrator."""
    return User.objects.create_superuser("alice", "alice@example.org", "correct horse battery")


@pytest.fixture
def bob(db):
    """A registered user who is not staff."""
    return User.objects.create_user("bob", "bob@example.org", "correct horse battery")


@pytest.fixture
def charlie(db):
    """Staff who may only view municipalities."""
    user = User.objects.create_user(
        "charlie", "charlie@example.org", "correct horse battery", is_staff=True
    )
    user.user_permissions.add(Permission.objects.get(codename="view_municipality"))
    return user


def changelist(model: str) -> str:
    return reverse(f"admin:directory_{model}_changelist")


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client, kamnik_world):
    response = client.get(changelist("municipality"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_a_user_who_is_not_staff_is_sent_to_the_login_page(client, bob, kamnik_world):
    client.force_login(bob)
    response = client.get(changelist("municipality"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_staff_see_only_what_they_are_allowed_to(client, charlie, kamnik_world):
    client.force_login(charlie)
    assert client.get(changelist("municipality")).status_code == 200
    assert client.get(changelist("partnership")).status_code == 403
    kamnik = kamnik_world["kamnik"]
    response = client.post(
        reverse("admin:directory_municipality_change", args=[kamnik.pk]), {"name": "Hacked"}
    )
    assert response.status_code == 403
    kamnik.refresh_from_db()
    assert kamnik.name == "Kamnik"


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
def test_every_model_has_a_working_list_with_search(client, alice, kamnik_world, model):
    client.force_login(alice)
    assert client.get(changelist(model)).status_code == 200
    assert client.get(changelist(model), {"q": "kamnik"}).status_code == 200


@pytest.mark.django_db
def test_the_municipality_search_ignores_accents(client, alice, kamnik_world):
    client.force_login(alice)
    make_municipality("Žužemberk", "SI")
    response = client.get(changelist("municipality"), {"q": "zuzemberk"})
    assert [m.name for m in response.context["cl"].result_list] == ["Žužemberk"]


@pytest.mark.django_db
def test_foreign_keys_are_chosen_by_autocomplete(client, alice, kamnik_world):
    client.force_login(alice)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "kam",
            "app_label": "directory",
            "model_name": "partnership",
            "field_name": "municipality_a",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Kamnik"]


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["municipality", "partnership", "membership"])
def test_large_lists_cost_a_fixed_number_of_queries(
    client, alice, kamnik_world, django_assert_max_num_queries, model
):
    client.force_login(alice)
    with django_assert_max_num_queries(12):
        client.get(changelist(model))


@pytest.mark.django_db
def test_an_administrator_edits_a_municipality_and_its_search_key_follows(
    client, alice, kamnik_world
):
    client.force_login(alice)
    kamnik = kamnik_world["kamnik"]
    url = reverse("admin:directory_municipality_change", args=[kamnik.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "name": "Kamnik ob Bistrici",
            "other_names-TOTAL_FORMS": "1",
            "other_names-INITIAL_FORMS": "0",
            "other_names-0-name": "Stein in Oberkrain",
            "other_names-0-language": "de",
            "other_names-0-source": kamnik.source_id,
        }
    )
    assert not find("stein in").municipalities  # the search index is built before the edit
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    kamnik.refresh_from_db()
    assert kamnik.search_key == "kamnik ob bistrici"
    assert kamnik.other_names.get().search_key == "stein in oberkrain"
    assert find("stein in").municipalities[0].pk == kamnik.pk


@pytest.mark.django_db
def test_the_database_refuses_a_partnership_of_a_town_with_itself(kamnik_world):
    kamnik = kamnik_world["kamnik"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Partnership.objects.create(
            municipality_a=kamnik, municipality_b=kamnik, external_id="pair:self"
        )
    assert not Partnership.objects.filter(external_id="pair:self").exists()
