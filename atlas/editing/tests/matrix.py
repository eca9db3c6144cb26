"""The personas' clients and the expected outcomes of the permission matrices of the
editing views (personas: the root conftest.py)."""

from django.urls import reverse

from conftest import LOGIN

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


def assert_login_redirect(response) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts-login") + "?next=")
