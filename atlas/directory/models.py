"""The atlas's domain: municipalities, the partnerships between them, the networks they
cooperate in, the projects that come out of them, and where every fact comes from."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, F, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.timezone import now
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries as country_names

LANGUAGE_CODES = ("en", "sl", "sk", "cs", "de")
COORDINATORS_SOURCE = "atlas-coordinators"


class Source(models.Model):
    """A data set or document that facts were taken from, with its licence.

    Every imported record points at one, so the site can say where each fact comes from
    and attribute it as its licence requires."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("address"), blank=True)
    licence = models.CharField(_("licence"), max_length=100)
    licence_url = models.URLField(_("licence address"), blank=True)
    attribution = models.TextField(_("attribution"), blank=True)
    description = models.TextField(_("description"), blank=True)
    retrieved = models.DateField(_("retrieved"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def coordinators(cls) -> Source:
        """The source of what coordinators enter on the site themselves."""
        return cls.objects.get_or_create(
            key=COORDINATORS_SOURCE,
            defaults={
                "name": "Twinning Atlas coordinators",
                "licence": "CC BY 4.0",
                "licence_url": "https://creativecommons.org/licenses/by/4.0/",
                "description": "Entered and confirmed by the municipalities' own coordinators.",
            },
        )[0]


class Country(models.Model):
    """A country or territory, keyed by its ISO 3166-1 alpha-2 code (XK for Kosovo)."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name_en = models.CharField(_("English name"), max_length=100)
    eu_member = models.BooleanField(_("EU member"), default=False)
    covered = models.BooleanField(
        _("covered"),
        default=False,
        help_text=_("All of its municipalities are in the atlas, not only partner towns."),
    )

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("country", args=[self.code.lower()])

    @property
    def name(self) -> str:
        """The country's name in the active language."""
        return str(country_names.name(self.code) or self.name_en)

    @property
    def flag(self) -> str:
        """The flag emoji, built from the two regional indicator letters."""
        return "".join(chr(0x1F1E6 + ord(letter) - ord("A")) for letter in self.code.upper())


class Theme(models.Model):
    """An area of cooperation from a controlled vocabulary (culture, sport, youth, …)."""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80)
    name_sl = models.CharField(_("name (Slovenian)"), max_length=80)
    name_sk = models.CharField(_("name (Slovak)"), max_length=80)
    name_cs = models.CharField(_("name (Czech)"), max_length=80)
    name_de = models.CharField(_("name (German)"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "en")[:2]
        if language not in LANGUAGE_CODES:
            language = "en"
        return getattr(self, f"name_{language}") or self.name_en


class MunicipalityQuerySet(models.QuerySet):
    def in_country(self, code: str) -> MunicipalityQuerySet:
        return self.filter(country_id=code.upper())

    def with_partner_counts(self) -> MunicipalityQuerySet:
        """Annotate `partner_count`: partnerships on either side of the pair."""

        def count_on(side: str) -> Subquery:
            return Subquery(
                Partnership.objects.filter(**{side: OuterRef("pk")})
                .order_by()
                .values(side)
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=models.IntegerField(),
            )

        return self.annotate(
            partner_count=Coalesce(count_on("municipality_a"), Value(0))
            + Coalesce(count_on("municipality_b"), Value(0))
        )


class Municipality(models.Model):
    """A local authority: an LAU municipality of a covered country, a part of a city that
    Eurostat lists separately (Bratislava, Košice), or a partner place elsewhere."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("municipality")
        CITY_PART = "city_part", _("city part")
        OTHER = "other", _("other place")

    external_id = models.CharField(_("stable id"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    name = models.CharField(_("name"), max_length=200)
    search_key = models.CharField(_("search key"), max_length=200, db_index=True, editable=False)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("country")
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.MUNICIPALITY
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parts",
        verbose_name=_("part of"),
    )
    lau_code = models.CharField(_("LAU code"), max_length=20, blank=True)
    nuts3 = models.CharField(_("NUTS 3 code"), max_length=5, blank=True, db_index=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("source")
    )
    # Set by a dataset load that no longer finds it; cleared when it comes back.
    missing_since = models.DateTimeField(
        _("no longer in the source since"), null=True, blank=True, editable=False
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["name", "country_id"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        indexes = [models.Index(fields=["country", "name"], name="municipality_country_name")]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="municipality_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="municipality_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("municipality", args=[self.slug])

    def partnerships(self) -> PartnershipQuerySet:
        return Partnership.objects.involving(self)

    @property
    def region(self) -> Network | None:
        """The NUTS 3 statistical region, where the atlas has it as a network."""
        if not self.nuts3:
            return None
        return Network.objects.filter(code=self.nuts3).first()


class MunicipalityName(models.Model):
    """Another name of a municipality: an exonym ("Beljak" is Slovenian for Villach), an
    official long form ("Mestna občina Kranj") or a name in another local language."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="other_names",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=200)
    language = models.CharField(
        _("language"), max_length=8, blank=True, help_text=_("Empty when the source does not say.")
    )
    search_key = models.CharField(_("search key"), max_length=200, db_index=True, editable=False)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="+", verbose_name=_("source")
    )

    class Meta:
        ordering = ["language", "name"]
        verbose_name = _("other name")
        verbose_name_plural = _("other names")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name", "language"], name="municipality_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SoftDeleteManager(models.Manager):
    """The default manager of records that coordinators can delete: it leaves out the
    deleted ones, which stay in the table (and in `all_objects`) so staff can restore them.
    The dataset loader uses the plain base manager and so sees them too."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class AllRecordsManager(models.Manager):
    """Every record, the deleted ones too."""


class Editable(models.Model):
    """What coordinators can change: a version number against lost updates (a save names
    the version it started from, and is refused when another save came first) and a soft
    deletion mark."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class PartnershipQuerySet(models.QuerySet):
    def involving(self, municipality: Municipality) -> PartnershipQuerySet:
        return self.filter(Q(municipality_a=municipality) | Q(municipality_b=municipality))

    def in_country(self, code: str) -> PartnershipQuerySet:
        code = code.upper()
        return self.filter(Q(municipality_a__country_id=code) | Q(municipality_b__country_id=code))

    def with_places(self) -> PartnershipQuerySet:
        return self.select_related(
            "municipality_a__country", "municipality_b__country"
        ).prefetch_related("sources", "themes")

    def matching(
        self,
        *,
        country: str = "",
        kind: str = "",
        status: str = "",
        theme: str = "",
        since: int | None = None,
        until: int | None = None,
        scope: str = "",
    ) -> PartnershipQuerySet:
        """The partnerships the site's filters choose: the list, the map, the exports and
        the API. An empty value does not filter. `since` and `until` bound the start year,
        so a partnership whose start is unknown drops out once either is given. `scope` is
        "domestic" (both partners in one country) or "international"."""
        found = self.in_country(country) if country else self
        if kind:
            found = found.filter(kind=kind)
        if status:
            found = found.filter(status=status)
        if theme:
            found = found.filter(themes__slug=theme)
        if since is not None:
            found = found.filter(start_year__gte=since)
        if until is not None:
            found = found.filter(start_year__lte=until)
        same_country = Q(municipality_a__country_id=F("municipality_b__country_id"))
        if scope == "domestic":
            found = found.filter(same_country)
        elif scope == "international":
            found = found.exclude(same_country)
        return found


class Partnership(Editable):
    """A lasting relationship between two municipalities: a twinning, a friendship, a
    cooperation agreement or a partnership formed for a project.

    The pair is unordered and stored once, with the lower id as `municipality_a`."""

    class Kind(models.TextChoices):
        TWINNING = "twinning", _("twinning / partnership")
        FRIENDSHIP = "friendship", _("friendship")
        COOPERATION = "cooperation", _("cooperation agreement")
        PROJECT = "project", _("project partnership")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        DORMANT = "dormant", _("dormant")
        ENDED = "ended", _("ended")
        UNKNOWN = "unknown", _("unknown")

    external_id = models.CharField(_("stable id"), max_length=200, unique=True)
    municipality_a = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="partnerships_as_a",
        verbose_name=_("municipality"),
    )
    municipality_b = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="partnerships_as_b",
        verbose_name=_("partner"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TWINNING)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UNKNOWN
    )
    start_year = models.PositiveSmallIntegerField(_("since (year)"), null=True, blank=True)
    start_date = models.DateField(_("since (date)"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("until (year)"), null=True, blank=True)
    end_date = models.DateField(_("until (date)"), null=True, blank=True)
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="partnerships", verbose_name=_("areas of cooperation")
    )
    sources = models.ManyToManyField(Source, related_name="partnerships", verbose_name=_("sources"))
    notes = models.TextField(_("notes"), blank=True)
    last_activity = models.DateField(
        _("last activity"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The date of the latest recorded activity."),
    )
    # Set by a dataset load that no longer finds it; cleared when it comes back.
    missing_since = models.DateTimeField(
        _("no longer in the source since"), null=True, blank=True, editable=False
    )

    objects = SoftDeleteManager.from_queryset(PartnershipQuerySet)()
    all_objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["municipality_a__name", "municipality_b__name"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.CheckConstraint(
                condition=~Q(municipality_a=F("municipality_b")), name="partnership_not_self"
            ),
            models.CheckConstraint(
                condition=Q(municipality_a__lt=F("municipality_b")),
                name="partnership_pair_ordered",
            ),
            models.UniqueConstraint(
                fields=["municipality_a", "municipality_b", "kind"],
                name="partnership_pair_kind_unique",
            ),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=F("start_year")),
                name="partnership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_a} – {self.municipality_b}"

    def partner_of(self, municipality: Municipality) -> Municipality:
        if municipality.pk == self.municipality_a_id:
            return self.municipality_b
        return self.municipality_a

    def update_last_activity(self) -> None:
        """Store the date of the latest activity that is not deleted."""
        latest = self.activities.aggregate(latest=Max("date"))["latest"]
        Partnership.all_objects.filter(pk=self.pk).update(last_activity=latest)
        self.last_activity = latest


class Network(models.Model):
    """A group in which municipalities cooperate: an association of municipalities, an
    alliance, a LEADER local action group, a statistical region, a development
    partnership, a thematic network or an initiative such as the Covenant of Mayors."""

    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("association of municipalities")
        ALLIANCE = "alliance", _("alliance")
        LOCAL_ACTION_GROUP = "local_action_group", _("local action group")
        STATISTICAL_REGION = "statistical_region", _("statistical region")
        DEVELOPMENT_PARTNERSHIP = "development_partnership", _("development partnership")
        THEMATIC_NETWORK = "thematic_network", _("thematic network")
        INITIATIVE = "initiative", _("initiative")

    external_id = models.CharField(_("stable id"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    code = models.CharField(
        _("code"), max_length=20, blank=True, db_index=True, help_text=_("NUTS code of a region.")
    )
    founded = models.PositiveSmallIntegerField(_("founded"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    stated_member_count = models.PositiveIntegerField(
        _("stated number of members"),
        null=True,
        blank=True,
        help_text=_("How many members the network says it has, where not all are listed here."),
    )
    countries = models.ManyToManyField(
        Country, blank=True, related_name="networks", verbose_name=_("countries")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="networks", verbose_name=_("source")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("network", args=[self.slug])


class Membership(Editable):
    """A municipality's membership in a network, with its role and period."""

    class Role(models.TextChoices):
        MEMBER = "member", _("member")
        FOUNDER = "founder", _("founding member")
        LEAD = "lead", _("lead / seat")
        SIGNATORY = "signatory", _("signatory")
        OBSERVER = "observer", _("observer")

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("network")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("municipality"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    start_year = models.PositiveSmallIntegerField(_("since"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("until"), null=True, blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("source")
    )

    objects = SoftDeleteManager()
    all_objects = AllRecordsManager()

    class Meta:
        ordering = ["network__name", "municipality__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "municipality"], name="membership_network_municipality_unique"
            )
        ]

    def __str__(self) -> str:
        return _("%(municipality)s in %(network)s") % {
            "municipality": self.municipality,
            "network": self.network,
        }


class FundingProgramme(models.Model):
    """A programme that funds cooperation projects (Interreg, CERV, LEADER, …)."""

    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    name = models.CharField(_("name"), max_length=300)
    funder = models.CharField(_("funder"), max_length=200, blank=True)
    period = models.CharField(_("period"), max_length=20, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("funding programme")
        verbose_name_plural = _("funding programmes")

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    """A cooperation project of municipalities or networks, usually with outside funding."""

    external_id = models.CharField(_("stable id"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    title = models.CharField(_("title"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=60, blank=True)
    programme = models.ForeignKey(
        FundingProgramme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("programme"),
    )
    funded_by = models.ForeignKey(
        Network,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="funded_projects",
        verbose_name=_("co-funded by network"),
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    budget_eur = models.DecimalField(
        _("budget (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="projects", verbose_name=_("themes")
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="projects", verbose_name=_("source")
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="project_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("project", args=[self.slug])


class ProjectPartner(Editable):
    """A municipality or a network taking part in a project. Coordinators edit their
    municipality's participations; networks' come from the dataset."""

    class Role(models.TextChoices):
        LEAD = "lead", _("lead partner")
        PARTNER = "partner", _("partner")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="partners", verbose_name=_("project")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="project_roles",
        verbose_name=_("municipality"),
    )
    network = models.ForeignKey(
        Network,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="project_roles",
        verbose_name=_("network"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PARTNER)

    objects = SoftDeleteManager()
    all_objects = AllRecordsManager()

    class Meta:
        ordering = ["role", "pk"]
        verbose_name = _("project partner")
        verbose_name_plural = _("project partners")
        constraints = [
            models.CheckConstraint(
                condition=Q(municipality__isnull=False, network__isnull=True)
                | Q(municipality__isnull=True, network__isnull=False),
                name="project_partner_one_kind",
            ),
            models.UniqueConstraint(
                fields=["project", "municipality"], name="project_partner_municipality_unique"
            ),
            models.UniqueConstraint(
                fields=["project", "network"], name="project_partner_network_unique"
            ),
        ]

    def __str__(self) -> str:
        return str(self.municipality or self.network)


class Activity(Editable):
    """Something the two partners did together: a visit, an exchange, a joint project, a
    meeting or an event. The latest one is the partnership's "last activity"."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("visit")
        EXCHANGE = "exchange", _("exchange")
        JOINT_PROJECT = "joint_project", _("joint project")
        MEETING = "meeting", _("meeting")
        EVENT = "event", _("event")

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="activities",
        verbose_name=_("partnership"),
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    participants = models.CharField(
        _("participants"),
        max_length=300,
        blank=True,
        help_text=_("Who took part, for example “Youth choir, 40 pupils”."),
    )
    link = models.URLField(_("link"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = SoftDeleteManager()
    all_objects = AllRecordsManager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"


class MunicipalityProfile(Editable):
    """What a municipality's own coordinators say about it: a description, the office's
    languages, the themes it cares about, what it looks for, and a contact that only
    coordinators and staff see."""

    municipality = models.OneToOneField(
        Municipality,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="profile",
        verbose_name=_("municipality"),
    )
    description = models.TextField(_("description"), max_length=5000, blank=True)
    website = models.URLField(_("website"), blank=True)
    office_languages = models.JSONField(
        _("languages spoken by the office"), default=list, blank=True
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="profiles", verbose_name=_("themes of interest")
    )
    seeking = models.TextField(_("what we look for"), max_length=3000, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=40, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("municipality profile")
        verbose_name_plural = _("municipality profiles")

    def __str__(self) -> str:
        return str(self.municipality)

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_name or self.contact_email or self.contact_phone)


class PartnershipProposal(models.Model):
    """What one side of a partnership proposes and the other side confirms: a new
    partnership (it becomes a public `Partnership` when a coordinator of the other
    municipality, or staff, confirms it), or a change to the kind, status, dates or areas
    of cooperation of an existing one (`Action.CHANGE`: `values` are applied to
    `partnership` when the other side confirms them)."""

    class Action(models.TextChoices):
        NEW = "new", _("new partnership")
        CHANGE = "change", _("change to a partnership")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        CONFIRMED = "confirmed", _("confirmed")
        REFUSED = "refused", _("refused")
        WITHDRAWN = "withdrawn", _("withdrawn")
        REPLACED = "replaced", _("replaced by a later proposal")
        STALE = "stale", _("out of date")

    proposer = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="proposals_made",
        verbose_name=_("proposed by municipality"),
    )
    partner = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="proposals_received",
        verbose_name=_("partner"),
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=Partnership.Kind.choices,
        default=Partnership.Kind.TWINNING,
    )
    start_year = models.PositiveSmallIntegerField(_("since (year)"), null=True, blank=True)
    message = models.TextField(_("message to the partner"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    action = models.CharField(
        _("proposes"), max_length=20, choices=Action.choices, default=Action.NEW
    )
    # A new partnership: the one its confirmation made. A change: the one it changes.
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("partnership"),
    )
    # A change: the proposed values and those they replace, in the form of
    # `services.values_of` (only the fields that change), and the version of the
    # partnership they were proposed on.
    values = models.JSONField(_("proposed values"), default=dict, blank=True)
    before = models.JSONField(_("values before"), default=dict, blank=True)
    base_version = models.PositiveIntegerField(_("based on version"), null=True, blank=True)
    applied_as = models.OneToOneField(
        "Change",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposal",
        verbose_name=_("applied as"),
    )

    class Meta:
        ordering = ["-proposed_at"]
        verbose_name = _("partnership proposal")
        verbose_name_plural = _("partnership proposals")
        constraints = [
            models.CheckConstraint(condition=~Q(proposer=F("partner")), name="proposal_not_self"),
            models.UniqueConstraint(
                fields=["proposer", "partner", "kind"],
                condition=Q(status="pending", action="new"),
                name="proposal_one_pending_per_pair",
            ),
            # A later change proposed by the same side replaces the pending one.
            models.UniqueConstraint(
                fields=["partnership", "proposer"],
                condition=Q(status="pending", action="change"),
                name="proposal_one_pending_change_per_side",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposer} – {self.partner}"

    @property
    def is_change(self) -> bool:
        return self.action == self.Action.CHANGE


class Change(models.Model):
    """One recorded change to what coordinators edit: who, when, and the values before and
    after. It is the history shown per municipality, and what a revert goes back to."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        CHANGED = "changed", _("changed")
        DELETED = "deleted", _("deleted")
        RESTORED = "restored", _("restored")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("municipality"),
    )
    # A partnership, or one of its activities, is in the history of both towns.
    other_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("other municipality"),
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("kind of record")
    )
    object_id = models.PositiveBigIntegerField(_("record"))
    record = GenericForeignKey("content_type", "object_id")
    label = models.CharField(_("record"), max_length=300)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=now, db_index=True)
    reverts = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reverted_by",
        verbose_name=_("reverts"),
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="change_record"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.label}"


def site_json(value: Any) -> Any:
    """A field's value as `SiteField` and `DatasetConflict` store it (the form the history
    uses): related records as primary keys, many-to-many as a sorted list of them, dates
    as ISO strings, decimals as strings."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (models.QuerySet, list, tuple, set, frozenset)):
        return sorted(site_json(item) for item in value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class SiteFieldQuerySet(models.QuerySet):
    def of(self, record: models.Model) -> SiteFieldQuerySet:
        return self.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=record.pk
        )

    def record_created(self, record: models.Model, *, acting_user) -> None:
        """A person created `record`: dataset loads never touch it."""
        self.update_or_create(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            field=SiteField.WHOLE_RECORD,
            defaults={"set_by": _person(acting_user), "set_at": now()},
        )

    def record_edit(
        self, record: models.Model, changes: dict[str, tuple[Any, Any]], *, acting_user
    ) -> None:
        """A person changed fields of `record`: `changes` maps each field to its values
        (before, after) in `site_json` form. A field takes the person's value over the
        dataset's, or goes back to the dataset when it is set to the dataset's value again
        (a revert of the person's change)."""
        if not changes:
            return
        content_type = ContentType.objects.get_for_model(record)
        rows = SiteField.objects.filter(content_type=content_type, object_id=record.pk)
        owned: dict[str, SiteField] = {row.field: row for row in rows.select_for_update()}
        if SiteField.WHOLE_RECORD in owned:
            return  # all of it is the site's already
        user, at = _person(acting_user), now()
        for name, (before, after) in changes.items():
            row = owned.get(name)
            base = row.dataset_value if row else before
            if after == base:
                if row:
                    row.delete()
            elif row:
                row.set_by, row.set_at = user, at
                row.save(update_fields=["set_by", "set_at"])
            else:
                self.create(
                    content_type=content_type,
                    object_id=record.pk,
                    field=name,
                    dataset_value=before,
                    set_by=user,
                    set_at=at,
                )
        # What staff see in an open conflict follows the site's value.
        for conflict in DatasetConflict.objects.open().filter(
            content_type=content_type, object_id=record.pk, field__in=list(changes)
        ):
            after = changes[conflict.field][1]
            if after == conflict.dataset_value:
                SiteField.objects.filter(
                    content_type=content_type, object_id=record.pk, field=conflict.field
                ).delete()
                conflict.decide(DatasetConflict.Status.ACCEPTED, acting_user)
            else:
                conflict.site_value, conflict.site_set_by, conflict.site_set_at = after, user, at
                conflict.save(update_fields=["site_value", "site_set_by", "site_set_at"])


def _person(user) -> Any:
    return user if user is not None and user.is_authenticated else None


class SiteField(models.Model):
    """A field of a record from the dataset that a person (a coordinator, staff, an
    administrator) set on the site: the site's value sits on top of the dataset's, and a
    dataset load leaves it as it is. `dataset_value` is what the dataset said when the
    person set it, so that a load tells a new value of the dataset (a conflict for staff
    to review) from the one the person already replaced. A row for the field "*" says that
    a person created the whole record: a load never touches it."""

    WHOLE_RECORD = "*"

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("kind of record")
    )
    # Text, as countries are keyed by their code.
    object_id = models.CharField(_("record"), max_length=60)
    record = GenericForeignKey("content_type", "object_id")
    field = models.CharField(_("field"), max_length=60)
    dataset_value = models.JSONField(_("value in the dataset"), null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set by"),
    )
    set_at = models.DateTimeField(_("set at"), default=now)

    objects = SiteFieldQuerySet.as_manager()

    class Meta:
        verbose_name = _("field set on the site")
        verbose_name_plural = _("fields set on the site")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field"], name="site_field_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.content_type.model} {self.object_id}.{self.field}"


class DatasetConflictQuerySet(models.QuerySet):
    def open(self) -> DatasetConflictQuerySet:
        return self.filter(status=DatasetConflict.Status.OPEN)

    def in_country(self, code: str) -> DatasetConflictQuerySet:
        code = code.upper()
        return self.filter(
            Q(municipality__country_id=code) | Q(other_municipality__country_id=code)
        )


class DatasetConflict(models.Model):
    """A new value that the dataset brings for a field a person set on the site. The site
    keeps the person's value until staff accept the dataset's value (the field then
    follows the dataset again) or dismiss it (the same dataset value is not raised again)."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACCEPTED = "accepted", _("accepted")
        DISMISSED = "dismissed", _("dismissed")

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("kind of record")
    )
    object_id = models.CharField(_("record"), max_length=60)
    record = GenericForeignKey("content_type", "object_id")
    label = models.CharField(_("record"), max_length=300)
    # Whose staff review it: the record's municipality (both towns of a partnership);
    # none for networks, projects and sources, which only administrators review.
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    other_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("other municipality"),
    )
    field = models.CharField(_("field"), max_length=60)
    dataset_value = models.JSONField(_("value in the dataset"), null=True, blank=True)
    site_value = models.JSONField(_("value on the site"), null=True, blank=True)
    site_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set on the site by"),
    )
    site_set_at = models.DateTimeField(_("set on the site at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    raised_at = models.DateTimeField(_("raised at"), default=now, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = DatasetConflictQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("dataset conflict")
        verbose_name_plural = _("dataset conflicts")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field"], name="dataset_conflict_unique"
            )
        ]
        indexes = [models.Index(fields=["status", "raised_at"], name="dataset_conflict_open")]

    def __str__(self) -> str:
        return f"{self.label}: {self.field}"

    def decide(self, status: str, acting_user) -> None:
        self.status, self.decided_by, self.decided_at = status, _person(acting_user), now()
        self.save(update_fields=["status", "decided_by", "decided_at"])


class DataStamp(models.Model):
    """When the atlas's public data last changed: one row, touched by every write that
    changes what the public pages show (a dataset load, later an edit). Caches and the
    ETag/Last-Modified of data endpoints are keyed on it, so they never serve stale data."""

    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("data stamp")
        verbose_name_plural = _("data stamps")

    def __str__(self) -> str:
        return self.changed_at.isoformat()

    @classmethod
    def current(cls) -> datetime:
        """When the data last changed (the first call on an empty database starts it now)."""
        return cls.objects.get_or_create(pk=1, defaults={"changed_at": now()})[0].changed_at

    @classmethod
    def touch(cls) -> datetime:
        """Record that the data changed now; returns the new time."""
        changed_at = now()
        cls.objects.update_or_create(pk=1, defaults={"changed_at": changed_at})
        return changed_at
