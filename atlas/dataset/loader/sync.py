"""Compare the wanted records with the database and write the difference in bulk.

Planning reads each table once into a dict by stable key and decides, per record,
create / update (which columns) / unchanged, without writing; writing then creates the
new rows, updates only the changed columns (grouped so that each UPDATE names few
columns) and adds or removes many-to-many links through the through tables."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import F

from atlas.directory.models import Editable

from .dataset import Dataset
from .fields import model_field
from .layers import Held, SiteLayer, alias_keys, hold, plan_missing, read_site_layer, write_layer
from .tables import STABLE_ID, TABLE, Record, Table

# Rows per INSERT/UPDATE; Django lowers it further to SQLite's limit of 999 variables.
BATCH_SIZE = 500


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class TablePlan:
    table: Table
    records: dict[Any, Record]
    # key -> (pk, current values by column name)
    existing: dict[Any, tuple[Any, dict[str, Any]]]
    # many name -> pk -> {stable id of the linked row: pk of the through row}
    existing_many: dict[str, dict[Any, dict[str, Any]]]
    layer: SiteLayer
    create: list[Any] = field(default_factory=list)
    update: dict[Any, tuple[list[str], list[str]]] = field(default_factory=dict)
    counts: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    # What people set on the site and the load keeps (see layers.py).
    aliases: dict[Any, Any] = field(default_factory=dict)
    kept: int = 0
    conflicts_new: list[Held] = field(default_factory=list)
    conflicts_updated: list[Held] = field(default_factory=list)
    conflicts_closed: list[int] = field(default_factory=list)
    missing_marked: list[Any] = field(default_factory=list)
    missing_kept: list[Any] = field(default_factory=list)
    unmark: list[Any] = field(default_factory=list)


def through_model(table: Table, name: str) -> tuple[type[models.Model], str, str]:
    """The through model of a many-to-many field and its two foreign key names."""
    m2m = table.model._meta.get_field(name)
    assert isinstance(m2m, models.ManyToManyField), f"{table.name}.{name} is not many-to-many"
    through = m2m.remote_field.through
    assert through is not None  # set when the models are loaded
    return through, m2m.m2m_field_name(), m2m.m2m_reverse_field_name()


def read_existing(table: Table) -> dict[Any, tuple[Any, dict[str, Any]]]:
    lookups = [column.lookup for column in table.key]
    lookups += ["pk"] + [column.lookup for column in table.columns]
    names = [column.name for column in table.columns]
    width = len(table.key)
    existing = {}
    rows = table.model._base_manager.order_by().values_list(*lookups)
    for row in rows.iterator(chunk_size=5000):
        existing[table.key_of(row[:width])] = (
            row[width],
            dict(zip(names, row[width + 1 :], strict=True)),
        )
    return existing


def read_existing_many(table: Table) -> dict[str, dict[Any, dict[str, Any]]]:
    result: dict[str, dict[Any, dict[str, Any]]] = {}
    for many in table.many:
        through, own, other = through_model(table, many.name)
        links: dict[Any, dict[str, Any]] = defaultdict(dict)
        rows = through._default_manager.values_list(
            "pk", f"{own}_id", f"{other}__{STABLE_ID[many.ref]}"
        )
        for pk, owner, stable_id in rows.iterator(chunk_size=5000):
            links[owner][stable_id] = pk
        result[many.name] = links
    return result


def plan_table(table: Table, data: Dataset, ids: Ids) -> TablePlan:
    """What to write for `table`; `ids` are the stable ids of the rows that exist now."""
    records = data.records[table.name]
    plan = TablePlan(
        table, records, read_existing(table), read_existing_many(table), read_site_layer(table)
    )
    alias_keys(plan, ids)
    names = [column.name for column in table.columns]
    for key, record in records.items():
        counts = plan.counts[record.file]
        current = plan.existing.get(key)
        if current is None:
            plan.create.append(key)
            counts.created += 1
            continue
        pk, values = current
        if str(pk) in plan.layer.whole:
            counts.unchanged += 1  # a person created it: all of it is theirs
            continue
        changed = [name for name in names if record.values[name] != values[name]]
        changed_many = [
            many.name
            for many in table.many
            if record.many.get(many.name, set()) != set(plan.existing_many[many.name].get(pk, ()))
        ]
        if str(pk) in plan.layer.fields:
            changed, changed_many = hold(plan, key, pk, values, changed, changed_many, ids)
        if changed or changed_many:
            plan.update[key] = (changed, changed_many)
            counts.updated += 1
        else:
            counts.unchanged += 1
    plan_missing(plan)
    _check_unique(plan, data)
    return plan


def _check_unique(plan: TablePlan, data: Dataset) -> None:
    """A slug (or partnership id) must stay unique once the records are written."""
    for name in plan.table.unique:
        owner = {
            values[name]: key
            for key, (_, values) in plan.existing.items()
            if key not in plan.records
        }
        for key, record in plan.records.items():
            value = record.values[name]
            other = owner.setdefault(value, key)
            if other != key:
                other_record = plan.records.get(other)
                where = f" ({other_record.where})" if other_record else " in the database"
                data.error(
                    record.where,
                    f"{name} {value!r} is already used by {plan.table.noun} {other!r}{where}",
                )


class Ids(dict):
    """Stable id -> pk, per table, read from the database when first needed."""

    def __missing__(self, table: str) -> dict[str, Any]:
        self[table] = self.read(table)
        return self[table]

    @staticmethod
    def read(table: str) -> dict[str, Any]:
        model = TABLE[table].model
        return dict(model._base_manager.order_by().values_list(STABLE_ID[table], "pk"))


def write_table(plan: TablePlan, ids: Ids) -> None:
    table = plan.table
    model = table.model
    columns = {column.name: column for column in (*table.key, *table.columns)}
    attnames = {name: model_field(model, c.field).attname for name, c in columns.items()}
    deferred: list[tuple[Any, str, str]] = []

    def attrs(key: Any, values: dict[str, Any], names: list[str], defer: bool) -> dict[str, Any]:
        result = {}
        for name in names:
            column, value = columns[name], values[name]
            if column.ref and value is not None:
                if defer and column.ref == table.name and value not in ids[table.name]:
                    # Points at a row of this table created in this same batch.
                    deferred.append((key, name, value))
                    value = None
                else:
                    value = ids[column.ref][value]
            result[attnames[name]] = value
        if (
            table.pair
            and "municipality_a_id" in result
            and (result["municipality_a_id"] > result["municipality_b_id"])
        ):
            result["municipality_a_id"], result["municipality_b_id"] = (
                result["municipality_b_id"],
                result["municipality_a_id"],
            )
        return result

    all_names = list(columns)
    new = [model(**attrs(key, plan.records[key].values, all_names, True)) for key in plan.create]
    model._base_manager.bulk_create(new, batch_size=BATCH_SIZE)

    if table.name in STABLE_ID and plan.create:
        ids[table.name] = Ids.read(table.name)
    pks = _pks(plan, ids)

    by_columns: dict[tuple[str, ...], list[models.Model]] = defaultdict(list)
    for key, (changed, _) in plan.update.items():
        if changed:
            values = plan.records[key].values
            by_columns[tuple(changed)].append(
                model(pk=pks[key], **attrs(key, values, changed, False))
            )
    for key, name, value in deferred:
        by_columns[(name,)].append(model(pk=pks[key], **{attnames[name]: ids[table.name][value]}))
    for names, objects in by_columns.items():
        fields = [columns[name].field for name in names]
        model._base_manager.bulk_update(objects, fields, batch_size=BATCH_SIZE)
    if issubclass(model, Editable) and plan.update:
        # A coordinator's form opened before this load is then refused, not saved over it.
        changed = [pks[key] for key in plan.update]
        for start in range(0, len(changed), BATCH_SIZE):
            model._base_manager.filter(pk__in=changed[start : start + BATCH_SIZE]).update(
                version=F("version") + 1
            )

    for many in table.many:
        _write_many(plan, many.name, many.ref, pks, ids)
    write_layer(plan, ids)


def _pks(plan: TablePlan, ids: Ids) -> dict[Any, Any]:
    """Key -> pk for every record, once the new rows exist."""
    if not plan.create:
        return {key: pk for key, (pk, _) in plan.existing.items()}
    if plan.table.name in STABLE_ID:
        return ids[plan.table.name]
    existing = read_existing(plan.table).items()
    return {plan.aliases.get(key, key): pk for key, (pk, _) in existing}


def _write_many(plan: TablePlan, name: str, ref: str, pks: dict[Any, Any], ids: Ids) -> None:
    through, own, other = through_model(plan.table, name)
    existing = plan.existing_many[name]
    add: list[models.Model] = []
    remove: list[Any] = []
    for key, record in plan.records.items():
        if key in plan.existing and (key not in plan.update or name not in plan.update[key][1]):
            continue
        pk = pks[key]
        want = record.many.get(name, set())
        have = existing.get(pk, {}) if key in plan.existing else {}
        for stable_id in sorted(want - have.keys()):
            add.append(through(**{f"{own}_id": pk, f"{other}_id": ids[ref][stable_id]}))
        remove.extend(have[stable_id] for stable_id in have.keys() - want)
    through._default_manager.bulk_create(add, batch_size=BATCH_SIZE)
    for start in range(0, len(remove), BATCH_SIZE):
        through._default_manager.filter(pk__in=remove[start : start + BATCH_SIZE]).delete()
