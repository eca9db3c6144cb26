"""Everything the atlas keeps about one person, for the account page's "Download your
personal data". It reads the board too, which builds on accounts, so it lives in a module of
its own and not in the models."""

from __future__ import annotations

from typing import Any

from atlas.accounts.models import CoordinatorRole, StaffRole
from atlas.board.models import Entry, Message, Report, SavedSearch


def personal_data(user: Any) -> dict[str, Any]:
    """Everything the atlas keeps about one person, for the account page's download.
    Deciders of their requests are named by e-mail only, not by other personal data."""

    def when(value) -> str | None:
        return value.isoformat() if value else None

    roles = CoordinatorRole.objects.of(user).select_related("municipality", "decided_by")
    return {
        "account": {
            "email": user.email,
            "name": user.first_name,
            "date_joined": when(user.date_joined),
            "last_login": when(user.last_login),
            "is_administrator": user.is_superuser,
        },
        "coordinator_roles": [
            {
                "municipality": role.municipality.name,
                "municipality_url": role.municipality.get_absolute_url(),
                "status": role.status,
                "position": role.position,
                "message": role.message,
                "requested_at": when(role.requested_at),
                "decided_at": when(role.decided_at),
                "decided_by": role.decided_by.email if role.decided_by else None,
                "decision_note": role.decision_note,
            }
            for role in roles
        ],
        "staff_roles": [
            {
                "country": role.country_id,
                "network": role.network.name if role.network else None,
                "since": when(role.created_at),
            }
            for role in StaffRole.objects.of(user).select_related("network")
        ],
        "decisions_made": [
            {
                "coordinator_role_id": role.pk,
                "municipality": role.municipality.name,
                "status": role.status,
                "decided_at": when(role.decided_at),
                "decision_note": role.decision_note,
            }
            for role in CoordinatorRole.objects.filter(decided_by_id=user.pk).select_related(
                "municipality"
            )
        ],
        "board_entries": [
            {
                "id": entry.pk,
                "municipality": entry.municipality.name,
                "kind": entry.kind,
                "title": entry.title,
                "text": entry.text,
                "status": entry.status,
                "posted_at": when(entry.created_at),
                "deadline": when(entry.deadline),
            }
            for entry in Entry.objects.filter(author_id=user.pk).select_related("municipality")
        ],
        "board_messages_sent": [
            {
                "entry": message.conversation.entry.title,
                "text": message.text,
                "sent_at": when(message.created_at),
            }
            for message in Message.objects.filter(sender_id=user.pk).select_related(
                "conversation__entry"
            )
        ],
        "board_reports": [
            {"entry": report.entry.title, "reason": report.reason, "at": when(report.created_at)}
            for report in Report.objects.filter(reporter_id=user.pk).select_related("entry")
        ],
        "saved_searches": [
            {"query": search.query, "saved_at": when(search.created_at)}
            for search in SavedSearch.objects.filter(user_id=user.pk)
        ],
    }
