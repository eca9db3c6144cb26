"""The personas' clients and the expected outcomes of the permission matrices of the
editing views (personas: the root conftest.py)."""

from django.test import Client
from django.urls import reverse

PERSONAS = [
    "anonymous",
    "coordinator",
    "other_coordinator",
    "staff_other_country",
    "staff_right_country",
    "admin",
]
LOGIN = "login"  # expected: sent to the login page
OK = "ok"  # expected: the write is done
# Who may edit Kamnik: its coordinator, staff for Slovenia, administrators.
EDIT_MATRIX = [
    ("anonymous", LOGIN),
    ("coordinator", OK),
    ("other_coordinator", 403),
    ("staff_other_country", 403),
    ("staff_right_country", OK),
    ("admin", OK),
]


def client_as(personas, persona: str, **kwargs) -> Client:
    client = Client(**kwargs)
    if personas[persona]:
        client.force_login(personas[persona])
    return client


def assert_login_redirect(response) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts-login") + "?next=")
