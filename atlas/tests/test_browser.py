"""Site-wide checks in a real browser (Chromium through Playwright)."""

import pytest

pytestmark = pytest.mark.browser


def test_the_home_page_renders_without_errors(page, kamnik_world):
    page.goto("/en/")

    assert page.locator("h1").count() == 1
    assert page.title()
