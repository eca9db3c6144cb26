"""Every page of the site answers in every language with one <h1> and the language's `lang`.

The pages come from the URLconf itself, so a new page cannot slip past: each named URL
pattern needs a sample in `samples` (who opens it, with which arguments) or a line in
NOT_PAGES saying why it is not a page (data, a write, a redirect)."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from atlas.accounts.emails import confirmation_token
from atlas.accounts.models import PendingSignUp
from atlas.directory.models import DatasetConflict, Partnership
from atlas.editing.tests.partnership_helpers import make_activity
from conftest import client_as, make_board_entry

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
# Named URL patterns that are not pages, and why; a namespace stands for all its names.
NOT_PAGES = {
    "api": "the JSON API (atlas/api/tests)",
    "set_language": "a write: switches the language and redirects",
    "map-places": "map data (JSON)",
    "map-town": "map data (JSON)",
    "map-basemap": "map data (JSON)",
    "export": "a download (CSV, GeoJSON)",
    "export-file": "a download (CSV, GeoJSON)",
    "accounts-logout": "a write: logs out and redirects",
    "accounts-data": "a download (JSON)",
    "accounts-decide": "a write (POST only)",
    "search-suggest": "a fragment of the search page (htmx)",
    "board-feed": "a feed (Atom)",
    "board-search-save": "a write (POST only)",
    "board-search-delete": "a write (POST only)",
    "board-close": "a write (POST only)",
    "board-interest": "a write (POST only)",
    "board-moderate": "a write (POST only)",
    "insights-revival-csv": "a download (CSV)",
    "insights-revival-countries-csv": "a download (CSV)",
    "insights-csv": "a download (CSV)",
    "insights-country-csv": "a download (CSV)",
    "edit-revert": "a write (POST only)",
    "edit-restore": "a write (POST only)",
    "edit-proposal-confirm": "a write (POST only)",
    "edit-proposal-refuse": "a write (POST only)",
    "edit-proposal-withdraw": "a write (POST only)",
    "edit-partnership-end": "a write (POST only)",
    "edit-activity-delete": "a write (POST only)",
    "conflict-decide": "a write (POST only)",
}


def url_names(patterns=None, namespace: str = "") -> list[str]:
    """Every named URL pattern of the site (Django's admin aside), as reverse() takes it."""
    names = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name != "admin":
                prefix = f"{pattern.namespace}:" if pattern.namespace else namespace
                names += url_names(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append(namespace + pattern.name)
    return names


def is_page(name: str) -> bool:
    return name not in NOT_PAGES and name.split(":")[0] not in NOT_PAGES


def h1_count(html: str) -> int:
    return len(re.findall(r"<h1[\s>]", html))


@pytest.fixture
def samples(personas, kamnik_world) -> dict[str, tuple[str, list, list[str]]]:
    """For each page: the persona who opens it, its URL arguments, and its query strings."""
    kamnik, trofaiach = kamnik_world["kamnik"], kamnik_world["trofaiach"]
    slug, coordinator = kamnik.slug, personas["coordinator"]
    partnership = Partnership.objects.get(municipality_a=kamnik, municipality_b=trofaiach)
    activity = make_activity(partnership, title="Choir festival")
    membership = kamnik.memberships.get()
    project_partner = kamnik_world["project"].partners.get()
    entry = make_board_entry(kamnik, coordinator, title="Kamnik seeks a twin town")
    conversation = entry.conversations.create(
        interested=personas["other_coordinator"], interested_municipality=trofaiach
    )
    pending = PendingSignUp.objects.create(
        email="ana@example.org", name="Ana", password=make_password("x"), language="en"
    )
    DatasetConflict.objects.create(
        content_type=ContentType.objects.get_for_model(Partnership),
        object_id=str(partnership.pk),
        label=str(partnership),
        municipality=kamnik,
        other_municipality=trofaiach,
        field="status",
        dataset_value="dormant",
        site_value="ended",
        site_set_by=coordinator,
    )
    return {
        # Everyone's pages
        "home": ("anonymous", [], [""]),
        "search": ("anonymous", [], ["?q=kamnik"]),
        "municipality": ("anonymous", [slug], [""]),
        "networks": ("anonymous", [], [""]),
        "network": ("anonymous", [kamnik_world["network"].slug], [""]),
        "partnerships": ("anonymous", [], [""]),
        "partnership": ("anonymous", [partnership.pk], [""]),
        "projects": ("anonymous", [], [""]),
        "project": ("anonymous", [kamnik_world["project"].slug], [""]),
        "countries": ("anonymous", [], [""]),
        "country": ("anonymous", ["si"], [""]),
        "about-data": ("anonymous", [], [""]),
        "downloads": ("anonymous", [], [""]),
        "api-docs": ("anonymous", [], [""]),
        "map": ("anonymous", [], [""]),
        "suggested-partners": ("anonymous", [slug], [""]),
        "network-builder": ("anonymous", [], ["", f"?town={slug}"]),
        "widget": ("anonymous", [slug], [""]),
        "insights": ("anonymous", [], [""]),
        "insights-country": ("anonymous", ["si"], [""]),
        "insights-network": ("anonymous", [], [""]),
        "insights-coverage": ("anonymous", [], [""]),
        "insights-revival": ("anonymous", [], [""]),
        "board": ("coordinator", [], [""]),
        "board-entry": ("coordinator", [entry.pk], [""]),
        # Accounts
        "accounts-signup": ("anonymous", [], [""]),
        "accounts-signup-sent": ("anonymous", [], [""]),
        "accounts-confirm": ("anonymous", [confirmation_token(pending)], [""]),
        "accounts-login": ("anonymous", [], [""]),
        "password_reset": ("anonymous", [], [""]),
        "password_reset_done": ("anonymous", [], [""]),
        "password_reset_confirm": ("anonymous", ["MQ", "set-password"], [""]),
        "password_reset_complete": ("anonymous", [], [""]),
        "account": ("admin", [], [""]),
        "accounts-password-change": ("coordinator", [], [""]),
        "accounts-delete": ("admin", [], [""]),
        "accounts-request-role": ("other_coordinator", [slug], [""]),
        "accounts-requests": ("admin", [], [""]),
        # The board of a coordinator and of its moderators
        "board-new": ("coordinator", [], [""]),
        "board-mine": ("coordinator", [], [""]),
        "board-inbox": ("coordinator", [], [""]),
        "board-searches": ("coordinator", [], [""]),
        "board-edit": ("coordinator", [entry.pk], [""]),
        "board-report": ("coordinator", [entry.pk], [""]),
        "board-suggestions": ("coordinator", [entry.pk], [""]),
        "board-conversation": ("coordinator", [conversation.pk], [""]),
        "board-moderation": ("admin", [], [""]),
        # Editing a town
        "edit-municipality": ("coordinator", [slug], [""]),
        "edit-profile": ("coordinator", [slug], [""]),
        "edit-memberships": ("coordinator", [slug], [""]),
        "edit-membership": ("coordinator", [slug, membership.pk], [""]),
        "edit-membership-delete": ("coordinator", [slug, membership.pk], [""]),
        "edit-projects": ("coordinator", [slug], [""]),
        "edit-project": ("coordinator", [slug, project_partner.pk], [""]),
        "edit-project-delete": ("coordinator", [slug, project_partner.pk], [""]),
        "edit-history": ("coordinator", [slug], [""]),
        "edit-partnerships": ("coordinator", [slug], [""]),
        "edit-partnership-propose": ("coordinator", [slug], [""]),
        "edit-partnership": ("coordinator", [slug, partnership.pk], [""]),
        "edit-partnership-delete": ("coordinator", [slug, partnership.pk], [""]),
        "edit-activities": ("coordinator", [slug, partnership.pk], [""]),
        "edit-activity": ("coordinator", [slug, partnership.pk, activity.pk], [""]),
        "conflicts": ("admin", [], [""]),
    }


@pytest.mark.parametrize("name", [name for name in url_names() if is_page(name)])
def test_every_page_answers_with_one_h1_in_each_language(samples, personas, name):
    if name not in samples:
        pytest.fail(f"No sample for the page {name!r}: add one to `samples`, or to NOT_PAGES")
    persona, args, queries = samples[name]
    client = client_as(personas, persona)
    for language in LANGUAGES:
        with translation.override(language):
            address = reverse(name, args=args)
        for query in queries:
            response = client.get(address + query)
            assert response.status_code == 200, f"{address}{query}"
            html = response.content.decode()
            assert h1_count(html) == 1, f"{address}{query}"
            assert f'<html lang="{language}">' in html, f"{address}{query}"


def test_every_sample_and_every_exception_names_a_url_of_the_site(samples):
    names = set(url_names())
    assert set(samples) <= names
    assert set(NOT_PAGES) <= names | {name.split(":")[0] for name in names}
