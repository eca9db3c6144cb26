"""Typed reading of one record's cells, for the CSV files and the curated TOML alike.

A `Fields` wraps one row (CSV cells as strings, or a TOML table with native values) and
hands out checked values; the first problem raises `RowError` with a reason a person can
act on. Empty CSV cells and absent TOML keys both mean "unknown"."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models

_SLUG = re.compile(r"^[-a-z0-9_]+$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_validate_url = URLValidator()


class RowError(Exception):
    """One record is malformed; the message says why."""


def model_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """The field `name` of `model` (`get_field` also finds reverse relations)."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field), f"{model.__name__}.{name} is not a field"
    return field


def max_length(model: type[models.Model], field: str) -> int | None:
    return model_field(model, field).max_length


class Fields:
    def __init__(self, values: Mapping[str, Any]):
        self.values = values

    def _raw(self, name: str) -> Any:
        value = self.values.get(name)
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    def text(self, name: str, *, required: bool = False, limit: int | None = None) -> str:
        value = self._raw(name)
        if value is None:
            if required:
                raise RowError(f"{name} is required")
            return ""
        if not isinstance(value, str):
            raise RowError(f"{name} must be text, not {value!r}")
        if limit is not None and len(value) > limit:
            raise RowError(f"{name} is longer than {limit} characters")
        return value

    def slug(self, name: str, *, required: bool = False, limit: int | None = None) -> str:
        value = self.text(name, required=required, limit=limit)
        if value and not _SLUG.match(value):
            raise RowError(f"{name} {value!r} is not a slug (a-z, 0-9, - and _)")
        return value

    def country(self, name: str, *, required: bool = False) -> str | None:
        value = self.text(name, required=required)
        if value and not _COUNTRY.match(value):
            raise RowError(f"{name} {value!r} is not a two-letter country code")
        return value or None

    def integer(
        self, name: str, *, minimum: int | None = None, maximum: int | None = None
    ) -> int | None:
        value = self._raw(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise RowError(f"{name} must be a whole number, not {value!r}")
        try:
            number = int(value)
        except ValueError:
            raise RowError(f"{name} {value!r} is not a whole number") from None
        if minimum is not None and number < minimum:
            raise RowError(f"{name} {number} is less than {minimum}")
        if maximum is not None and number > maximum:
            raise RowError(f"{name} {number} is more than {maximum}")
        return number

    def year(self, name: str) -> int | None:
        return self.integer(name, minimum=1000, maximum=2100)

    def number(self, name: str, *, minimum: float, maximum: float) -> float | None:
        value = self._raw(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise RowError(f"{name} must be a number, not {value!r}")
        try:
            number = float(value)
        except ValueError:
            raise RowError(f"{name} {value!r} is not a number") from None
        if not minimum <= number <= maximum:  # also rejects nan
            raise RowError(f"{name} {value} is outside {minimum}..{maximum}")
        return number

    def decimal(self, name: str) -> Decimal | None:
        value = self._raw(name)
        if value is None:
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise RowError(f"{name} {value!r} is not a number") from None
        if not number.is_finite() or number < 0:
            raise RowError(f"{name} {value!r} is not an amount")
        return number

    def boolean(self, name: str) -> bool:
        value = self._raw(name)
        if value in (None, "0", False):
            return False
        if value in ("1", True):
            return True
        raise RowError(f"{name} must be 1 or 0, not {value!r}")

    def date(self, name: str) -> datetime.date | None:
        value = self._raw(name)
        if value is None:
            return None
        if isinstance(value, datetime.datetime):
            raise RowError(f"{name} must be a date without a time")
        if isinstance(value, datetime.date):
            return value
        if not isinstance(value, str):
            raise RowError(f"{name} must be a date (YYYY-MM-DD), not {value!r}")
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise RowError(f"{name} {value!r} is not a date (YYYY-MM-DD)") from None

    def choice(
        self,
        name: str,
        choices: type[models.TextChoices],
        default: str = "",
        *,
        required: bool = False,
    ) -> str:
        """One of `choices`; `default` (empty: "not said") when the value is absent."""
        value = self.text(name, required=required) or default
        if value and value not in choices.values:
            allowed = ", ".join(choices.values)
            raise RowError(f"{name} {value!r} is not one of {allowed}")
        return value

    def url(self, name: str, *, limit: int = 200) -> str:
        value = self.text(name, limit=limit)
        if value:
            try:
                _validate_url(value)
            except ValidationError:
                raise RowError(f"{name} {value!r} is not a web address") from None
        return value

    def items(self, name: str) -> list[str]:
        """A list: `a|b|c` in a CSV cell, an array of strings in TOML."""
        value = self.values.get(name)
        if value is None:
            return []
        if isinstance(value, str):
            return [item.strip() for item in value.split("|") if item.strip()]
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return [item.strip() for item in value if item.strip()]
        raise RowError(f"{name} must be a list of text")
