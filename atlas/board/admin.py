from django.contrib import admin

from atlas.board.models import Conversation, Entry, Message, Report, SavedSearch, SentAlert


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    autocomplete_fields = ["reporter", "resolved_by"]
    readonly_fields = ["created_at"]


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["title", "municipality", "kind", "purpose", "status", "deadline", "created_at"]
    list_filter = ["status", "kind", "purpose", "municipality__country"]
    search_fields = ["title", "text", "municipality__name", "author__email"]
    autocomplete_fields = ["municipality", "author", "moderated_by"]
    filter_horizontal = ["themes", "countries"]
    list_select_related = ["municipality"]
    readonly_fields = ["version", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    inlines = [ReportInline]


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    autocomplete_fields = ["sender"]


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["entry", "interested_municipality", "interested", "last_message_at"]
    search_fields = ["entry__title", "interested__email", "interested_municipality__name"]
    autocomplete_fields = ["entry", "interested", "interested_municipality"]
    list_select_related = ["entry", "interested", "interested_municipality"]
    readonly_fields = ["created_at"]
    inlines = [MessageInline]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["entry", "reporter", "created_at", "resolved_at", "resolved_by"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["entry__title", "reporter__email", "reason"]
    autocomplete_fields = ["entry", "reporter", "resolved_by"]
    list_select_related = ["entry", "reporter", "resolved_by"]


class SentAlertInline(admin.TabularInline):
    model = SentAlert
    extra = 0
    autocomplete_fields = ["entry"]


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ["user", "query", "created_at", "last_alert_at"]
    search_fields = ["user__email", "query"]
    autocomplete_fields = ["user"]
    list_select_related = ["user"]
    inlines = [SentAlertInline]
