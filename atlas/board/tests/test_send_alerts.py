"""`manage.py send_alerts`: each saved search gets its new matching open entries once."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.test import TestCase
from django.utils.timezone import now

from atlas.board.models import Entry, SavedSearch, SentAlert
from conftest import make_board_entry

pytestmark = pytest.mark.django_db


def send_alerts(*args: str) -> str:
    output = StringIO()
    # The mails are queued when the command's transactions commit; the test's never does.
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("send_alerts", *args, stdout=output)
    return output.getvalue()


@pytest.fixture
def search(personas):
    """Trofaiach's coordinator saved a search for offers and requests of twinning, an hour
    ago."""
    return SavedSearch.objects.create(
        user=personas["other_coordinator"],
        query="purpose=twinning",
        created_at=now() - timedelta(hours=1),
    )


@pytest.fixture
def new_entry(personas, kamnik_world, search):
    return make_board_entry(kamnik_world["kamnik"], personas["coordinator"], title="New twin")


def test_it_sends_new_matching_entries_once(search, new_entry, mailoutbox):
    output = send_alerts()

    assert "Sent 1 mail(s) with 1 entry(ies)." in output
    (mail,) = mailoutbox
    assert mail.to == ["coordinator@trofaiach.at"]
    assert "New twin" in mail.body
    assert new_entry.get_absolute_url() in mail.body
    assert "coordinator@kamnik.si" not in mail.message().as_string()
    assert SentAlert.objects.filter(saved_search=search, entry=new_entry).exists()
    search.refresh_from_db()
    assert search.last_alert_at is not None


def test_a_second_run_sends_nothing(search, new_entry, mailoutbox):
    send_alerts()

    output = send_alerts()

    assert len(mailoutbox) == 1
    assert "Sent 0 mail(s)" in output
    assert SentAlert.objects.count() == 1


def test_a_dry_run_sends_and_records_nothing(search, new_entry, mailoutbox):
    output = send_alerts("--dry-run")

    assert f"Would mail 1 entry to saved search {search.pk}" in output
    assert "Would send 1 mail(s) with 1 entry(ies)." in output
    assert not mailoutbox
    assert not SentAlert.objects.exists()
    search.refresh_from_db()
    assert search.last_alert_at is None
    # The real run afterwards still sends it.
    send_alerts()
    assert len(mailoutbox) == 1


def test_only_new_open_published_matching_entries_of_others_are_sent(
    personas, kamnik_world, search, mailoutbox
):
    kamnik, author = kamnik_world["kamnik"], personas["coordinator"]
    make_board_entry(kamnik, author, title="Sent", purpose="twinning")
    old = make_board_entry(kamnik, author, title="Before the search")
    Entry.objects.filter(pk=old.pk).update(published_at=search.created_at - timedelta(days=1))
    make_board_entry(kamnik, author, title="Other purpose", purpose="exchange")
    make_board_entry(kamnik, author, title="Pending", status=Entry.Status.PENDING)
    make_board_entry(kamnik, author, title="Hidden", status=Entry.Status.HIDDEN)
    make_board_entry(kamnik, author, title="Closed").close()
    make_board_entry(kamnik_world["trofaiach"], search.user, title="Own entry")

    send_alerts()

    (mail,) = mailoutbox
    assert "* Sent" in mail.body
    for title in ("Before the search", "Other purpose", "Pending", "Hidden", "Closed", "Own"):
        assert title not in mail.body


def test_an_entry_approved_later_is_sent_at_the_next_run(
    personas, kamnik_world, search, mailoutbox
):
    entry = make_board_entry(
        kamnik_world["kamnik"], personas["coordinator"], status=Entry.Status.PENDING
    )
    send_alerts()
    assert not mailoutbox

    entry.status, entry.published_at = Entry.Status.PUBLISHED, now()
    entry.save()
    send_alerts()

    assert len(mailoutbox) == 1


def test_alerts_are_in_the_language_the_search_was_saved_in(search, new_entry, mailoutbox):
    search.language = "de"
    search.save()

    send_alerts()

    # Its links lead to the German pages (the text follows once the catalogue has it).
    assert f"/de/board/{new_entry.pk}/" in mailoutbox[0].body
    assert "/de/board/searches/" in mailoutbox[0].body


def test_inactive_accounts_get_no_alert(search, new_entry, mailoutbox):
    search.user.is_active = False
    search.user.save()

    send_alerts()

    assert not mailoutbox


def test_the_help_says_what_it_does():
    command = load_command_class(get_commands()["send_alerts"], "send_alerts")

    assert "Mail each saved search" in command.help
    assert "running it again sends nothing new" in command.help
    assert "--dry-run" in command.help
