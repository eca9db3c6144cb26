"""Builders for the tests of partnerships, proposals and activities (test_partnerships.py,
test_proposals.py, test_activities.py), beside the personas of the root conftest.py."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from atlas.directory.models import Activity, Municipality, Partnership, PartnershipProposal

HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_ATTRIBUTE = '" onmouseover="x'
# Right-to-left override and mark around plain text: kept as typed, shown isolated.
RIGHT_TO_LEFT = "\u202eevil\u200f text"


def assert_shown_escaped(html: str, text: str, isolated: str = "<bdi>{}</bdi>") -> None:
    """`text`, one of the hostile texts above, is in `html` escaped, or (right to left)
    isolated as `isolated` shows."""
    if text == HOSTILE_SCRIPT:
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    elif text == HOSTILE_ATTRIBUTE:
        assert text not in html
        assert "&quot; onmouseover=&quot;x" in html
    else:
        assert isolated.format(text) in html


def make_proposal(proposer: Municipality, partner: Municipality, **fields) -> PartnershipProposal:
    fields.setdefault("kind", Partnership.Kind.FRIENDSHIP)
    return PartnershipProposal.objects.create(proposer=proposer, partner=partner, **fields)


def make_activity(partnership: Partnership, **fields) -> Activity:
    """An activity, with the partnership's last activity brought up to date."""
    fields.setdefault("date", date(2024, 5, 17))
    fields.setdefault("title", "Youth exchange")
    fields.setdefault("kind", Activity.Kind.EXCHANGE)
    activity = Activity.objects.create(partnership=partnership, **fields)
    partnership.update_last_activity()
    return activity


def pair(a: Municipality, b: Municipality) -> Partnership:
    """The (not deleted) partnership of twinning kind between `a` and `b`."""
    return Partnership.objects.involving(a).involving(b).get(kind=Partnership.Kind.TWINNING)


def edit_url(name: str, municipality: Municipality, *args) -> str:
    return reverse(name, args=[municipality.slug, *args])
