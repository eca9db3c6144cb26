from django.contrib import admin

from atlas.accounts.models import CoordinatorRole, StaffRole


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "country", "network", "created_at"]
    list_filter = ["country"]
    search_fields = ["user__email", "user__first_name", "network__name", "country__name_en"]
    autocomplete_fields = ["user", "network"]
    list_select_related = ["user", "country", "network"]


@admin.register(CoordinatorRole)
class CoordinatorRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "municipality", "status", "requested_at", "decided_by", "decided_at"]
    list_filter = ["status", "municipality__country"]
    search_fields = ["user__email", "user__first_name", "municipality__name", "position"]
    autocomplete_fields = ["user", "municipality", "decided_by"]
    list_select_related = ["user", "municipality", "decided_by"]
    readonly_fields = ["requested_at"]
    date_hierarchy = "requested_at"
