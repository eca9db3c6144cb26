"""Every kind of page in a real browser under the site's Content-Security-Policy and axe.

The `page` fixture fails a test on any console error, Content-Security-Policy violation
or failed request; each test here also checks that the page's behaviour works under the
policy (the map draws its points, charts show, forms submit) and that axe (WCAG 2.1 A
and AA) finds nothing."""

import pytest
from playwright.sync_api import expect

from conftest import (
    DEFAULT_PASSWORD,
    assert_no_axe_violations,
    make_board_entry,
    make_coordinator,
    make_theme,
)

pytestmark = pytest.mark.browser

MAP_READY = 'atlas-map[data-state="ready"]'


def log_in(page, email: str) -> None:
    page.goto("/en/account/login/")
    assert_no_axe_violations(page)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("h1")).to_have_text("Your account")


def test_the_home_page(page, kamnik_world):
    page.goto("/en/")

    expect(page.locator("h1")).to_have_count(1)
    assert_no_axe_violations(page)


def test_the_search_page_and_its_suggestions(page, kamnik_world):
    page.goto("/en/search/?q=kamnik")

    expect(page.locator("main")).to_contain_text("Kamnik")
    assert_no_axe_violations(page)


def test_a_municipality_page_draws_its_map(page, kamnik_world):
    page.goto(kamnik_world["kamnik"].get_absolute_url())

    page.wait_for_selector(MAP_READY)
    # The town's map draws its lines to both partners. (Playwright's string predicates,
    # as in wait_for_function("…"), are eval'ed in the page, which the policy forbids.)
    expect(page.locator("atlas-map")).to_have_attribute("data-lines", "2")
    assert_no_axe_violations(page)


def test_the_partnership_list(page, kamnik_world):
    page.goto("/en/partnerships/")

    expect(page.locator("main")).to_contain_text("Trofaiach")
    assert_no_axe_violations(page)


def test_the_map_page_draws_points_and_answers_a_click(page, kamnik_world):
    page.goto("/en/map/?lat=47&lon=13.5&zoom=6")
    page.wait_for_selector(MAP_READY)
    element = page.locator("atlas-map")
    assert element.get_attribute("data-drawn") == "3"

    kamnik = kamnik_world["kamnik"]
    point = page.evaluate(f"document.querySelector('atlas-map').pagePointOf({kamnik.pk})")
    page.mouse.click(point["x"], point["y"])

    expect(element).to_have_attribute("data-lines", "2")
    expect(page.locator(".map-town-name")).to_have_text("Kamnik")
    assert_no_axe_violations(page)


def test_the_insights_show_their_charts(page, kamnik_world):
    page.goto("/en/insights/")

    expect(page.locator("svg[role=img]").first).to_be_visible()
    assert_no_axe_violations(page)


def test_the_board_list_and_an_entry(page, personas, kamnik_world):
    entry = make_board_entry(kamnik_world["kamnik"], personas["coordinator"])
    page.goto("/en/board/")
    expect(page.locator("main")).to_contain_text(entry.title)
    assert_no_axe_violations(page)

    page.get_by_role("link", name=entry.title).click()
    expect(page.locator("h1")).to_have_text(entry.title)
    assert_no_axe_violations(page)


def test_the_api_documentation(page, kamnik_world):
    page.goto("/en/about/data/api/")

    expect(page.locator("h1")).to_have_count(1)
    assert_no_axe_violations(page)


def test_the_account_page_when_signed_in(page, personas):
    log_in(page, "coordinator@kamnik.si")

    assert_no_axe_violations(page)


def test_the_editing_forms_of_a_coordinator(page, kamnik_world):
    kamnik = kamnik_world["kamnik"]
    make_theme("youth", "Youth")
    make_coordinator("ana@kamnik.si", kamnik)
    log_in(page, "ana@kamnik.si")
    base = f"/en/municipalities/{kamnik.slug}/edit/"

    for address in (base, f"{base}profile/", f"{base}partnerships/", f"{base}history/"):
        page.goto(address)
        expect(page.locator("h1")).to_have_count(1)
        assert_no_axe_violations(page)

    page.goto(f"{base}profile/")
    page.get_by_label("Description").fill("A town under the Kamnik Alps.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_be_visible()


def test_the_board_s_entry_form(page, personas, kamnik_world):
    log_in(page, "coordinator@kamnik.si")
    page.goto("/en/board/new/")

    expect(page.locator("form textarea")).to_have_count(1)
    assert_no_axe_violations(page)
