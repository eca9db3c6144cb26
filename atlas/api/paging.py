"""Pagination by opaque cursors.

A list is read in a fixed order (by id, or newest first with the id to break ties) and a
page starts after the last row of the page before: the cursor carries that row's sort
values (keyset pagination), so page 400 costs what page 1 costs and a row added meanwhile
neither repeats nor hides another. Ranked answers (search results, partner suggestions)
are short lists computed whole, so their cursor carries an offset into the ranking.

Cursors are signed with the site's secret key and a salt per list: a cursor that was
edited, made up or taken from another list is refused (400), never half understood.

>>> ranking = Ranking("doctest")
>>> ranking.offset(ranking.cursor(50))
50
>>> ranking.offset("50")
Traceback (most recent call last):
...
atlas.api.paging.BadCursor
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet


class BadCursor(Exception):
    """The cursor was not made by this list."""


def _signer(name: str) -> signing.Signer:
    # No timestamp: the same page always has the same cursor, so answers can be cached.
    return signing.Signer(salt=f"atlas.api.cursor.{name}")


@dataclass(frozen=True)
class Keyset:
    """A list read in `ordering` ("pk", or "-published_at", "-pk"): the last field must be
    unique and no field may be null, so that the order is total."""

    name: str
    ordering: tuple[str, ...] = ("pk",)

    def page(
        self, queryset: QuerySet, cursor: str | None, limit: int
    ) -> tuple[list[Model], str | None]:
        """The `limit` rows after `cursor` (from the start without one), and the cursor of
        the page after them (None on the last page). One query."""
        queryset = queryset.order_by(*self.ordering)
        if cursor:
            queryset = queryset.filter(self._after(queryset.model, self.decode(queryset, cursor)))
        rows = list(queryset[: limit + 1])
        if len(rows) <= limit:
            return rows, None
        rows = rows[:limit]
        return rows, self.encode(rows[-1])

    def encode(self, row: Model) -> str:
        values = [_plain(getattr(row, field.lstrip("-"))) for field in self.ordering]
        return _signer(self.name).sign_object(values)

    def decode(self, queryset: QuerySet, cursor: str) -> list[Any]:
        try:
            values = _signer(self.name).unsign_object(cursor)
        except (signing.BadSignature, ValueError) as error:
            raise BadCursor from error
        if not isinstance(values, list) or len(values) != len(self.ordering):
            raise BadCursor
        meta = queryset.model._meta
        try:
            return [
                (meta.pk if name == "pk" else meta.get_field(name)).to_python(value)
                for name, value in zip(
                    (field.lstrip("-") for field in self.ordering), values, strict=True
                )
            ]
        except ValidationError as error:
            raise BadCursor from error

    def _after(self, model: type[Model], values: list[Any]) -> Q:
        """Rows after `values` in the ordering: (a > x) or (a = x and b > y) or …"""
        condition = Q()
        equal: dict[str, Any] = {}
        for field, value in zip(self.ordering, values, strict=True):
            name = field.lstrip("-")
            lookup = "lt" if field.startswith("-") else "gt"
            condition |= Q(**equal, **{f"{name}__{lookup}": value})
            equal[name] = value
        return condition


@dataclass(frozen=True)
class Ranking:
    """A ranked list computed whole: the cursor is an offset into it."""

    name: str

    def cursor(self, offset: int) -> str:
        return _signer(self.name).sign_object({"offset": offset})

    def offset(self, cursor: str | None) -> int:
        if not cursor:
            return 0
        try:
            value = _signer(self.name).unsign_object(cursor)
        except (signing.BadSignature, ValueError) as error:
            raise BadCursor from error
        offset = value.get("offset") if isinstance(value, dict) else None
        if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
            raise BadCursor
        return offset


def _plain(value: Any) -> Any:
    """A sort value as JSON can carry it."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
