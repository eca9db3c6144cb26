"""A coordinator in a real browser: edits Kamnik's profile, sees it on the public page,
opens the history and reverts the change."""

import pytest
from playwright.sync_api import expect

from conftest import DEFAULT_PASSWORD, make_coordinator, make_theme

pytestmark = pytest.mark.browser


def log_in(page, email, password):
    page.goto("/en/account/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("h1")).to_have_text("Your account")


def test_a_coordinator_edits_the_profile_and_reverts_the_change(page, kamnik_world, artefacts_dir):
    kamnik = kamnik_world["kamnik"]
    make_theme("youth", "Youth")
    make_coordinator("ana@kamnik.si", kamnik, position="International cooperation")
    log_in(page, "ana@kamnik.si", DEFAULT_PASSWORD)

    page.goto(kamnik.get_absolute_url())
    page.get_by_role("link", name="Edit Kamnik").click()
    expect(page.locator("h1")).to_have_text("Edit Kamnik")
    page.get_by_role("link", name="Profile", exact=True).first.click()
    page.get_by_label("Description").fill("A town under the Kamnik Alps, with a music school.")
    page.get_by_label("Slovenian").check()
    page.get_by_label("German").check()
    page.get_by_label("Youth").check()
    page.get_by_label("What we look for").fill("A partner for youth exchanges.")
    page.get_by_label("Contact person").fill("Ana Novak")
    page.screenshot(path=artefacts_dir / "editing-profile-form.png", full_page=True)
    page.get_by_role("button", name="Save the profile").click()

    expect(page.locator(".messages")).to_contain_text("The profile is saved.")
    profile = page.locator("section.profile")
    expect(profile).to_contain_text("A town under the Kamnik Alps, with a music school.")
    expect(profile).to_contain_text("German, Slovenian")
    expect(profile).to_contain_text("Youth")
    expect(profile).to_contain_text("Ana Novak")  # coordinators see the contact

    page.get_by_role("link", name="Edit Kamnik").click()
    page.get_by_role("link", name="History").first.click()
    change = page.locator(".change").first
    expect(change).to_contain_text("A town under the Kamnik Alps")
    expect(change).to_contain_text("Languages spoken by the office")
    page.screenshot(path=artefacts_dir / "editing-history.png", full_page=True)
    change.get_by_role("button", name="Revert").click()

    expect(page.locator(".messages")).to_contain_text("The change is reverted")
    expect(page.locator(".change").nth(1)).to_contain_text("This change has been reverted.")
    page.goto(kamnik.get_absolute_url())
    expect(page.locator("body")).not_to_contain_text("A town under the Kamnik Alps")
