"""Sign-up and password reset do the same work whether or not the address has an account,
so that neither their answer nor their time tells who is registered. Measured as work, not
time: the password hashes computed, the database queries, the tasks enqueued and the
response, with the real queue (database backend)."""

import re

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.timezone import now
from django_tasks_db.models import DBTaskResult

from atlas.accounts.models import PendingSignUp
from conftest import Client, make_user

pytestmark = pytest.mark.django_db
PASSWORD = "a long and unusual passphrase"


class CountingHasher(MD5PasswordHasher):
    """The tests' fast hasher, counting what it is asked to do."""

    calls: list[str] = []

    def encode(self, password, salt):
        CountingHasher.calls.append("encode")
        return super().encode(password, salt)

    def verify(self, password, encoded):
        CountingHasher.calls.append("verify")
        return super().verify(password, encoded)


@pytest.fixture(autouse=True)
def real_queue_and_counting_hasher(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]


def shape(sql: str) -> str:
    """A query without its values: which statement, on which tables and columns."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    return re.sub(r"\b\d+(\.\d+)?\b", "?", sql)


def without_csrf_tokens(html: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html.decode())


def work_of(url: str, data: dict) -> dict:
    """Everything a visitor's POST costs and answers, apart from values that differ by
    nature (the address typed, ids, times, CSRF tokens)."""
    cache.clear()  # the rate limits count every attempt the same; start each one afresh
    CountingHasher.calls.clear()
    tasks_before = set(DBTaskResult.objects.values_list("pk", flat=True))
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    new_tasks = DBTaskResult.objects.exclude(pk__in=tasks_before)
    page = client.get(response["Location"])
    return {
        "hashes": list(CountingHasher.calls),
        "queries": [shape(q["sql"]) for q in queries.captured_queries],
        "tasks": sorted(t.task_path for t in new_tasks),
        "status": response.status_code,
        "headers": sorted((k, v) for k, v in response.headers.items() if k != "Date"),
        "content": response.content,
        "cookies": sorted(response.cookies),
        "page": without_csrf_tokens(page.content),
    }


def test_sign_up_does_the_same_work_for_a_new_and_a_registered_address():
    make_user("registered@example.org")
    blocked = make_user("blocked@example.org")
    blocked.is_active, blocked.last_login = False, now()
    blocked.save()
    PendingSignUp.objects.create(email="waiting@example.org", name="W", password="x")

    def sign_up(email):
        data = {"name": "Ana Novak", "email": email, "password": PASSWORD}
        return work_of(reverse("accounts-signup"), data)

    new = sign_up("new@example.org")

    assert new["hashes"] == ["encode"]  # the password is hashed, once
    assert new["tasks"] == ["atlas.accounts.tasks.deliver_sign_up"]
    assert new["status"] == 302
    for email in ("registered@example.org", "blocked@example.org", "waiting@example.org"):
        assert sign_up(email) == new, email


def test_password_reset_does_the_same_work_for_a_registered_and_an_unknown_address():
    make_user("registered@example.org")
    inactive = make_user("inactive@example.org")
    inactive.is_active = False
    inactive.save()

    def reset(email):
        return work_of(reverse("password_reset"), {"email": email})

    registered = reset("registered@example.org")

    assert registered["tasks"] == ["atlas.accounts.tasks.deliver_password_reset"]
    assert registered["hashes"] == []
    assert registered["status"] == 302
    for email in ("unknown@example.org", "inactive@example.org"):
        assert reset(email) == registered, email
