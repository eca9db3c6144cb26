"""The Content-Security-Policy header (django-csp, settings.CONTENT_SECURITY_POLICY) is on
every answer: pages, error pages and the API."""

import base64
import hashlib
import re

import pytest
from django.test import Client
from django.urls import path

from atlas.settings import content_security_policy


def boom(request):
    raise RuntimeError("a failing view, for the 500 page")


# This module is also the URL configuration of the test of the 500 page.
urlpatterns = [path("boom/", boom)]


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def assert_strict(response) -> None:
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_html_pages_carry_a_strict_policy(client, kamnik_world):
    for address in ["/en/", kamnik_world["kamnik"].get_absolute_url(), "/en/board/"]:
        response = client.get(address)
        assert response.status_code == 200, address
        assert_strict(response)
        assert directives(response)["img-src"] == ["'self'"]


@pytest.mark.django_db
def test_the_404_page_carries_the_policy(client):
    response = client.get("/en/no-such-page/")

    assert response.status_code == 404
    assert_strict(response)


@pytest.mark.django_db
@pytest.mark.urls("atlas.tests.test_security_headers")
def test_the_500_page_carries_the_policy_and_its_style_is_allowed_by_hash():
    response = Client(raise_request_exception=False).get("/boom/")

    assert response.status_code == 500
    assert_strict(response)
    style = re.search(r"<style>(.*?)</style>", response.content.decode(), re.S)
    assert style, "templates/500.html lost its <style>: drop its hash from settings"
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert f"'sha256-{digest}'" in directives(response)["style-src"]


@pytest.mark.django_db
def test_api_answers_carry_the_policy_too(client, kamnik_world):
    for address in ["/api/v1/", "/api/v1/no-such-thing"]:
        response = client.get(address)
        assert response["Content-Type"].startswith("application/"), address
        assert response["X-Content-Type-Options"] == "nosniff"
        assert_strict(response)


def test_a_tile_server_is_allowed_for_images_only():
    policy = content_security_policy("https://{s}.tile.example.org/{z}/{x}/{y}.png")

    assert policy["DIRECTIVES"]["img-src"] == ["'self'", "https://*.tile.example.org"]
    assert policy["DIRECTIVES"]["connect-src"] == ["'self'"]
    assert content_security_policy("")["DIRECTIVES"]["img-src"] == ["'self'"]


def test_templates_have_no_inline_script_event_handler_or_javascript_url():
    from django.conf import settings

    offending = []
    for template in (settings.BASE_DIR / "templates").rglob("*.html"):
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", text):
            offending.append(f"{template}: inline <script>")
        if re.search(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", text):
            offending.append(f"{template}: on…= event handler")
        if "javascript:" in text.lower():
            offending.append(f"{template}: javascript: URL")
    assert not offending, "\n".join(offending)
