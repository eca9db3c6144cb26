"""The history of a municipality as people read it: each `Change` with its kind of record,
who made it, and its fields by their translated names with old and new values as names
(themes, networks, languages, choices), not as the ids and codes the change stores."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from atlas.directory.models import (
    Activity,
    Change,
    DatasetConflict,
    Membership,
    Municipality,
    Partnership,
    ProjectPartner,
)
from atlas.editing.languages import language_name

# Values that are codes of something other than a model or a choice.
LANGUAGE_FIELDS = {"office_languages"}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    change: Change
    kind: str
    who: str
    email: str = ""
    fields: list[FieldChange] = field(default_factory=list)
    # A change the other side of a partnership proposed and this one confirmed: who
    # proposed it, and for which municipality.
    proposer: str = ""
    proposed_for: str = ""


def changes_of(municipality: Municipality) -> models.QuerySet[Change]:
    """Every change in the history of `municipality`, newest first, each annotated with
    `is_reverted` (a later change undid it)."""
    return (
        Change.objects.filter(Q(municipality=municipality) | Q(other_municipality=municipality))
        .select_related("user", "content_type", "proposal__proposer", "proposal__proposed_by")
        .annotate(is_reverted=Exists(Change.objects.filter(reverts=OuterRef("pk"))))
        .order_by("-at", "-pk")
    )


def deleted_records_of(municipality: Municipality) -> dict[str, models.QuerySet]:
    """The deleted records of `municipality` that staff can restore, by kind."""
    involved = Q(partnership__municipality_a=municipality) | Q(
        partnership__municipality_b=municipality
    )
    return {
        "partnership": Partnership.all_objects.involving(municipality)
        .filter(deleted_at__isnull=False)
        .select_related("municipality_a", "municipality_b"),
        "membership": Membership.all_objects.filter(
            municipality=municipality, deleted_at__isnull=False
        ).select_related("network", "municipality"),
        "activity": Activity.all_objects.filter(involved, deleted_at__isnull=False).select_related(
            "partnership__municipality_a", "partnership__municipality_b"
        ),
        "project_partner": ProjectPartner.all_objects.filter(
            municipality=municipality, deleted_at__isnull=False
        ).select_related("project", "municipality"),
    }


def describe(changes: Iterable[Change], *, show_email: bool) -> list[Entry]:
    """The changes as entries to show. Names of related records are looked up in one
    query per kind of related record, whatever the number of changes."""
    changes = list(changes)
    names = _related_names(changes)
    entries = []
    for change in changes:
        model = change.content_type.model_class()
        user = change.user
        entry = Entry(
            change=change,
            kind=str(capfirst(model._meta.verbose_name)) if model else change.content_type.model,
            who=(user.first_name or _("(no name)")) if user else _("a deleted account"),
            email=user.email if user and show_email else "",
        )
        proposal = getattr(change, "proposal", None)  # None when nobody proposed it
        if proposal is not None:
            proposer = proposal.proposed_by
            entry.proposer = (
                (proposer.first_name or _("(no name)")) if proposer else _("a deleted account")
            )
            entry.proposed_for = proposal.proposer.name
        if change.action == Change.Action.CHANGED:
            for name, new in change.after.items():
                old = change.before.get(name)
                entry.fields.append(_field_change(model, name, old, new, names))
        elif change.action == Change.Action.CREATED:
            for name, new in change.after.items():
                if new not in (None, "", []):
                    entry.fields.append(_field_change(model, name, None, new, names))
        entries.append(entry)
    return entries


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def describe_conflicts(conflicts: Iterable[DatasetConflict]) -> list[tuple[Any, FieldChange]]:
    """Each conflict with its field as people read it: `old` is the site's value, `new`
    the dataset's. Names of related records cost one query per kind of record."""
    conflicts = list(conflicts)
    rows = []
    for conflict in conflicts:
        model = conflict.content_type.model_class()
        rows.append((model, {conflict.field: conflict.site_value}))
        rows.append((model, {conflict.field: conflict.dataset_value}))
    names = _names_in(rows)
    return [
        (
            conflict,
            _field_change(
                conflict.content_type.model_class(),
                conflict.field,
                conflict.site_value,
                conflict.dataset_value,
                names,
            ),
        )
        for conflict in conflicts
    ]


def field_changes(
    model: type[models.Model], pairs: list[tuple[dict[str, Any], dict[str, Any]]]
) -> list[list[FieldChange]]:
    """For each (before, after) pair of values of a `model` record (as `values_of` gives
    them, such as those of a proposed change), its fields as people read them. Names are
    looked up in one query per kind of related record, whatever the number of pairs."""
    names = _names_in((model, values) for pair in pairs for values in pair)
    return [
        [_field_change(model, name, before.get(name), new, names) for name, new in after.items()]
        for before, after in pairs
    ]


def _related_names(changes: list[Change]) -> dict[type[models.Model], dict[Any, str]]:
    return _names_in(
        (change.content_type.model_class(), values)
        for change in changes
        for values in (change.before, change.after)
    )


def _names_in(
    items: Iterable[tuple[type[models.Model] | None, dict[str, Any]]],
) -> dict[type[models.Model], dict[Any, str]]:
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for model, values in items:
        for name, value in values.items():
            related = _field(model, name)
            if related is None or not related.is_relation or value in (None, []):
                continue
            ids = value if related.many_to_many else [value]
            wanted[related.related_model].update(ids)
    return {
        model: {pk: str(record) for pk, record in model._base_manager.in_bulk(ids).items()}
        for model, ids in wanted.items()
    }


def _field_change(model, name: str, old: Any, new: Any, names) -> FieldChange:
    model_field = _field(model, name)
    label = capfirst(model_field.verbose_name) if model_field else name
    return FieldChange(
        label=label,
        old=_value(model_field, name, old, names),
        new=_value(model_field, name, new, names),
    )


def _value(model_field: Any, name: str, value: Any, names) -> str:
    if value in (None, "", []):
        return ""  # shown as a dash
    if model_field is None:
        return str(value)
    if name in LANGUAGE_FIELDS:
        return ", ".join(language_name(code) for code in value)
    if model_field.is_relation:
        known = names.get(model_field.related_model, {})
        gone = _("(removed record %(id)s)")
        ids = value if model_field.many_to_many else [value]
        return ", ".join(known.get(pk) or gone % {"id": pk} for pk in ids)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.DateField) and isinstance(value, str):
        try:
            return date_format(date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)
