"""The board's behaviour: the list and its filters, expiry, the feed, posting with
moderation for new posters, editing without lost updates, closing, expressing interest and
the inbox, reports, saved searches and rate limits."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.timezone import localdate

from atlas.board.models import Conversation, Entry, Report, SavedSearch
from atlas.board.tests.conftest import entry_data
from atlas.directory.models import FundingProgramme, Theme
from conftest import client_as, make_board_entry, make_coordinator, make_municipality

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def listed(response) -> list[str]:
    return [entry.title for entry in response.context["page"]]


@pytest.fixture
def culture():
    return Theme.objects.create(
        slug="culture",
        name_en="Culture",
        name_sl="Kultura",
        name_sk="Kultúra",
        name_cs="Kultura",
        name_de="Kultur",
    )


# --- The list ------------------------------------------------------------------------------


def test_the_list_shows_open_published_entries_only(client, personas, kamnik_world, entry):
    author, kamnik = personas["coordinator"], kamnik_world["kamnik"]
    make_board_entry(kamnik, author, title="Pending", status=Entry.Status.PENDING)
    make_board_entry(kamnik, author, title="Hidden", status=Entry.Status.HIDDEN)
    make_board_entry(kamnik, author, title="Expired", deadline=localdate() - timedelta(days=1))
    make_board_entry(kamnik, author, title="Last day", deadline=localdate())
    closed = make_board_entry(kamnik, author, title="Closed")
    closed.close()

    response = client.get(reverse("board"))

    assert response.status_code == 200
    assert sorted(listed(response)) == ["Kamnik seeks a twin town", "Last day"]
    closed_list = client.get(reverse("board"), {"state": "closed"})
    assert sorted(listed(closed_list)) == ["Closed", "Expired"]
    everything = client.get(reverse("board"), {"state": "all"})
    assert len(listed(everything)) == 4


def test_an_entry_past_its_deadline_shows_as_closed(client, personas, kamnik_world):
    expired = make_board_entry(
        kamnik_world["kamnik"], personas["coordinator"], deadline=localdate() - timedelta(days=1)
    )

    page = client.get(expired.get_absolute_url()).content.decode()

    assert "entry-state-closed" in page
    assert "It takes no new interest." in page
    assert not expired.is_open


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"kind": "offer"}, ["Trofaiach offers"]),
        ({"purpose": "school_youth"}, ["Trofaiach offers"]),
        ({"theme": "culture"}, ["Kamnik seeks"]),
        ({"country": "AT"}, ["Trofaiach offers"]),
        ({"wished_country": "DE"}, ["Kamnik seeks", "Trofaiach offers"]),  # none named: any
        ({"wished_country": "AT"}, ["Trofaiach offers"]),
        ({"size": "large"}, ["Kamnik seeks"]),  # Kamnik has 30,000 inhabitants
        ({"size": "medium"}, ["Trofaiach offers"]),
        ({"language": "sl"}, ["Kamnik seeks"]),
        ({"language": "de"}, ["Kamnik seeks", "Trofaiach offers"]),
        ({"kind": "request", "country": "AT"}, []),
    ],
)
def test_the_list_filters(client, personas, kamnik_world, culture, filters, expected):
    make_board_entry(
        kamnik_world["kamnik"],
        personas["coordinator"],
        title="Kamnik seeks",
        themes=[culture],
        countries=["DE"],
        working_languages=["sl", "de"],
    )
    make_board_entry(
        kamnik_world["trofaiach"],
        personas["other_coordinator"],
        title="Trofaiach offers",
        kind=Entry.Kind.OFFER,
        purpose="school_youth",
        working_languages=["de"],
    )

    response = client.get(reverse("board"), filters)

    assert response.status_code == 200
    assert sorted(listed(response)) == expected


def test_a_wrong_filter_is_reported_and_ignored(client, entry):
    response = client.get(reverse("board"), {"kind": "bogus", "theme": "<script>"})

    assert response.status_code == 200
    assert listed(response) == [entry.title]
    page = response.content.decode()
    assert "Select a valid choice. bogus is not one of the available choices." in page
    assert "<script>" not in page.split("<main", 1)[1]


def test_the_list_says_when_nothing_matches(client, entry):
    assert (
        "No entry matches these filters."
        in client.get(reverse("board"), {"kind": "offer"}).content.decode()
    )


def test_the_empty_board_invites_coordinators(client, db):
    page = client.get(reverse("board")).content.decode()

    assert "No open entry yet." in page


def test_the_list_is_paginated(client, personas, kamnik_world):
    for number in range(25):
        make_board_entry(kamnik_world["kamnik"], personas["coordinator"], title=f"Entry {number}")

    first = client.get(reverse("board"))
    second = client.get(reverse("board"), {"page": 2})

    assert len(listed(first)) == 20
    assert len(listed(second)) == 5
    assert "Page 1 of 2" in first.content.decode()


def test_the_newest_entries_come_first(client, personas, kamnik_world):
    for title in ("Oldest", "Middle", "Newest"):
        make_board_entry(kamnik_world["kamnik"], personas["coordinator"], title=title)

    assert listed(client.get(reverse("board"))) == ["Newest", "Middle", "Oldest"]


def test_the_list_and_its_filters_work_in_another_language(client, entry):
    response = client.get("/de/board/", {"kind": "request"})

    assert response.status_code == 200
    assert listed(response) == [entry.title]


# --- The feed ----------------------------------------------------------------------------


def test_the_feed_has_the_open_entries_and_honours_the_filters(client, personas, kamnik_world):
    make_board_entry(kamnik_world["kamnik"], personas["coordinator"], title="<b>Kamnik</b>")
    make_board_entry(
        kamnik_world["trofaiach"],
        personas["other_coordinator"],
        title="Trofaiach offers",
        kind=Entry.Kind.OFFER,
    )
    make_board_entry(
        kamnik_world["kamnik"], personas["coordinator"], title="Old", deadline=localdate()
    ).close()

    response = client.get(reverse("board-feed"))
    filtered = client.get(reverse("board-feed"), {"kind": "offer", "state": "closed"})

    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    titles = sorted(e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry"))
    assert titles == ["Kamnik: <b>Kamnik</b>", "Trofaiach: Trofaiach offers"]
    only_offers = ElementTree.fromstring(filtered.content)
    assert [e.findtext(f"{ATOM}title") for e in only_offers.iter(f"{ATOM}entry")] == [
        "Trofaiach: Trofaiach offers"
    ]
    assert "Kind: Offers" in only_offers.findtext(f"{ATOM}title")
    # No person's name or address: the municipality is the author.
    assert personas["coordinator"].email not in response.content.decode()
    assert feed.find(f"{ATOM}entry/{ATOM}author/{ATOM}name").text in ("Kamnik", "Trofaiach")


# --- Posting -------------------------------------------------------------------------------


def test_a_first_entry_waits_for_approval_and_staff_are_told(
    client, personas, kamnik_world, mailoutbox
):
    client.force_login(personas["coordinator"])

    response = client.post(reverse("board-new"), entry_data(kamnik_world["kamnik"]), follow=True)

    entry = Entry.objects.get()
    assert entry.is_pending
    assert entry.working_language_codes == ["en", "de"]
    assert "As it is your first, association staff check it" in response.content.decode()
    assert [m.to for m in mailoutbox] == [["staff@skupnostobcin.si"]]
    assert reverse("board-moderation") in mailoutbox[0].body
    assert client.get(reverse("board")).context["page"].paginator.count == 0


def test_an_entry_is_published_at_once_after_a_first_one_was_approved(
    client, personas, kamnik_world, entry, mailoutbox
):
    client.force_login(personas["coordinator"])

    client.post(reverse("board-new"), entry_data(kamnik_world["kamnik"], title="Second"))

    second = Entry.objects.get(title="Second")
    assert second.status == Entry.Status.PUBLISHED
    assert second.published_at is not None
    assert not mailoutbox


def test_a_hidden_entry_does_not_make_its_author_trusted(client, personas, hidden_entry):
    client.force_login(personas["coordinator"])

    client.post(reverse("board-new"), entry_data(hidden_entry.municipality, title="Again"))

    assert Entry.objects.get(title="Again").is_pending


def test_the_entry_form_proposes_the_current_language_for_the_text(client, personas):
    client.force_login(personas["coordinator"])

    form = client.get("/de/board/new/").context["form"]

    assert form["language"].initial == "de"


def test_the_entry_form_offers_only_the_municipalities_one_coordinates(
    client, personas, kamnik_world
):
    make_coordinator("second@example.org", make_municipality("Komenda"))
    client.force_login(personas["coordinator"])

    form = client.get(reverse("board-new")).context["form"]

    assert list(form.fields["municipality"].queryset) == [kamnik_world["kamnik"]]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"deadline": "2001-01-01"}, "deadline", "Choose a deadline from today on."),
        (
            {"deadline": (localdate() + timedelta(days=1000)).isoformat()},
            "deadline",
            "Choose a deadline at most two years ahead.",
        ),
        (
            {"population_min": "50000", "population_max": "1000"},
            "population_max",
            "The upper end must not be smaller than the lower end.",
        ),
        ({"title": ""}, "title", "This field is required."),
        ({"working_languages": ["xx"]}, "working_languages", "Select a valid choice."),
        ({"kind": "maybe"}, "kind", "Select a valid choice."),
    ],
)
def test_the_entry_form_explains_what_is_wrong(
    client, personas, kamnik_world, changes, field, message
):
    client.force_login(personas["coordinator"])

    response = client.post(reverse("board-new"), entry_data(kamnik_world["kamnik"], **changes))

    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not Entry.objects.exists()


def test_an_entry_may_name_a_funding_programme_themes_and_countries(
    client, personas, kamnik_world, culture
):
    programme = FundingProgramme.objects.create(slug="cerv", name="CERV")
    client.force_login(personas["coordinator"])

    client.post(
        reverse("board-new"),
        entry_data(
            kamnik_world["kamnik"],
            programme=programme.pk,
            themes=[culture.pk],
            countries=["AT", "DE"],
            population_min="5000",
            population_max="50000",
        ),
    )

    entry = Entry.objects.get()
    assert entry.programme == programme
    assert list(entry.themes.all()) == [culture]
    assert sorted(entry.countries.values_list("code", flat=True)) == ["AT", "DE"]
    assert (entry.population_min, entry.population_max) == (5000, 50000)


# --- Editing and closing -------------------------------------------------------------------


def test_the_second_of_two_concurrent_edits_is_refused(client, personas, kamnik_world, entry):
    client.force_login(personas["coordinator"])
    url = reverse("board-edit", args=[entry.pk])
    # Two tabs open the form at version 1.
    first = entry_data(kamnik_world["kamnik"], title="First tab", version=entry.version)
    second = entry_data(kamnik_world["kamnik"], title="Second tab", version=entry.version)

    assert client.post(url, first).status_code == 302
    response = client.post(url, second)

    assert response.status_code == 409
    assert "This entry was changed" in response.content.decode()
    entry.refresh_from_db()
    assert entry.title == "First tab"
    assert entry.version == 2


def test_an_edit_keeps_the_municipality_and_moves_the_version_on(client, personas, entry, culture):
    client.force_login(personas["coordinator"])
    data = entry_data(entry.municipality, themes=[culture.pk], version=1)
    data["municipality"] = make_municipality("Elsewhere").pk

    client.post(reverse("board-edit", args=[entry.pk]), data)

    entry.refresh_from_db()
    assert entry.municipality.name == "Kamnik"
    assert entry.version == 2
    assert list(entry.themes.all()) == [culture]


def test_closing_takes_the_entry_off_the_open_list_and_refuses_new_interest(
    client, personas, kamnik_world, entry
):
    client.force_login(personas["coordinator"])
    client.post(reverse("board-close", args=[entry.pk]))
    edit_form_version = 1

    assert listed(client.get(reverse("board"))) == []
    other = client_as(personas, "other_coordinator")
    response = other.post(
        reverse("board-interest", args=[entry.pk]),
        {"municipality": kamnik_world["trofaiach"].pk, "text": "Too late?"},
    )
    assert response.status_code == 302
    assert not Conversation.objects.exists()
    # An edit form opened before closing is refused.
    stale = client.post(
        reverse("board-edit", args=[entry.pk]),
        entry_data(kamnik_world["kamnik"], version=edit_form_version),
    )
    assert stale.status_code == 409


# --- Interest, conversations, the inbox ------------------------------------------------------


def test_interest_is_relayed_without_showing_e_mail_addresses(
    client, personas, kamnik_world, entry, mailoutbox
):
    author, interested = personas["coordinator"], personas["other_coordinator"]
    client.force_login(interested)

    response = client.post(
        reverse("board-interest", args=[entry.pk]),
        {"municipality": kamnik_world["trofaiach"].pk, "text": "Trofaiach would like to meet."},
        follow=True,
    )

    conversation = Conversation.objects.get()
    assert response.redirect_chain[-1][0] == conversation.get_absolute_url()
    page = response.content.decode()
    assert "Trofaiach would like to meet." in page
    assert author.email not in page and interested.email not in page
    (mail,) = mailoutbox
    assert mail.to == [author.email]
    assert mail.from_email == settings.DEFAULT_FROM_EMAIL
    assert not mail.reply_to
    assert interested.email not in str(mail.message())
    assert settings.SITE_URL + conversation.get_absolute_url() in mail.body
    assert "Trofaiach" in mail.subject
    # The author answers; the interested side is told, again without the author's address.
    author_client = client_as(personas, "coordinator")
    author_page = author_client.get(conversation.get_absolute_url()).content.decode()
    assert interested.email not in author_page and author.email not in author_page
    author_client.post(conversation.get_absolute_url(), {"text": "Welcome!"})
    assert mailoutbox[1].to == [interested.email]
    assert author.email not in str(mailoutbox[1].message())


def test_writing_again_continues_the_same_conversation(client, personas, kamnik_world, entry):
    client.force_login(personas["other_coordinator"])
    url = reverse("board-interest", args=[entry.pk])
    data = {"municipality": kamnik_world["trofaiach"].pk, "text": "Hello"}
    client.post(url, data)

    response = client.get(url)

    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == conversation.get_absolute_url()


def test_the_inbox_counts_unread_messages(personas, conversation):
    author = client_as(personas, "coordinator")
    interested = client_as(personas, "other_coordinator")

    inbox = author.get(reverse("board-inbox"))
    assert [c.unread for c in inbox.context["page"]] == [1]
    assert "1 unread" in inbox.content.decode()

    author.get(conversation.get_absolute_url())  # reading marks it read
    assert [c.unread for c in author.get(reverse("board-inbox")).context["page"]] == [0]

    author.post(conversation.get_absolute_url(), {"text": "Answer one"})
    author.post(conversation.get_absolute_url(), {"text": "Answer two"})
    assert [c.unread for c in author.get(reverse("board-inbox")).context["page"]] == [0]
    assert [c.unread for c in interested.get(reverse("board-inbox")).context["page"]] == [2]


def test_the_inbox_lists_only_one_s_own_conversations(personas, conversation):
    for persona, count in [("coordinator", 1), ("other_coordinator", 1), ("admin", 0)]:
        page = client_as(personas, persona).get(reverse("board-inbox")).context["page"]
        assert len(page.object_list) == count, persona


def test_the_empty_inbox_says_so(personas):
    page = client_as(personas, "coordinator").get(reverse("board-inbox")).content.decode()

    assert "No conversation yet." in page


def test_a_hidden_entry_s_conversation_takes_no_new_message(personas, conversation, mailoutbox):
    conversation.entry.status = Entry.Status.HIDDEN
    conversation.entry.save()

    response = client_as(personas, "other_coordinator").post(
        conversation.get_absolute_url(), {"text": "Still there?"}
    )

    assert "A moderator hid this entry" in response.content.decode()
    assert conversation.messages.count() == 1
    assert not mailoutbox


def test_a_coordinator_of_several_municipalities_chooses_for_which_they_write(
    client, personas, kamnik_world, entry
):
    from atlas.accounts.models import CoordinatorRole

    interested = personas["other_coordinator"]
    andechs = kamnik_world["andechs"]
    CoordinatorRole.objects.create(
        user=interested,
        municipality=andechs,
        status="approved",
        decided_at=entry.created_at,
        position="Mayor",
    )
    client.force_login(interested)

    client.post(
        reverse("board-interest", args=[entry.pk]), {"municipality": andechs.pk, "text": "Hi"}
    )

    assert Conversation.objects.get().interested_municipality == andechs


# --- Reports and moderation ------------------------------------------------------------------


def test_reporting_twice_keeps_one_open_report(personas, entry):
    client = client_as(personas, "other_coordinator")
    url = reverse("board-report", args=[entry.pk])
    client.post(url, {"reason": "Spam"})

    response = client.post(url, {"reason": "Spam again"}, follow=True)

    assert Report.objects.count() == 1
    assert "You reported this entry already" in response.content.decode()


def test_hiding_resolves_the_reports_and_dismissing_keeps_the_entry(personas, entry):
    Report.objects.create(entry=entry, reporter=personas["other_coordinator"], reason="Spam")
    staff = client_as(personas, "staff_right_country")
    queue = staff.get(reverse("board-moderation"))
    assert [e.pk for e in queue.context["reported"]] == [entry.pk]

    staff.post(reverse("board-moderate", args=[entry.pk]), {"action": "dismiss"})

    entry.refresh_from_db()
    assert entry.status == Entry.Status.PUBLISHED
    assert not Report.objects.unresolved().exists()
    Report.objects.create(entry=entry, reporter=personas["admin"], reason="Really spam")
    staff.post(reverse("board-moderate", args=[entry.pk]), {"action": "hide", "next": "queue"})
    entry.refresh_from_db()
    assert entry.is_hidden
    assert not Report.objects.unresolved().exists()
    assert staff.get(reverse("board-moderation")).context["hidden"] == [entry]


def test_approving_tells_the_author(personas, pending_entry, mailoutbox):
    client_as(personas, "staff_right_country").post(
        reverse("board-moderate", args=[pending_entry.pk]), {"action": "approve"}
    )

    assert [m.to for m in mailoutbox] == [[personas["coordinator"].email]]
    assert pending_entry.get_absolute_url() in mailoutbox[0].body


def test_approving_twice_says_it_was_done(personas, pending_entry):
    client = client_as(personas, "admin")
    url = reverse("board-moderate", args=[pending_entry.pk])
    client.post(url, {"action": "approve"})

    response = client.post(url, {"action": "approve"}, follow=True)

    assert "no longer waiting for approval" in response.content.decode()


def test_a_wrong_moderation_action_changes_nothing(personas, pending_entry):
    response = client_as(personas, "admin").post(
        reverse("board-moderate", args=[pending_entry.pk]), {"action": "delete"}, follow=True
    )

    assert "Choose what to do with the entry." in response.content.decode()
    pending_entry.refresh_from_db()
    assert pending_entry.is_pending


# --- Saved searches ------------------------------------------------------------------------


def test_a_saved_search_keeps_the_validated_filters_in_a_fixed_order(personas, culture):
    client = client_as(personas, "coordinator")

    client.post(
        reverse("board-search-save"),
        {"query": "?theme=culture&page=3&kind=offer&size=huge&utm_source=x"},
    )

    assert SavedSearch.objects.get().query == "kind=offer&theme=culture"
    page = client.get(reverse("board-searches")).content.decode()
    assert "Kind: Offers; Area of cooperation: Culture" in page


def test_saving_the_same_search_twice_keeps_one(personas):
    client = client_as(personas, "coordinator")
    client.post(reverse("board-search-save"), {"query": "kind=offer"})

    response = client.post(reverse("board-search-save"), {"query": "kind=offer"}, follow=True)

    assert SavedSearch.objects.count() == 1
    assert "You saved this search already." in response.content.decode()


def test_the_list_offers_to_save_its_current_filters(personas, entry):
    page = (
        client_as(personas, "coordinator")
        .get(reverse("board"), {"purpose": "twinning", "page": "1"})
        .content.decode()
    )

    assert 'name="query" value="purpose=twinning"' in page


def test_saved_searches_say_when_there_are_none(personas):
    page = client_as(personas, "coordinator").get(reverse("board-searches")).content.decode()

    assert "You have no saved search." in page


# --- Rate limits -----------------------------------------------------------------------------


def test_posting_is_limited_to_five_entries_an_hour(personas, kamnik_world, entry):
    client = client_as(personas, "coordinator")
    for number in range(5):
        response = client.post(
            reverse("board-new"), entry_data(kamnik_world["kamnik"], title=f"Entry {number}")
        )
        assert response.status_code == 302

    response = client.post(reverse("board-new"), entry_data(kamnik_world["kamnik"]))

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert 'name="title"' in response.content.decode()  # the form is still there
    assert Entry.objects.count() == 6


def test_messages_are_limited_to_twenty_an_hour(personas, conversation):
    client = client_as(personas, "coordinator")
    for _number in range(20):
        assert client.post(conversation.get_absolute_url(), {"text": "Hi"}).status_code == 302

    response = client.post(conversation.get_absolute_url(), {"text": "One more"})

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert conversation.messages.count() == 21  # the first message and twenty replies


def test_the_message_limit_counts_interest_too(personas, kamnik_world, entry):
    from atlas.board.forms import MESSAGES_PER_USER

    interested = personas["other_coordinator"]
    for _number in range(20):
        MESSAGES_PER_USER.hit(str(interested.pk))

    response = client_as(personas, "other_coordinator").post(
        reverse("board-interest", args=[entry.pk]),
        {"municipality": kamnik_world["trofaiach"].pk, "text": "Hello"},
    )

    assert response.status_code == 429
    assert not Conversation.objects.exists()


# --- Pages ---------------------------------------------------------------------------------


def test_the_entry_page_invites_visitors_to_log_in_and_coordinators_to_write(
    client, personas, entry
):
    anonymous = client.get(entry.get_absolute_url()).content.decode()
    coordinator = client_as(personas, "other_coordinator").get(entry.get_absolute_url())

    assert "Log in to express interest" in anonymous
    assert "Write to Kamnik" in coordinator.content.decode()
    assert personas["coordinator"].email not in anonymous


def test_your_entries_lists_pending_and_hidden_ones_too(
    personas, entry, pending_entry, hidden_entry
):
    page = client_as(personas, "coordinator").get(reverse("board-mine"))

    assert {e.pk for e in page.context["page"]} == {entry.pk, pending_entry.pk, hidden_entry.pk}
