"""The search box's autocomplete in a real browser: typing, the keyboard, and no JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from atlas.directory.models import MunicipalityName
from conftest import make_municipality

pytestmark = pytest.mark.browser


@pytest.fixture
def villach(kamnik_world):
    villach = make_municipality("Villach", "AT", population=62882, nuts3="AT211")
    MunicipalityName.objects.create(
        municipality=villach,
        name="Beljak",
        language="sl",
        search_key="beljak",
        source=villach.source,
    )
    make_municipality("Beljanica", "RS", population=300)
    return villach


def test_typing_belj_offers_villach_and_the_keyboard_opens_it(page, villach, artefacts_dir):
    page.goto("/en/")
    box = page.locator("#header-q")
    box.press_sequentially("belj", delay=40)

    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    options = listbox.get_by_role("option")
    # A place whose own name starts with "belj" comes first, then Villach by its other name.
    expect(options.nth(0)).to_contain_text("Beljanica")
    villach_option = options.nth(1)
    expect(villach_option).to_contain_text("Villach")
    expect(villach_option).to_contain_text("(Beljak)")
    expect(villach_option).to_contain_text("Austria")
    expect(box).to_have_attribute("aria-expanded", "true")
    page.screenshot(path=artefacts_dir / "search-autocomplete.png")

    box.press("ArrowDown")
    box.press("ArrowDown")
    expect(villach_option).to_have_attribute("aria-selected", "true")
    expect(options.nth(0)).to_have_attribute("aria-selected", "false")
    expect(box).to_have_attribute("aria-activedescendant", villach_option.get_attribute("id") or "")
    box.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(villach.get_absolute_url()) + "$"))
    expect(page.locator("h1")).to_have_text("Villach")


def test_escape_closes_the_suggestions_and_a_second_escape_clears_the_box(page, villach):
    page.goto("/en/")
    box = page.locator("#header-q")
    box.press_sequentially("belj", delay=40)
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()

    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("belj")
    box.press("Escape")
    expect(box).to_have_value("")


def test_the_arrow_keys_wrap_through_the_options_and_back_to_the_box(page, villach):
    page.goto("/en/")
    box = page.locator("#header-q")
    box.press_sequentially("belj", delay=40)
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options.last).to_contain_text("All results for “belj”")
    expect(options).to_have_count(3)  # Beljanica, Villach, all results

    box.press("ArrowUp")  # from the box up to the last option
    expect(options.nth(2)).to_have_attribute("aria-selected", "true")
    box.press("ArrowDown")  # past the last option back to the box
    expect(box).not_to_have_attribute("aria-activedescendant", re.compile(".*"))
    box.press("ArrowDown")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    box.press("ArrowUp")
    box.press("ArrowUp")
    expect(options.nth(2)).to_have_attribute("aria-selected", "true")
    box.press("Enter")  # "All results for …" goes to the results page
    expect(page).to_have_url(re.compile(r"/en/search/\?q=belj$"))


def test_enter_without_a_chosen_option_searches(page, villach):
    page.goto("/en/")
    box = page.locator("#header-q")
    box.press_sequentially("beljak", delay=20)
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/en/search/\?q=beljak$"))
    expect(page.locator(".result-list a").first).to_have_text("Villach")


def test_a_click_on_a_suggestion_opens_it(page, villach):
    page.goto("/en/search/")
    box = page.locator("#search-q")
    box.press_sequentially("vilach", delay=20)
    option = page.get_by_role("option", name=re.compile("^Villach"))
    expect(option).to_be_visible()
    option.click()
    expect(page.locator("h1")).to_have_text("Villach")


def test_a_typo_is_answered_with_did_you_mean(page, villach):
    page.goto("/sl/")
    box = page.locator("#header-q")
    box.press_sequentially("trofaich", delay=20)
    header = page.locator(".header-search")
    options = header.get_by_role("listbox").get_by_role("option")
    # The place is offered itself, so no "did you mean" option repeats it.
    expect(options.first).to_contain_text("Trofaiach")
    expect(options).to_have_count(2)
    expect(header.get_by_role("status")).not_to_be_empty()


def test_a_hostile_name_is_shown_as_text(page, villach):
    make_municipality("<img src=x onerror=alert(1)> Town", "HR")
    page.goto("/en/")
    page.locator("#header-q").press_sequentially("img src", delay=20)
    option = page.get_by_role("listbox").get_by_role("option").first
    expect(option).to_contain_text("<img src=x onerror=alert(1)> Town")
    assert page.locator(".suggestions img").count() == 0


def test_without_javascript_the_form_still_searches(browser, live_server, villach):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/en/")
        page.locator("#header-q").fill("beljak")
        page.locator("#header-q").press("Enter")
        expect(page).to_have_url(re.compile(r"/en/search/\?q=beljak$"))
        expect(page.locator(".result-list a").first).to_have_text("Villach")
    finally:
        context.close()
