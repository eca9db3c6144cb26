from django.contrib import admin
from django.db import models
from django.db.models import F

from atlas.directory.models import (
    Activity,
    Change,
    Country,
    DataStamp,
    Editable,
    FundingProgramme,
    Membership,
    Municipality,
    MunicipalityName,
    MunicipalityProfile,
    Network,
    Partnership,
    PartnershipProposal,
    Project,
    ProjectPartner,
    SiteField,
    Source,
    Theme,
    site_json,
)
from atlas.lib.text import fold


def record_site_edit(form, user, *, created: bool) -> None:
    """Record the fields an admin form changed (or the record it created) as set by a
    person, so that a dataset load keeps them (see SiteField)."""
    record = form.instance
    if created:
        SiteField.objects.record_created(record, acting_user=user)
        return
    changes = {}
    for name in form.changed_data:
        if name not in form.cleaned_data:
            continue
        before, after = site_json(form.initial.get(name)), site_json(form.cleaned_data[name])
        if before != after:
            changes[name] = (before, after)
    SiteField.objects.record_edit(record, changes, acting_user=user)


class AtlasAdmin(admin.ModelAdmin):
    # Addresses typed without a scheme are taken as https, as Django 6 will do.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    # Every edit changes public data: touch the stamp that caches (the search index) are
    # keyed on. save_related runs last when an object is added or changed.
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # What an administrator sets sits on top of the dataset, as a coordinator's edit.
        record_site_edit(form, request.user, created=not change)
        for formset in formsets:
            for inline_form in formset.forms:
                if inline_form.instance.pk and inline_form.has_changed():
                    created = inline_form.instance in formset.new_objects
                    record_site_edit(inline_form, request.user, created=created)
        if isinstance(form.instance, Editable):
            # A coordinator's form opened before this save is then refused, not applied
            # over it (see atlas/editing/services.py).
            type(form.instance)._base_manager.filter(pk=form.instance.pk).update(
                version=F("version") + 1
            )
        for formset in formsets:
            # Editable rows edited inline (a project's partners) move on a version too.
            if issubclass(formset.model, Editable) and formset.changed_objects:
                formset.model._base_manager.filter(
                    pk__in=[record.pk for record, _fields in formset.changed_objects]
                ).update(version=F("version") + 1)
        DataStamp.touch()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        DataStamp.touch()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        DataStamp.touch()


class LargeTableAdmin(AtlasAdmin):
    """Admin for tables with tens of thousands of rows: no full count on every page."""

    show_full_result_count = False
    list_per_page = 50


@admin.register(Source)
class SourceAdmin(AtlasAdmin):
    list_display = ["name", "key", "licence", "retrieved"]
    search_fields = ["name", "key", "licence"]


@admin.register(Country)
class CountryAdmin(AtlasAdmin):
    list_display = ["code", "name_en", "eu_member", "covered"]
    list_filter = ["eu_member", "covered"]
    search_fields = ["code", "name_en"]


@admin.register(Theme)
class ThemeAdmin(AtlasAdmin):
    list_display = ["slug", "name_en", "name_sl", "name_sk", "name_cs", "name_de", "position"]
    search_fields = ["slug", "name_en", "name_sl", "name_sk", "name_cs", "name_de"]


class MunicipalityNameInline(admin.TabularInline):
    model = MunicipalityName
    extra = 0
    fields = ["name", "language", "source"]
    autocomplete_fields = ["source"]


@admin.register(Municipality)
class MunicipalityAdmin(LargeTableAdmin):
    list_display = ["name", "country", "kind", "lau_code", "nuts3", "population"]
    list_filter = ["kind", "country"]
    list_select_related = ["country"]
    search_fields = ["name", "search_key", "lau_code", "external_id", "slug"]
    autocomplete_fields = ["country", "parent", "source"]
    readonly_fields = ["search_key"]
    inlines = [MunicipalityNameInline]

    def get_search_results(self, request, queryset, search_term):
        # Also find "skofja loka" when the name is "Škofja Loka".
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term and fold(search_term):
            results |= queryset.filter(search_key__contains=fold(search_term))
        return results, may_have_duplicates

    def save_model(self, request, obj, form, change):
        obj.search_key = fold(obj.name)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for name in formset.save(commit=False):
            name.search_key = fold(name.name)
            name.save()
        for deleted in formset.deleted_objects:
            deleted.delete()
        formset.save_m2m()


@admin.register(Partnership)
class PartnershipAdmin(LargeTableAdmin):
    list_display = ["__str__", "kind", "status", "start_year", "end_year"]
    list_filter = ["kind", "status", "sources"]
    list_select_related = ["municipality_a", "municipality_b"]
    search_fields = ["municipality_a__name", "municipality_b__name", "external_id"]
    autocomplete_fields = ["municipality_a", "municipality_b", "themes", "sources"]
    ordering = ["pk"]


@admin.register(Network)
class NetworkAdmin(AtlasAdmin):
    list_display = ["name", "kind", "code", "founded", "parent"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["name", "name_en", "acronym", "code", "external_id"]
    autocomplete_fields = ["parent", "countries", "source"]


@admin.register(Membership)
class MembershipAdmin(LargeTableAdmin):
    list_display = ["municipality", "network", "role", "start_year", "end_year"]
    list_filter = ["role", "network__kind"]
    list_select_related = ["municipality", "network"]
    search_fields = ["municipality__name", "network__name"]
    autocomplete_fields = ["network", "municipality", "source"]


@admin.register(FundingProgramme)
class FundingProgrammeAdmin(AtlasAdmin):
    list_display = ["name", "funder", "period"]
    search_fields = ["name", "funder"]


class ProjectPartnerInline(admin.TabularInline):
    model = ProjectPartner
    extra = 0
    autocomplete_fields = ["municipality", "network"]


@admin.register(Project)
class ProjectAdmin(AtlasAdmin):
    list_display = ["title", "acronym", "programme", "start_date", "end_date"]
    list_filter = ["programme"]
    list_select_related = ["programme"]
    search_fields = ["title", "acronym", "external_id"]
    autocomplete_fields = ["programme", "funded_by", "themes", "source"]
    inlines = [ProjectPartnerInline]


@admin.register(Activity)
class ActivityAdmin(LargeTableAdmin):
    list_display = ["date", "title", "kind", "partnership"]
    list_filter = ["kind"]
    search_fields = ["title", "participants"]
    raw_id_fields = ["partnership", "created_by"]
    date_hierarchy = "date"


@admin.register(MunicipalityProfile)
class MunicipalityProfileAdmin(LargeTableAdmin):
    list_display = ["municipality", "updated_at"]
    search_fields = ["municipality__name"]
    raw_id_fields = ["municipality"]


@admin.register(PartnershipProposal)
class PartnershipProposalAdmin(LargeTableAdmin):
    list_display = ["proposer", "partner", "action", "kind", "status", "proposed_at"]
    list_filter = ["status", "action", "kind"]
    raw_id_fields = [
        "proposer",
        "partner",
        "proposed_by",
        "decided_by",
        "partnership",
        "applied_as",
    ]


@admin.register(Change)
class ChangeAdmin(LargeTableAdmin):
    """The history is a record: read here, reverted on the site where the change was
    made, never edited."""

    list_display = ["at", "action", "label", "municipality", "user"]
    list_filter = ["action", "content_type"]
    search_fields = ["label", "municipality__name"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
