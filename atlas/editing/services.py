"""Writes that coordinators make, each recorded as a `Change` (who, when, the values
before and after) so that it shows in the history and can be reverted, and as a
`SiteField` so that a dataset load keeps what people set (docs/editing.md).

Every save names the version of the record it started from and is refused with
`Conflict` when someone else saved the record in between: no lost updates. Every write
touches the `DataStamp`, so the map, search and matchmaking see it at once."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils.timezone import now
from django.utils.translation import gettext as _

from atlas.directory.models import (
    Activity,
    Change,
    DatasetConflict,
    DataStamp,
    Membership,
    Municipality,
    MunicipalityProfile,
    Network,
    Partnership,
    Project,
    ProjectPartner,
    SiteField,
    Source,
)

# The fields of each record that coordinators edit and the history shows.
FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    MunicipalityProfile: (
        "description",
        "website",
        "office_languages",
        "themes",
        "seeking",
        "contact_name",
        "contact_email",
        "contact_phone",
    ),
    Partnership: (
        "kind",
        "status",
        "start_year",
        "start_date",
        "end_year",
        "end_date",
        "notes",
        "themes",
    ),
    Membership: ("network", "role", "start_year", "end_year"),
    Activity: ("date", "title", "kind", "participants", "link"),
    ProjectPartner: ("project", "role"),
}


class Conflict(Exception):
    """The record changed (or was deleted) since the form was opened."""

    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or _(
                "Someone else saved this record after you opened the form. Nothing was saved: "
                "the form now shows their version; make your change again."
            )
        )


def values_of(record: models.Model) -> dict[str, Any]:
    """The tracked values of `record` as JSON: foreign keys and many-to-many fields as
    primary keys, dates as ISO strings."""
    values: dict[str, Any] = {}
    for name in FIELDS[type(record)]:
        field: Any = record._meta.get_field(name)
        if field.many_to_many:
            values[name] = sorted(getattr(record, name).values_list("pk", flat=True))
            continue
        value = getattr(record, field.attname)
        if isinstance(value, (date, datetime)):
            value = value.isoformat()
        values[name] = value
    return values


def municipalities_of(record: models.Model) -> tuple[Municipality, Municipality | None]:
    """Whose history a change to `record` belongs to."""
    if isinstance(record, Activity):
        record = record.partnership
    if isinstance(record, Partnership):
        return record.municipality_a, record.municipality_b
    # Memberships, profiles and project participations (coordinators edit only those of
    # municipalities, never a network's).
    return record.municipality, None  # type: ignore[attr-defined]


def label_of(record: models.Model) -> str:
    """How the history names `record`."""
    if isinstance(record, ProjectPartner) and record.municipality_id:
        return _("%(municipality)s in the project %(project)s") % {
            "municipality": record.municipality,
            "project": record.project,
        }
    return str(record)


def _record(
    record: models.Model,
    action: str,
    before: dict[str, Any],
    after: dict[str, Any],
    acting_user,
    reverts: Change | None = None,
) -> Change:
    municipality, other = municipalities_of(record)
    DataStamp.touch()
    if isinstance(record, Activity):
        record.partnership.update_last_activity()
    return Change.objects.create(
        municipality=municipality,
        other_municipality=other,
        record=record,
        label=label_of(record)[:300],
        action=action,
        before=before,
        after=after,
        user=acting_user if acting_user and acting_user.is_authenticated else None,
        reverts=reverts,
    )


def _stored(record: models.Model) -> Any:
    """`record` as the database has it now."""
    return type(record)._base_manager.get(pk=record.pk)


def _claim_version(record: models.Model, version: int) -> None:
    """Move `record` to its next version if it is still at `version`, else `Conflict`."""
    model = type(record)
    claimed = model._base_manager.filter(
        pk=record.pk, version=version, deleted_at__isnull=True
    ).update(version=F("version") + 1)
    if not claimed:
        if model._base_manager.filter(pk=record.pk, deleted_at__isnull=False).exists():
            raise Conflict(_("This record has been deleted since you opened the form."))
        raise Conflict
    record.version = version + 1  # type: ignore[attr-defined]


def _apply(record: models.Model, values: dict[str, Any]) -> None:
    """Set `values` (as `values_of` gives them, or as a form cleans them) and save."""
    plain = []
    for name, value in values.items():
        field: Any = record._meta.get_field(name)
        if field.many_to_many:
            continue
        setattr(record, field.attname, field.to_python(value) if value is not None else None)
        plain.append(field.attname)
    # Fields such as the profile's `updated_at` are set on every save that names them.
    plain += [f.attname for f in record._meta.concrete_fields if getattr(f, "auto_now", False)]
    if plain:
        record.save(update_fields=plain)
    for name, value in values.items():
        if record._meta.get_field(name).many_to_many:
            getattr(record, name).set(value)


def _jsonable(record: models.Model, values: dict[str, Any]) -> dict[str, Any]:
    """Form values (model instances, querysets, dates) in the form `values_of` gives."""
    result = {}
    for name, value in values.items():
        field = record._meta.get_field(name)
        if field.many_to_many:
            # Model instances from a form, or primary keys from a recorded change.
            value = sorted(getattr(item, "pk", item) for item in value)
        elif isinstance(value, models.Model):
            value = value.pk
        elif isinstance(value, (date, datetime)):
            value = value.isoformat()
        result[name] = value
    return result


def changed_values(record: models.Model, values: dict[str, Any]) -> tuple[dict, dict]:
    """The fields of `values` (as a form cleans them) that differ from what is stored for
    `record`: their stored values and the wanted ones, both as `values_of` gives them."""
    before = values_of(_stored(record))
    wanted = _jsonable(record, values)
    changed = {name: value for name, value in wanted.items() if before.get(name) != value}
    return {name: before[name] for name in changed}, changed


@transaction.atomic
def create(record: models.Model, *, acting_user, many: dict[str, Any] | None = None) -> Change:
    """Save the new `record` (with its many-to-many values) and record it."""
    record.save()
    for name, value in (many or {}).items():
        getattr(record, name).set(value)
    SiteField.objects.record_created(record, acting_user=acting_user)
    return _record(record, Change.Action.CREATED, {}, values_of(record), acting_user)


@transaction.atomic
def update(
    record: models.Model,
    *,
    acting_user,
    version: int,
    values: dict[str, Any],
    reverts: Change | None = None,
) -> Change | None:
    """Save `values` on `record` if nobody saved it since `version`; None when nothing
    changed."""
    # Compared with the stored row, not with `record`: a model form has already set the
    # typed values on its instance when it validated.
    stored = _stored(record)
    before = values_of(stored)
    wanted = _jsonable(record, values)
    changed = {name: value for name, value in wanted.items() if before.get(name) != value}
    if not changed:
        if stored.version != version or stored.deleted_at is not None:
            _claim_version(stored, version)  # raises the fitting Conflict
        return None
    _claim_version(record, version)
    _apply(record, changed)
    after = values_of(record)
    # What a person sets sits on top of the dataset: a load keeps it.
    SiteField.objects.record_edit(
        record, {name: (before[name], after[name]) for name in changed}, acting_user=acting_user
    )
    return _record(
        record,
        Change.Action.CHANGED,
        {name: before[name] for name in changed},
        {name: after[name] for name in changed},
        acting_user,
        reverts,
    )


@transaction.atomic
def delete(
    record: models.Model, *, acting_user, version: int, reverts: Change | None = None
) -> Change:
    """Mark `record` deleted; staff can restore it from the history."""
    _claim_version(record, version)
    record.deleted_at = now()  # type: ignore[attr-defined]
    record.save(update_fields=["deleted_at"])
    return _record(record, Change.Action.DELETED, values_of(record), {}, acting_user, reverts)


@transaction.atomic
def restore(record: models.Model, *, acting_user, reverts: Change | None = None) -> Change:
    """Bring back the deleted `record`."""
    if record.deleted_at is None:  # type: ignore[attr-defined]
        raise Conflict(_("This record is not deleted."))
    record.deleted_at = None  # type: ignore[attr-defined]
    record.version += 1  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            record.save(update_fields=["deleted_at", "version"])
    except IntegrityError:
        raise Conflict(
            _("It cannot be restored: an equal record has been added since it was deleted.")
        ) from None
    return _record(record, Change.Action.RESTORED, {}, values_of(record), acting_user, reverts)


@transaction.atomic
def revert(change: Change, *, acting_user) -> Change | None:
    """Undo `change`: put back the values it replaced, delete what it created, restore
    what it deleted. The undoing is itself a change, which can be reverted in turn.

    A change whose fields have been changed again since is not reverted (`Conflict`):
    that would silently undo the later change too."""
    model = change.content_type.model_class()
    record: Any = model._base_manager.filter(pk=change.object_id).first() if model else None
    if record is None:
        raise Conflict(_("The record no longer exists."))
    if change.action == Change.Action.CHANGED:
        if record.deleted_at is not None:
            raise Conflict(_("The record has been deleted since; restore it first."))
        current = values_of(record)
        if any(current.get(name) != value for name, value in change.after.items()):
            raise Conflict(
                _(
                    "This record has been changed again since. Revert the later change "
                    "first, or edit the record."
                )
            )
        return update(
            record,
            acting_user=acting_user,
            version=record.version,
            values=change.before,
            reverts=change,
        )
    if change.action in (Change.Action.CREATED, Change.Action.RESTORED):
        if record.deleted_at is not None:
            raise Conflict(_("The record is already deleted."))
        return delete(record, acting_user=acting_user, version=record.version, reverts=change)
    return restore(record, acting_user=acting_user, reverts=change)


@transaction.atomic
def add_or_restore(
    *, acting_user, municipality: Municipality, joined: Network | Project, values: dict[str, Any]
) -> Change:
    """Record that `municipality` is a member of the network `joined` or takes part in the
    project `joined`, with `values` (its role; in a network also its years). A deleted
    membership or participation of the same pair is restored (and updated) rather than
    duplicated: the pair is unique, deleted or not."""
    model: type[Membership | ProjectPartner]
    if isinstance(joined, Network):
        model, name = Membership, "network"
        taken = _("%(municipality)s is already a member of %(network)s.")
    else:
        model, name = ProjectPartner, "project"
        taken = _("%(municipality)s already takes part in %(project)s.")
    pair = {name: joined, "municipality": municipality}
    existing = model.all_objects.select_for_update().filter(**pair).first()
    if existing is None:
        record = model(**pair, **values)
        if isinstance(record, Membership):  # a project participation names no source
            record.source = Source.coordinators()
        return create(record, acting_user=acting_user)
    if existing.deleted_at is None:
        raise Conflict(taken % {"municipality": municipality.name, name: str(joined)})
    restored = restore(existing, acting_user=acting_user)
    changed = update(existing, acting_user=acting_user, version=existing.version, values=values)
    return changed or restored


@transaction.atomic
def accept_conflict(conflict: DatasetConflict, *, acting_user) -> Change | None:
    """Apply the dataset's value of `conflict` to its record, as a change by
    `acting_user`; the field then follows the dataset again."""
    conflict = _open_conflict(conflict)
    model = conflict.content_type.model_class()
    record: Any = model._base_manager.filter(pk=conflict.object_id).first() if model else None
    if record is None:
        raise Conflict(_("The record no longer exists."))
    values = {conflict.field: conflict.dataset_value}
    change = None
    if type(record) in FIELDS and conflict.field in FIELDS[type(record)]:
        change = update(record, acting_user=acting_user, version=record.version, values=values)
    else:
        # Fields the history does not follow (an administrator's edit of a town).
        _apply(record, values)
        DataStamp.touch()
    SiteField.objects.of(record).filter(field=conflict.field).delete()
    conflict.decide(DatasetConflict.Status.ACCEPTED, acting_user)
    return change


@transaction.atomic
def dismiss_conflict(conflict: DatasetConflict, *, acting_user) -> None:
    """Keep the site's value of `conflict`: later loads bringing the same dataset value do
    not raise it again."""
    conflict = _open_conflict(conflict)
    conflict.decide(DatasetConflict.Status.DISMISSED, acting_user)
    SiteField.objects.filter(
        content_type=conflict.content_type, object_id=conflict.object_id, field=conflict.field
    ).update(dataset_value=conflict.dataset_value)


def _open_conflict(conflict: DatasetConflict) -> DatasetConflict:
    conflict = DatasetConflict.objects.select_for_update().get(pk=conflict.pk)
    if conflict.status != DatasetConflict.Status.OPEN:
        raise Conflict(_("This conflict has been decided already."))
    return conflict
