"""People and what they may do: coordinators of municipalities, association staff who
approve them, and administrators (Django's superusers), who manage everything.

An account is Django's own `User`, with the e-mail address, lower-cased, as its username
(see `normalize_email`), so logging in by e-mail is case-insensitive and each address has one
account."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from atlas.directory.models import Country, Membership, Municipality, Network

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    AnyUser = User | AnonymousUser

Rows = TypeVar("Rows", bound=models.QuerySet)


def normalize_email(email: str) -> str:
    """The form of an address used as the username: trimmed and lower-cased.

    >>> normalize_email("  Ana.Novak@Kamnik.SI ")
    'ana.novak@kamnik.si'
    """
    return email.strip().lower()


class PendingSignUpQuerySet(models.QuerySet):
    def expired(self) -> PendingSignUpQuerySet:
        age = timedelta(seconds=settings.ACCOUNT_CONFIRMATION_MAX_AGE)
        return self.filter(created_at__lt=now() - age)

    def unexpired(self) -> PendingSignUpQuerySet:
        age = timedelta(seconds=settings.ACCOUNT_CONFIRMATION_MAX_AGE)
        return self.filter(created_at__gte=now() - age)


class PendingSignUp(models.Model):
    """One sign-up that waits for its address to be confirmed: the name and the password
    (hashed) typed in that attempt. Confirming the link mailed for it opens the account
    with exactly these, and ends every other attempt for the address: whoever proves the
    address chooses the password, not whoever typed it first. Expired ones are deleted by
    the daily tidy-up (atlas/jobs/periodic.py)."""

    email = models.EmailField(_("e-mail address"), max_length=150, db_index=True)
    name = models.CharField(_("name"), max_length=150)
    password = models.CharField(_("password"), max_length=128)
    language = models.CharField(_("language"), max_length=10)
    created_at = models.DateTimeField(_("created at"), default=now)

    objects = PendingSignUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("pending sign-up")
        verbose_name_plural = _("pending sign-ups")

    def __str__(self) -> str:
        return self.email

    @property
    def is_expired(self) -> bool:
        return self.created_at < now() - timedelta(seconds=settings.ACCOUNT_CONFIRMATION_MAX_AGE)


def overseen_by(user: AnyUser, rows: Rows, *municipality_fields: str, own: str = "") -> Rows:
    """The `rows` that `user` oversees: all of them for an administrator; for association
    staff, those whose municipality (at any of `municipality_fields`, "municipality" when
    none is named, "" for municipalities themselves) is in one of their countries or a
    member of one of their networks, but never their own (`own` names the field of the
    row's person); none for anyone else. One query, whatever the number of roles."""
    if not user.is_authenticated or not user.is_active:
        return rows.none()
    if user.is_superuser:
        return rows
    staff = StaffRole.objects.of(user)
    countries = staff.filter(country__isnull=False).values("country_id")
    networks = staff.filter(network__isnull=False).values("network_id")
    members = Membership.objects.filter(network_id__in=networks).values("municipality_id")
    scope = Q()
    for field in municipality_fields or ("municipality",):
        prefix, pk = (f"{field}__", f"{field}_id") if field else ("", "pk")
        scope |= Q(**{f"{prefix}country_id__in": countries}) | Q(**{f"{pk}__in": members})
    rows = rows.filter(scope)
    return rows.exclude(**{own: user.pk}) if own else rows


class StaffRoleQuerySet(models.QuerySet):
    def of(self, user: AnyUser) -> StaffRoleQuerySet:
        return self.filter(user_id=user.pk) if user.is_authenticated else self.none()


class StaffRole(models.Model):
    """A person who works for an association of municipalities (a national association,
    a network's secretariat) and vouches for the coordinators of the municipalities in
    their scope: every municipality of one country, or every member of one network."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_roles",
        verbose_name=_("user"),
    )
    country = models.ForeignKey(
        Country,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="staff_roles",
        verbose_name=_("country"),
    )
    network = models.ForeignKey(
        Network,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="staff_roles",
        verbose_name=_("network"),
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    objects = StaffRoleQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.CheckConstraint(
                condition=Q(country__isnull=False, network__isnull=True)
                | Q(country__isnull=True, network__isnull=False),
                name="staff_role_country_or_network",
            ),
            models.UniqueConstraint(
                fields=["user", "country"],
                condition=Q(country__isnull=False),
                name="staff_role_user_country_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "network"],
                condition=Q(network__isnull=False),
                name="staff_role_user_network_unique",
            ),
        ]

    def __str__(self) -> str:
        return str(self.scope)

    @property
    def scope(self) -> Country | Network | None:
        return self.country or self.network


class CoordinatorRoleQuerySet(models.QuerySet):
    def of(self, user: AnyUser) -> CoordinatorRoleQuerySet:
        return self.filter(user_id=user.pk) if user.is_authenticated else self.none()

    def pending(self) -> CoordinatorRoleQuerySet:
        return self.filter(status=CoordinatorRole.Status.REQUESTED)

    def approved(self) -> CoordinatorRoleQuerySet:
        return self.filter(status=CoordinatorRole.Status.APPROVED)

    def current(self) -> CoordinatorRoleQuerySet:
        """Roles in force: approved, of an active account. A role ends when staff refuse it
        after all, an administrator deletes it or deactivates the account, or the account
        is deleted; whatever builds on `current` ends with it."""
        return self.approved().filter(user__is_active=True)

    def decidable_by(self, user: AnyUser) -> CoordinatorRoleQuerySet:
        """The requests `user` may approve or refuse: all for an administrator; for staff,
        those for municipalities of their countries and members of their networks, but
        never their own. One query, whatever the number of roles."""
        return overseen_by(user, self, own="user_id")


def coordinated_municipality_ids(user: AnyUser) -> models.QuerySet:
    """The ids of the municipalities `user` coordinates now, as a subquery: what the board
    (and anything else a municipality owns) asks to decide who manages its records. It is
    evaluated on every request, so a former coordinator loses access the moment the role
    ends, even on what they wrote themselves."""
    return CoordinatorRole.objects.of(user).current().values_list("municipality_id", flat=True)


def coordinator_emails(municipality_id: int) -> list[str]:
    """The addresses of the current coordinators of a municipality: who hears about its
    board entries and conversations and about partnership proposals to it."""
    return [
        email
        for email in CoordinatorRole.objects.current()
        .filter(municipality_id=municipality_id)
        .values_list("user__email", flat=True)
        if email
    ]


class CoordinatorRole(models.Model):
    """A person's role as coordinator of a municipality: the one who keeps its partnerships,
    networks and partner searches up to date in the atlas. They ask for it; association
    staff of the municipality's country or network, or an administrator, approve it or
    refuse it. A municipality can have several coordinators, and a person can coordinate
    several municipalities."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="coordinator_roles",
        verbose_name=_("user"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="coordinator_roles",
        verbose_name=_("municipality"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    position = models.CharField(
        pgettext_lazy("job", "position"),
        max_length=200,
        help_text=_("The requester's position at the municipality, as they typed it."),
    )
    message = models.TextField(_("message"), max_length=2000, blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), max_length=2000, blank=True)

    objects = CoordinatorRoleQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("coordinator role")
        verbose_name_plural = _("coordinator roles")
        constraints = [
            # A refused request stays on record; the person may ask again.
            models.UniqueConstraint(
                fields=["user", "municipality"],
                condition=Q(status__in=["requested", "approved"]),
                name="coordinator_role_one_open_per_user_and_municipality",
            ),
            models.CheckConstraint(
                condition=Q(status="requested", decided_at__isnull=True)
                | Q(status__in=["approved", "refused"], decided_at__isnull=False),
                name="coordinator_role_decided_at_iff_decided",
            ),
        ]

    def __str__(self) -> str:
        return _("%(user)s for %(municipality)s (%(status)s)") % {
            "user": self.user,
            "municipality": self.municipality,
            "status": self.get_status_display(),
        }

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.REQUESTED

    def can_be_decided_by(self, user: AnyUser) -> bool:
        return CoordinatorRole.objects.decidable_by(user).filter(pk=self.pk).exists()
