"""The insights in a real browser: a chart with its table, the CSV download, keyboard, print."""

import csv
import io

import pytest

from atlas.insights.tests.conftest import grow

pytestmark = pytest.mark.browser


def test_a_chart_has_its_table_beside_it_and_its_csv_downloads(page, world, artefacts_dir):
    grow(world, 12)
    page.goto("/en/insights/")

    figure = page.locator("figure#countries")
    chart = figure.locator("svg[role=img]").first
    assert chart.is_visible()
    title_id = chart.get_attribute("aria-labelledby").split()[0]
    assert page.locator(f"[id='{title_id}']").text_content() == (
        "Share of municipalities with at least one partner"
    )
    table = figure.locator("table")
    assert table.locator("caption").text_content() == "Municipalities with partners, per country"
    assert table.locator("tbody tr").count() == 9  # SI, AT, DE and the six grown countries
    slovenia = table.locator("tbody tr").filter(has=page.locator("th", has_text="Slovenia"))
    assert "66.7\xa0%" in slovenia.text_content()

    with page.expect_download() as download_info:
        figure.get_by_role("link", name="Download this table as CSV").click()
    download = download_info.value
    assert download.suggested_filename == "insights-countries.csv"
    rows = list(csv.DictReader(io.StringIO(download.path().read_text(encoding="utf-8"))))
    assert {row["country"] for row in rows} >= {"SI", "AT", "DE"}

    figure.screenshot(path=artefacts_dir / "insights-figure-browser-test.png")


def test_the_data_tables_can_be_reached_and_scrolled_from_the_keyboard(page, world):
    grow(world, 40)
    page.goto("/en/insights/network/")

    region = page.locator("#towns .insight-table")
    region.focus()
    assert page.evaluate("document.activeElement.getAttribute('role')") == "region"
    page.keyboard.press("End")
    # The browser may scroll smoothly: wait for it rather than read the first frame. (A
    # promise rather than wait_for_function, whose string predicate the page's
    # Content-Security-Policy forbids as eval.)
    scrolled = page.evaluate(
        """() => new Promise((resolve) => {
            const table = document.querySelector('#towns .insight-table');
            if (table.scrollTop > 0) resolve(table.scrollTop);
            table.addEventListener('scroll', () => resolve(table.scrollTop), {once: true});
        })"""
    )
    assert scrolled > 0


def test_printing_shows_every_table_whole_and_hides_the_navigation(page, world):
    grow(world, 40)
    page.goto("/en/insights/")
    page.emulate_media(media="print")

    assert page.locator(".insights-nav").is_hidden()
    assert page.locator(".insight-download").first.is_hidden()
    overflow = page.locator("#countries .insight-table").evaluate(
        "element => getComputedStyle(element).overflow"
    )
    assert overflow == "visible"
    assert page.locator("#decades svg .chart-unknown").count() == 1
