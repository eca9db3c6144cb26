from datetime import timedelta

import pytest
from django.http import HttpResponse, HttpResponseBase
from django.test import RequestFactory
from django.utils.http import http_date

from atlas.directory.conditional import data_answer, data_etag
from atlas.directory.models import DataStamp

pytestmark = pytest.mark.django_db
PARTS = ("places", 1, "country=SI")


def answer(method: str = "get", **headers: str) -> tuple[HttpResponseBase, list[str]]:
    """The answer to one request, and whether its body was built."""
    built: list[str] = []

    def build() -> HttpResponse:
        built.append("built")
        return HttpResponse("body")

    request = getattr(RequestFactory(), method)("/data/", headers=headers)
    return data_answer(request, PARTS, build), built


def test_an_answer_carries_a_weak_etag_and_the_data_stamp_as_last_modified():
    response, built = answer()

    assert response.status_code == 200
    assert built == ["built"]
    assert response["ETag"].startswith('W/"')
    assert response["Last-Modified"] == http_date(DataStamp.current().timestamp())
    assert response["Cache-Control"] == "public, no-cache"


@pytest.mark.parametrize("method", ["get", "head"])
def test_a_client_that_has_the_answer_gets_304_by_etag_or_by_date(method):
    first, _ = answer()

    by_etag, built_by_etag = answer(method, if_none_match=first["ETag"])
    by_date, built_by_date = answer(method, if_modified_since=first["Last-Modified"])

    assert by_etag.status_code == by_date.status_code == 304
    assert built_by_etag == built_by_date == []
    assert by_etag["ETag"] == by_date["ETag"] == first["ETag"]
    assert by_etag["Last-Modified"] == first["Last-Modified"]
    assert by_etag["Cache-Control"] == "public, no-cache"


def test_a_new_data_stamp_changes_the_etag_and_the_answer_is_built_again():
    first, _ = answer()
    DataStamp.objects.filter(pk=1).update(changed_at=DataStamp.current() + timedelta(seconds=5))

    again, built = answer(if_none_match=first["ETag"])

    assert again.status_code == 200
    assert built == ["built"]
    assert again["ETag"] != first["ETag"]
    assert again["Last-Modified"] != first["Last-Modified"]


def test_the_parts_tell_answers_apart():
    request = RequestFactory().get("/data/")

    assert data_etag(request, *PARTS) == data_etag(request, *PARTS)
    assert data_etag(request, *PARTS) != data_etag(request, "places", 1, "country=AT")


def test_the_data_stamp_is_read_once_per_request(django_assert_num_queries):
    DataStamp.current()

    with django_assert_num_queries(1):
        answer()
