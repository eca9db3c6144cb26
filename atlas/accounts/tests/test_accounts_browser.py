"""The way to a coordinator role in a real browser: sign up, confirm, log in, ask to
coordinate Kamnik; staff approve; the account page shows the role."""

import re

import pytest
from playwright.sync_api import expect

from conftest import DEFAULT_PASSWORD, make_staff

pytestmark = pytest.mark.browser
PASSWORD = "a long and unusual passphrase"


def log_in(page, email, password):
    page.goto("/en/account/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_a_new_person_becomes_coordinator_of_kamnik(page, kamnik_world, mailoutbox, artefacts_dir):
    make_staff("staff@skupnostobcin.si", country="SI")

    page.goto("/en/account/signup/")
    page.get_by_label("Your name").fill("Ana Novak")
    page.get_by_label("E-mail address").fill("ana@kamnik.si")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator("h1")).to_have_text("Check your e-mail")

    link = re.search(r"https?://\S+", mailoutbox[-1].body)
    assert link, mailoutbox[-1].body
    page.goto("/" + link.group(0).split("/", 3)[3])
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.locator(".messages")).to_contain_text("your e-mail address is confirmed")

    log_in(page, "ana@kamnik.si", PASSWORD)
    expect(page.locator("h1")).to_have_text("Your account")
    page.goto(kamnik_world["kamnik"].get_absolute_url())
    page.get_by_role("link", name="Ask to coordinate Kamnik").click()
    page.get_by_label("Your position at the municipality").fill("International cooperation")
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator(".messages")).to_contain_text("Your request to coordinate Kamnik is sent")
    page.get_by_role("button", name="Log out").click()

    log_in(page, "staff@skupnostobcin.si", DEFAULT_PASSWORD)
    page.goto("/en/account/requests/")
    expect(page.locator(".request")).to_contain_text("Ana Novak")
    page.screenshot(path=artefacts_dir / "accounts-request-queue.png", full_page=True)
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".messages")).to_contain_text("ana@kamnik.si now coordinates Kamnik")
    page.get_by_role("button", name="Log out").click()

    log_in(page, "ana@kamnik.si", PASSWORD)
    roles = page.locator(".roles")
    expect(roles).to_contain_text("Kamnik")
    expect(roles).to_contain_text("approved")
    page.screenshot(path=artefacts_dir / "accounts-account.png", full_page=True)
