"""Every free-text field of the board (an entry's title and text, messages, a report's
reason) against hostile input: markup, attribute breaking, very long text, control
characters and right-to-left marks. Text is stored as typed and shown escaped; what cannot
be stored gets a field error, never a 500."""

import re

import pytest
from django.urls import reverse

from atlas.board.models import Conversation, Entry, Message, Report
from atlas.board.tests.conftest import entry_data
from conftest import client_as

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '" onmouseover="x'
RTL = "Partner \u202eevil\u202c wanted \u200fשלום\u200f"
MARKUP_CASES = [
    (SCRIPT, "&lt;script&gt;alert(1)&lt;/script&gt;"),
    (ATTRIBUTE, "&quot; onmouseover=&quot;x"),
]


def title_case(value):
    return {"title": value}


def text_case(value):
    return {"text": value}


# Each free-text field: how to submit a value, where the stored value is read back, the
# page that shows it, its limit.
@pytest.fixture
def submit(personas, kamnik_world, entry, conversation):
    kamnik, trofaiach = kamnik_world["kamnik"], kamnik_world["trofaiach"]

    def entry_title(value):
        response = client_as(personas, "coordinator").post(
            reverse("board-new"), entry_data(kamnik, title=value)
        )
        stored = Entry.objects.exclude(pk=entry.pk).values_list("title", flat=True).first()
        return response, stored, lambda: Entry.objects.exclude(pk=entry.pk).get()

    def entry_text(value):
        response = client_as(personas, "coordinator").post(
            reverse("board-new"), entry_data(kamnik, text=value)
        )
        stored = Entry.objects.exclude(pk=entry.pk).values_list("text", flat=True).first()
        return response, stored, lambda: Entry.objects.exclude(pk=entry.pk).get()

    def interest_message(value):
        Conversation.objects.all().delete()
        response = client_as(personas, "other_coordinator").post(
            reverse("board-interest", args=[entry.pk]),
            {"municipality": trofaiach.pk, "text": value},
        )
        stored = Message.objects.values_list("text", flat=True).first()
        return response, stored, lambda: Conversation.objects.get()

    def reply(value):
        Message.objects.filter(conversation=conversation).delete()
        response = client_as(personas, "coordinator").post(
            conversation.get_absolute_url(), {"text": value}
        )
        stored = Message.objects.values_list("text", flat=True).first()
        return response, stored, lambda: conversation

    def report_reason(value):
        response = client_as(personas, "other_coordinator").post(
            reverse("board-report", args=[entry.pk]), {"reason": value}
        )
        stored = Report.objects.values_list("reason", flat=True).first()
        return response, stored, lambda: entry

    return {
        "title": (entry_title, 200, "coordinator"),
        "text": (entry_text, 5000, "coordinator"),
        "interest": (interest_message, 5000, "coordinator"),
        "reply": (reply, 5000, "other_coordinator"),
        "reason": (report_reason, 2000, "staff_right_country"),
    }


FIELDS = ["title", "text", "interest", "reply", "reason"]
ISOLATED = re.compile(r'(<bdi>|&#x2068;|dir="auto"[^<>]*>(<p>)?)$')


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize(("value", "escaped"), MARKUP_CASES)
def test_markup_is_stored_as_typed_and_shown_escaped(personas, submit, field, value, escaped):
    send, _limit, reader = submit[field]

    response, stored, shown_on = send(value)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert stored == value
    page = client_as(personas, reader).get(shown_on().get_absolute_url()).content.decode()
    assert escaped in page
    assert value not in page


@pytest.mark.parametrize("field", FIELDS)
def test_right_to_left_marks_are_stored_as_typed_and_isolated(personas, submit, field):
    send, _limit, reader = submit[field]

    response, stored, shown_on = send(RTL)

    assert response.status_code == 302
    assert stored == RTL
    page = client_as(personas, reader).get(shown_on().get_absolute_url()).content.decode()
    assert RTL in page
    # Every time it is shown, it is isolated from the text around it, so that its marks
    # cannot reorder the page: in <bdi>, in an element with dir="auto", or between the
    # isolating characters FSI and PDI (in <title>, where elements cannot be).
    at = page.find(RTL)
    while at != -1:
        assert ISOLATED.search(page[:at]), page[max(0, at - 200) : at]
        at = page.find(RTL, at + 1)


@pytest.mark.parametrize("field", FIELDS)
def test_text_over_the_limit_gets_a_clear_error(submit, field):
    send, limit, _reader = submit[field]

    response, stored, _shown_on = send("x" * 10_001)

    assert response.status_code == 200
    assert stored is None
    assert f"Write at most {limit} characters (this has 10001)." in response.content.decode()


@pytest.mark.parametrize("field", FIELDS)
def test_a_nul_character_is_refused_with_a_field_error(submit, field):
    send, _limit, _reader = submit[field]

    response, stored, _shown_on = send("Hello\x00world")

    assert response.status_code == 200
    assert stored is None
    assert "Remove the invisible control characters from this text (U+0000)." in (
        response.content.decode()
    )


@pytest.mark.parametrize("field", FIELDS)
def test_other_control_characters_are_refused_with_a_field_error(submit, field):
    send, _limit, _reader = submit[field]

    response, stored, _shown_on = send("Ring\x07 the bell\x1b")

    assert response.status_code == 200
    assert stored is None
    assert "(U+0007, U+001B)" in response.content.decode()


@pytest.mark.parametrize("field", ["text", "interest", "reply", "reason"])
def test_line_breaks_and_tabs_are_kept(submit, field):
    send, _limit, _reader = submit[field]

    response, stored, _shown_on = send("First line\r\n\tSecond line")

    assert response.status_code == 302
    # Browsers send CRLF and count it as one character, as the form does with LF.
    assert stored == "First line\n\tSecond line"
