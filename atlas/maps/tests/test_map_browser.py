"""The interactive map in a real browser (Chromium through Playwright). The `page` fixture
fails a test on any console error or failed request, so these also prove that the map
makes no request to another host."""

import re

import pytest
from playwright.sync_api import expect

from atlas.directory.models import DataStamp
from conftest import make_municipality, make_partnership

pytestmark = pytest.mark.browser

READY = 'atlas-map[data-state="ready"]'


def open_map(page, address: str = "/en/map/"):
    page.goto(address)
    page.wait_for_selector(READY)
    return page.locator("atlas-map")


def click_place(page, town):
    point = page.evaluate(f"document.querySelector('atlas-map').pagePointOf({town.pk})")
    assert point, f"{town} is on the map"
    page.mouse.click(point["x"], point["y"])


def panel_partners(page) -> list[str]:
    return page.locator(".map-partners > li > a").all_inner_texts()


def listed_names(page) -> list[str]:
    return page.locator("#map-list tbody th a").all_inner_texts()


def test_the_map_draws_every_place_without_errors(page, kamnik_world, artefacts_dir):
    element = open_map(page)

    assert element.get_attribute("data-points") == "3"
    assert element.get_attribute("data-drawn") == "3"
    expect(page.locator(".map-status")).to_have_text("Places on the map: 3")
    expect(page.locator(".atlas-legend")).to_be_visible()
    page.screenshot(path=artefacts_dir / "map.png")


def test_clicking_kamnik_draws_its_lines_and_lists_its_partners(page, kamnik_world, artefacts_dir):
    kamnik = kamnik_world["kamnik"]
    element = open_map(page, "/en/map/?lat=47&lon=13.5&zoom=6")

    click_place(page, kamnik)

    expect(element).to_have_attribute("data-lines", "2")
    expect(page.locator(".map-town-name")).to_have_text("Kamnik")
    assert panel_partners(page) == ["Andechs", "Trofaiach"]
    expect(page.locator(".map-partners")).to_contain_text("since 1999")
    expect(page.locator(".map-selection a", has_text="Open the page").first).to_have_attribute(
        "href", kamnik.get_absolute_url()
    )
    assert f"town={kamnik.pk}" in page.url
    # The list beside the map now lists the same partners.
    expect(page.locator("#map-list h2")).to_have_text("Partners of Kamnik")
    assert listed_names(page) == ["Andechs", "Trofaiach"]
    page.screenshot(path=artefacts_dir / "map-kamnik.png")


def test_hovering_a_place_shows_its_name(page, kamnik_world):
    open_map(page, "/en/map/?lat=47&lon=13.5&zoom=6")
    point = page.evaluate(
        f"document.querySelector('atlas-map').pagePointOf({kamnik_world['trofaiach'].pk})"
    )

    page.mouse.move(point["x"], point["y"])

    expect(page.locator(".atlas-tooltip")).to_contain_text("Trofaiach")


def test_a_filter_changes_the_map_the_list_and_the_address(page, kamnik_world):
    element = open_map(page)

    page.select_option("#id_country", "AT")

    expect(element).to_have_attribute("data-points", "1")
    expect(page).to_have_url(re.compile(r"country=AT"))
    expect(page.locator("#map-list tbody th a")).to_have_text(["Trofaiach"])

    page.select_option("#id_status", "ended")

    expect(element).to_have_attribute("data-points", "0")
    expect(page.locator(".map-status")).to_have_text("No place matches these filters.")
    expect(page.locator("#map-list")).to_contain_text("No place matches these filters.")


def test_the_address_restores_the_view(page, kamnik_world):
    kamnik = kamnik_world["kamnik"]
    element = open_map(page, f"/en/map/?country=SI&town={kamnik.pk}&lat=46.5&lon=14.25&zoom=8")

    view = page.evaluate(
        "(() => { const m = document.querySelector('atlas-map').map;"
        " return {lat: m.getCenter().lat, lon: m.getCenter().lng, zoom: m.getZoom()}; })()"
    )
    assert view["zoom"] == 8
    assert round(view["lat"], 2) == 46.5 and round(view["lon"], 2) == 14.25
    assert page.input_value("#id_country") == "SI"
    expect(element).to_have_attribute("data-points", "1")
    expect(element).to_have_attribute("data-lines", "2")
    assert panel_partners(page) == ["Andechs", "Trofaiach"]


def test_moving_the_map_keeps_the_view_in_the_address(page, kamnik_world):
    open_map(page)

    page.locator(".leaflet-control-zoom-in").click()

    expect(page).to_have_url(re.compile(r"zoom=5"))
    assert re.search(r"lat=[-\d.]+&lon=[-\d.]+", page.url)


def test_the_list_shows_exactly_the_places_on_the_map(page, kamnik_world):
    open_map(page)

    on_map = page.evaluate("document.querySelector('atlas-map').places.name")

    assert sorted(listed_names(page)) == sorted(on_map) == ["Andechs", "Kamnik", "Trofaiach"]


def test_a_town_is_found_by_its_name_without_accents(page, kamnik_world):
    make_partnership(
        make_municipality("Škofja Loka", "SI", latitude=46.17, longitude=14.31),
        kamnik_world["trofaiach"],
    )
    DataStamp.touch()
    element = open_map(page)

    page.fill("#map-picker", "skofja")
    expect(page.locator("#map-picker-options [role=option]")).to_have_count(1)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")

    expect(element).to_have_attribute("data-lines", "1")
    expect(page.locator(".map-town-name")).to_have_text("Škofja Loka")
    page.fill("#map-picker", "zzzz")
    expect(page.locator(".map-picker-none")).to_be_visible()


def test_a_list_link_selects_the_town_on_the_map(page, kamnik_world):
    element = open_map(page)

    page.locator(f"#map-list [data-map-select='{kamnik_world['kamnik'].pk}']").click()

    expect(element).to_have_attribute("data-lines", "2")
    page.locator(".map-selection button", has_text="Clear the selection").click()
    expect(page.locator("#map-list h2")).to_have_text("Places on the map")
    assert "town=" not in page.url


def test_hostile_names_are_shown_as_text(page, kamnik_world):
    hostile = '<img src=x onerror="document.title=1">'
    evil = make_municipality(hostile, "SI", latitude=46.0, longitude=14.0)
    make_partnership(evil, kamnik_world["kamnik"])
    DataStamp.touch()
    open_map(page, f"/en/map/?town={kamnik_world['kamnik'].pk}")

    expect(page.locator(".map-partners")).to_contain_text(hostile)
    assert page.locator(".map-selection img").count() == 0


def test_the_municipality_page_draws_the_town_and_its_partners(page, kamnik_world, artefacts_dir):
    page.goto(kamnik_world["kamnik"].get_absolute_url())
    element = page.locator(READY)
    expect(element).to_have_attribute("data-lines", "2")
    assert page.locator(".map-fallback").is_hidden()
    page.screenshot(path=artefacts_dir / "municipality-kamnik.png", full_page=True)


def test_network_and_country_pages_draw_their_places(page, kamnik_world):
    page.goto(kamnik_world["network"].get_absolute_url())
    expect(page.locator(READY)).to_have_attribute("data-points", "1")

    page.goto("/en/countries/si/")
    expect(page.locator(READY)).to_have_attribute("data-points", "1")
