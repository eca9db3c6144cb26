"""Suggested partners in a real browser: switching a factor re-ranks the list."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_switching_a_factor_changes_the_order_of_kamniks_suggestions(
    page, match_world, artefacts_dir
):
    kamnik = match_world["kamnik"]
    page.goto(f"/en/municipalities/{kamnik.slug}/partners/suggested/")
    first = page.locator(".suggestion-list > li > a").first
    before = first.text_content()
    assert before != "Tavira"

    page.get_by_label("Partners of partners").select_option("0")
    page.get_by_label("Far away").select_option("3")

    # The form submits itself on change; the farthest town of the same size leads.
    expect(page).to_have_url(re.compile(r"far=3"))
    expect(first).to_have_text("Tavira")
    assert page.locator(".suggestion-list > li > a").all_text_contents()[0] != before
    page.screenshot(path=artefacts_dir / "matchmaking-suggestions.png", full_page=True)
