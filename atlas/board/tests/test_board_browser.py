"""The board in a real browser: filter the list, express interest in an entry, and the
author finds the message in their inbox."""

import pytest
from playwright.sync_api import expect

from atlas.board.models import Entry
from conftest import DEFAULT_PASSWORD, make_board_entry

pytestmark = pytest.mark.browser


def log_in(page, email, password=DEFAULT_PASSWORD):
    page.goto("/en/account/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("h1")).to_have_text("Your account")


def test_a_coordinator_finds_an_entry_writes_and_the_author_reads_it_in_the_inbox(
    page, personas, kamnik_world, mailoutbox, artefacts_dir
):
    make_board_entry(
        kamnik_world["kamnik"],
        personas["coordinator"],
        title="Kamnik seeks a twin town for youth exchanges",
        text="We are an Alpine town of 30,000 with a strong youth council.",
        working_languages=["sl", "en", "de"],
    )
    make_board_entry(
        kamnik_world["andechs"],
        personas["admin"],
        title="Andechs offers a summer camp",
        kind=Entry.Kind.OFFER,
        purpose="school_youth",
    )

    log_in(page, "coordinator@trofaiach.at")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Partner search").click()
    expect(page.locator(".entry-item")).to_have_count(2)
    page.get_by_label("Kind").select_option(label="Requests: partner sought")
    page.get_by_role("button", name="Show entries").click()
    expect(page.locator(".entry-item")).to_have_count(1)
    expect(page.locator(".entry-list")).not_to_contain_text("Andechs")
    page.screenshot(path=artefacts_dir / "board-list.png", full_page=True)

    page.get_by_role("link", name="Kamnik seeks a twin town for youth exchanges").click()
    expect(page.locator("h1")).to_have_text("Kamnik seeks a twin town for youth exchanges")
    page.screenshot(path=artefacts_dir / "board-entry.png", full_page=True)
    page.get_by_role("link", name="Write to Kamnik").click()
    message = page.get_by_label("Your message")
    message.fill("Trofaiach would like to send a youth group next summer.")
    expect(page.locator(".counter")).to_contain_text("Characters left")
    page.get_by_role("button", name="Send the message").click()
    expect(page.locator(".messages")).to_contain_text("Your message is sent")
    expect(page.locator(".message-list")).to_contain_text("send a youth group next summer")
    assert [m.to for m in mailoutbox] == [["coordinator@kamnik.si"]]
    page.get_by_role("button", name="Log out").click()

    log_in(page, "coordinator@kamnik.si")
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Inbox").click()
    conversation = page.locator(".conversation-item")
    expect(conversation).to_contain_text("Trofaiach wrote about your entry")
    expect(conversation).to_contain_text("1 unread")
    page.screenshot(path=artefacts_dir / "board-inbox.png", full_page=True)
    conversation.get_by_role("link").click()
    expect(page.locator(".message-list")).to_contain_text("send a youth group next summer")
    expect(page.locator("main")).not_to_contain_text("coordinator@trofaiach.at")
    page.get_by_label("Your message").fill("Welcome! Let us talk in September.")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator(".message-item.mine")).to_contain_text("Let us talk in September")
    page.screenshot(path=artefacts_dir / "board-conversation.png", full_page=True)
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Inbox").click()
    expect(page.locator(".conversation-item")).not_to_contain_text("unread")
