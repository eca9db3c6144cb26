"""What people entered, as a load sees it: the layer on top of the dataset.

A load reads, in one query per table, the fields people set (`SiteField`), the conflicts
already raised (`DatasetConflict`) and, for municipalities and partnerships, which rows
people touched. It then writes no person's value: a new dataset value for a field a
person set becomes a conflict for staff, and a row the dataset no longer has is marked
as no longer in the source unless people touched it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.utils.timezone import now

from atlas.directory.models import Change, DatasetConflict, SiteField, site_json

from .tables import Column, Many, Table

if TYPE_CHECKING:
    from .sync import Ids, TablePlan

# Tables whose rows the report lists when the dataset no longer has them.
TRACKS_MISSING = ("municipalities", "partnerships")
OPEN = DatasetConflict.Status.OPEN
DISMISSED = DatasetConflict.Status.DISMISSED


@dataclass(frozen=True)
class Owned:
    """A field a person set: what the dataset said then, and who set it when."""

    dataset_value: Any
    set_by_id: int | None
    set_at: datetime


@dataclass
class Held:
    """A new dataset value kept aside as a conflict; its value is converted to primary
    keys when written, once the rows it may point at exist."""

    key: Any
    pk: Any
    field: str
    target: Column | Many
    value: Any
    site_value: Any
    owned: Owned
    conflict_id: int | None = None


@dataclass
class SiteLayer:
    content_type: ContentType
    whole: set[str] = field(default_factory=set)
    fields: dict[str, dict[str, Owned]] = field(default_factory=dict)
    # (record, field) -> (conflict id, status, dataset value)
    conflicts: dict[tuple[str, str], tuple[int, str, Any]] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)
    marked: set[Any] = field(default_factory=set)


def read_site_layer(table: Table) -> SiteLayer:
    content_type = ContentType.objects.get_for_model(table.model)
    layer = SiteLayer(content_type)
    rows = SiteField.objects.filter(content_type=content_type).values_list(
        "object_id", "field", "dataset_value", "set_by_id", "set_at"
    )
    for object_id, name, dataset_value, set_by_id, set_at in rows:
        if name == SiteField.WHOLE_RECORD:
            layer.whole.add(object_id)
        else:
            layer.fields.setdefault(object_id, {})[name] = Owned(dataset_value, set_by_id, set_at)
    conflicts = DatasetConflict.objects.filter(content_type=content_type).values_list(
        "object_id", "field", "pk", "status", "dataset_value"
    )
    for object_id, name, pk, status, value in conflicts:
        layer.conflicts[(object_id, name)] = (pk, status, value)
    if table.name in TRACKS_MISSING:
        layer.touched = set(layer.fields)
        changes = Change.objects.order_by()
        if table.name == "municipalities":
            for a, b in changes.values_list("municipality_id", "other_municipality_id"):
                layer.touched.update(str(pk) for pk in (a, b) if pk)
        else:
            edited = changes.filter(content_type=content_type).values_list("object_id", flat=True)
            layer.touched.update(str(pk) for pk in edited)
        layer.marked = set(
            table.model._base_manager.filter(missing_since__isnull=False).values_list(
                "pk", flat=True
            )
        )
    return layer


def to_site(ref: str | None, value: Any, ids: Ids) -> Any:
    """A dataset value (stable ids) in the form the site stores values (primary keys)."""
    if ref is None or value is None:
        return site_json(value)
    # A row this load has not created yet cannot equal anything stored.
    return ids[ref].get(value, f"new:{value}")


def to_site_many(ref: str, values: Iterable[str], ids: Ids) -> list[Any]:
    pks = [to_site(ref, value, ids) for value in values]
    return sorted(pk for pk in pks if not isinstance(pk, str)) + sorted(
        pk for pk in pks if isinstance(pk, str)
    )


def alias_keys(plan: TablePlan, ids: Ids) -> None:
    """Rows whose key a person changed (a partnership's kind, a membership's network) are
    matched on the key the dataset gave them, so a load neither creates them again nor
    reports them missing."""
    table, layer = plan.table, plan.layer
    positions = {column.field: i for i, column in enumerate(table.key)}
    if not any(name in positions for owned in layer.fields.values() for name in owned):
        return
    key_of_pk = {str(pk): key for key, (pk, _) in plan.existing.items()}
    for object_id, owned in layer.fields.items():
        key = key_of_pk.get(object_id)
        changed = [(positions[name], own) for name, own in owned.items() if name in positions]
        if key is None or not changed:
            continue
        values = list(key) if isinstance(key, tuple) else [key]
        for i, own in changed:
            column = table.key[i]
            value = own.dataset_value
            if column.ref:
                value = {pk: stable for stable, pk in ids[column.ref].items()}.get(value)
            values[i] = value
        alias = table.key_of(tuple(values))
        if alias != key and alias in plan.records and alias not in plan.existing:
            plan.existing[alias] = plan.existing.pop(key)
            plan.aliases[key] = alias


def hold(
    plan: TablePlan,
    key: Any,
    pk: Any,
    values: dict[str, Any],
    changed: list[str],
    changed_many: list[str],
    ids: Ids,
) -> tuple[list[str], list[str]]:
    """Take the fields a person set out of `changed` and `changed_many`; count them as
    kept and set aside a new dataset value as a conflict. Returns what is left to write."""
    table, layer = plan.table, plan.layer
    owned = layer.fields.get(str(pk), {})
    record = plan.records[key]
    columns = {column.field: column for column in table.columns}
    manys = {many.name: many for many in table.many}
    for name, own in owned.items():
        target: Column | Many
        if name in columns:
            target = columns[name]
            differs = target.name in changed
            raw = record.values[target.name]
            dataset = to_site(target.ref, raw, ids)
            site = to_site(target.ref, values[target.name], ids)
            changed = [other for other in changed if other != target.name]
        elif name in manys:
            target = manys[name]
            differs = name in changed_many
            raw = record.many.get(name, set())
            dataset = to_site_many(target.ref, raw, ids)
            site = to_site_many(target.ref, plan.existing_many[name].get(pk, {}), ids)
            changed_many = [other for other in changed_many if other != name]
        else:
            continue  # a key column, or one the dataset does not give
        conflict = layer.conflicts.get((str(pk), name))
        if differs:
            plan.kept += 1
        if not differs or dataset == own.dataset_value:
            # The dataset agrees with the site, or still says what the person replaced.
            if conflict and conflict[1] == OPEN:
                plan.conflicts_closed.append(conflict[0])
            continue
        held = Held(key, pk, name, target, raw, site, own)
        if conflict is None:
            plan.conflicts_new.append(held)
            continue
        held.conflict_id, status, value = conflict
        if status == OPEN and value != dataset:
            plan.conflicts_updated.append(held)
        elif status != OPEN and not (status == DISMISSED and value == dataset):
            plan.conflicts_new.append(held)  # raised again with a new value
    return changed, changed_many


def plan_missing(plan: TablePlan) -> None:
    """Rows the dataset no longer has: marked unless people touched them; rows back in the
    dataset lose the mark."""
    if plan.table.name not in TRACKS_MISSING:
        return
    layer = plan.layer
    for key, (pk, _) in plan.existing.items():
        if key in plan.records:
            if pk in layer.marked:
                plan.unmark.append(pk)
        elif str(pk) not in layer.whole:  # created on the site: never in the dataset
            (plan.missing_kept if str(pk) in layer.touched else plan.missing_marked).append(pk)


def write_layer(plan: TablePlan, ids: Ids) -> None:
    model, layer = plan.table.model, plan.layer
    batch = 500
    at = now()
    marks = [pk for pk in plan.missing_marked if pk not in layer.marked]
    for pks, value in ((marks, at), (plan.unmark, None)):
        for start in range(0, len(pks), batch):
            model._base_manager.filter(pk__in=pks[start : start + batch]).update(
                missing_since=value
            )
    DatasetConflict.objects.filter(pk__in=plan.conflicts_closed).delete()
    held = plan.conflicts_new + plan.conflicts_updated
    if not held:
        return
    from atlas.editing.services import label_of

    relations = [f.name for f in model._meta.concrete_fields if f.is_relation]
    records = model._base_manager.select_related(*relations).in_bulk([h.pk for h in held])
    conflicts = []
    for item in held:
        target = item.target
        if isinstance(target, Many):
            dataset_value = to_site_many(target.ref, item.value, ids)
        else:
            dataset_value = to_site(target.ref, item.value, ids)
        places = municipalities_of(plan.table, item.key, item.pk, ids)
        conflicts.append(
            DatasetConflict(
                pk=item.conflict_id,
                content_type=layer.content_type,
                object_id=str(item.pk),
                label=label_of(records[item.pk])[:300],
                municipality_id=places[0],
                other_municipality_id=places[1],
                field=item.field,
                dataset_value=dataset_value,
                site_value=item.site_value,
                site_set_by_id=item.owned.set_by_id,
                site_set_at=item.owned.set_at,
                status=OPEN,
                raised_at=at,
                decided_by=None,
                decided_at=None,
            )
        )
    new = [conflict for conflict in conflicts if conflict.pk is None]
    DatasetConflict.objects.bulk_create(new, batch_size=batch)
    old = [conflict for conflict in conflicts if conflict.pk is not None]
    fields = ["label", "dataset_value", "site_value", "site_set_by", "site_set_at", "status"]
    fields += ["raised_at", "decided_by", "decided_at"]
    DatasetConflict.objects.bulk_update(old, fields, batch_size=batch)


def municipalities_of(table: Table, key: Any, pk: Any, ids: Ids) -> tuple[Any, Any]:
    """The municipalities whose staff review a conflict on the row: the row itself, or
    those its key names (both towns of a partnership)."""
    if table.name == "municipalities":
        return pk, None
    keys = key if isinstance(key, tuple) else (key,)
    found = [
        ids["municipalities"].get(value)
        for column, value in zip(table.key, keys, strict=False)
        if column.ref == "municipalities" and value is not None
    ]
    first, second, *_ = [*found, None, None]
    return first, second


# How many rows the report names in each list.
LISTED = 10


@dataclass
class Missing:
    """Rows of one table that the dataset no longer has."""

    table: str
    marked: int
    kept: int
    names: list[str]

    @property
    def count(self) -> int:
        return self.marked + self.kept


@dataclass
class LayerReport:
    kept: int = 0
    conflicts_new: int = 0
    conflicts_updated: int = 0
    missing: list[Missing] = field(default_factory=list)

    def lines(self, dry_run: bool) -> list[str]:
        would = "would be " if dry_run else ""
        lines = [
            f"Site edits kept: {self.kept:,} field(s) that people set differ from the dataset "
            "and keep the site's value.",
            f"Conflicts set aside for staff to review: {self.conflicts_new:,} new, "
            f"{self.conflicts_updated:,} updated.",
        ]
        for missing in self.missing:
            line = (
                f"{missing.table.capitalize()} no longer in the dataset: {missing.count:,} "
                f"({missing.marked:,} {would}marked as no longer in the source, "
                f"{missing.kept:,} kept as people edited them)"
            )
            if missing.names:
                more = missing.count - len(missing.names)
                line += ": " + "; ".join(missing.names) + (f" and {more:,} more" if more else "")
            lines.append(line + ".")
        return lines


def layer_report(plans: Iterable[TablePlan]) -> LayerReport:
    report = LayerReport()
    for plan in plans:
        report.kept += plan.kept
        report.conflicts_new += len(plan.conflicts_new)
        report.conflicts_updated += len(plan.conflicts_updated)
        if plan.table.name not in TRACKS_MISSING:
            continue
        model = plan.table.model
        kept, marked = plan.missing_kept, plan.missing_marked
        listed = (kept + marked)[:LISTED]
        relations = [f.name for f in model._meta.concrete_fields if f.is_relation]
        records = model._base_manager.select_related(*relations).in_bulk(listed)
        names = [f"{records[pk]} ({'kept' if pk in kept else 'marked'})" for pk in listed]
        report.missing.append(
            Missing(str(model._meta.verbose_name_plural), len(marked), len(kept), names)
        )
    return report
