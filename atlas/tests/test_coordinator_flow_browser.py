"""The whole way, in a real browser, as the issue tells it: the coordinator of a Slovak
village signs up, claims the village and is approved by the national association's
staff; edits the profile; posts a request for a partner of similar size for culture and
youth, which staff approve as the first entry of a new poster; gets suggestions with
reasons; a coordinator elsewhere finds the request and writes; the first reads it in the
inbox. No page shows anyone's e-mail address."""

import re
from datetime import timedelta

import pytest
from django.utils.timezone import localdate
from playwright.sync_api import expect

from conftest import (
    DEFAULT_PASSWORD,
    make_coordinator,
    make_municipality,
    make_staff,
    make_theme,
)

pytestmark = pytest.mark.browser
PASSWORD = "a long and unusual passphrase"
EMAILS = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def log_in(page, email, password=DEFAULT_PASSWORD):
    page.goto("/en/account/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("h1")).to_have_text("Your account")


def log_out(page):
    page.get_by_role("button", name="Log out").click()


def assert_no_email_address_in(page):
    found = EMAILS.findall(page.locator("main").inner_text())
    assert not found, found


def test_a_village_coordinator_finds_a_partner_in_one_sitting(page, mailoutbox, artefacts_dir):
    village = make_municipality(
        "Lednické Rovne", "SK", population=4000, latitude=49.07, longitude=18.28
    )
    make_municipality("Vrbno pod Pradědem", "CZ", population=5000, latitude=50.12, longitude=17.38)
    make_municipality("Bad Radkersburg", "AT", population=3100, latitude=46.69, longitude=15.99)
    trofaiach = make_municipality(
        "Trofaiach", "AT", population=11000, latitude=47.42, longitude=15.0
    )
    make_theme("culture", "Culture")
    make_theme("youth", "Youth")
    make_staff("staff@zmos.sk", country="SK")
    make_coordinator("coordinator@trofaiach.at", trofaiach)

    # Sign up, confirm the address, claim the village.
    page.goto("/en/account/signup/")
    page.get_by_label("Your name").fill("Eva Horváthová")
    page.get_by_label("E-mail address").fill("eva@lednickerovne.sk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    link = re.search(r"https?://\S+", mailoutbox[-1].body)
    assert link, mailoutbox[-1].body
    page.goto("/" + link.group(0).split("/", 3)[3])
    page.get_by_role("button", name="Confirm my address").click()
    log_in(page, "eva@lednickerovne.sk", PASSWORD)
    page.goto(village.get_absolute_url())
    page.get_by_role("link", name="Ask to coordinate Lednické Rovne").click()
    page.get_by_label("Your position at the municipality").fill("Mayor's office")
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator(".messages")).to_contain_text("Your request to coordinate")
    log_out(page)

    # The association's staff approve.
    log_in(page, "staff@zmos.sk")
    page.goto("/en/account/requests/")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".messages")).to_contain_text("now coordinates Lednické Rovne")
    log_out(page)

    # The profile.
    log_in(page, "eva@lednickerovne.sk", PASSWORD)
    page.goto(village.get_absolute_url())
    page.get_by_role("link", name="Edit Lednické Rovne").click()
    page.get_by_role("link", name="Profile", exact=True).first.click()
    page.get_by_label("Description").fill("A village by the Váh, known for its glassworks.")
    page.get_by_label("Slovak").check()
    page.get_by_label("German").check()
    page.get_by_role("button", name="Save the profile").click()
    page.goto(village.get_absolute_url())
    expect(page.locator("main")).to_contain_text("known for its glassworks")

    # The request: a partner of similar size, for culture and youth.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Partner search").click()
    page.get_by_role("link", name="Post an entry").first.click()
    page.get_by_label("Request").check()
    page.get_by_label("Purpose").select_option("twinning")
    page.get_by_label("Title").fill("Village of 4,000 seeks a partner for culture and youth")
    page.get_by_label("Describe what you seek or offer").fill(
        "Our folk ensemble and youth club would like to meet a village of our size."
    )
    page.get_by_label("Culture").check()
    page.get_by_label("Youth").check()
    page.get_by_label("Partner population from").fill("2000")
    page.get_by_label("Partner population up to").fill("8000")
    page.get_by_label("Deadline").fill((localdate() + timedelta(days=90)).isoformat())
    page.get_by_role("button", name="Post the entry").click()
    expect(page.locator("main")).to_contain_text("waits for association staff to approve it")
    entry_url = page.url
    log_out(page)

    log_in(page, "staff@zmos.sk")
    page.goto(entry_url)
    page.get_by_role("button", name="Approve").click()
    log_out(page)

    # Suggestions with reasons.
    log_in(page, "eva@lednickerovne.sk", PASSWORD)
    page.goto(entry_url)
    page.get_by_role("link", name="Suggested partners for this entry of Lednické Rovne").click()
    suggestions = page.locator(".suggestion-results")
    expect(suggestions).to_contain_text("Vrbno pod Pradědem")
    expect(suggestions).to_contain_text("similar size")
    expect(suggestions).not_to_contain_text("Trofaiach")  # 11,000: over the wished size
    page.screenshot(path=artefacts_dir / "flow-suggestions.png", full_page=True)
    log_out(page)

    # A coordinator elsewhere finds the request and writes.
    log_in(page, "coordinator@trofaiach.at")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Partner search").click()
    page.get_by_label("Area of cooperation").select_option(label="Youth")
    page.get_by_role("button", name="Show entries").click()
    page.get_by_role("link", name="Village of 4,000 seeks a partner for culture and youth").click()
    assert_no_email_address_in(page)
    page.get_by_role("link", name="Write to Lednické Rovne").click()
    page.get_by_label("Your message").fill("Our youth brass band would love to visit.")
    page.get_by_role("button", name="Send the message").click()
    expect(page.locator(".messages")).to_contain_text("Your message is sent")
    assert_no_email_address_in(page)
    log_out(page)

    # The village reads it in the inbox.
    log_in(page, "eva@lednickerovne.sk", PASSWORD)
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Inbox").click()
    expect(page.locator(".conversation-item")).to_contain_text("1 unread")
    page.locator(".conversation-item").get_by_role("link").click()
    expect(page.locator(".message-list")).to_contain_text("youth brass band would love to visit")
    assert_no_email_address_in(page)
    page.screenshot(path=artefacts_dir / "flow-conversation.png", full_page=True)
    notice = mailoutbox[-1]
    assert notice.to == ["eva@lednickerovne.sk"]
    assert "coordinator@trofaiach.at" not in notice.body + str(notice.extra_headers)
