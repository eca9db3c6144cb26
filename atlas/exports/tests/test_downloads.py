import io

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def export_root(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path
    return tmp_path


def test_without_files_it_says_how_to_make_them_and_links_the_live_exports(
    client, kamnik_world, export_root, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get(reverse("downloads"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "manage.py export_data" in content
    assert reverse("export", kwargs={"name": "partnerships", "fmt": "csv"}) in content


def test_with_files_it_lists_them_with_rows_size_and_licence(
    client, kamnik_world, export_root, django_assert_num_queries
):
    call_command("export_data", stdout=io.StringIO())

    with django_assert_num_queries(0):
        response = client.get(reverse("downloads"))

    content = response.content.decode()
    assert reverse("export-file", args=["partnerships.geojson.gz"]) in content
    assert "CC BY-SA 4.0" in content
    assert "bytes" in content or "KB" in content
    assert "manage.py export_data" not in content


def test_about_the_data_links_the_downloads(client, kamnik_world):
    response = client.get(reverse("about-data"))

    assert reverse("downloads") in response.content.decode()
