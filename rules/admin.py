from django.contrib import admin

from .models import Reminder, Rule, RuleEpisode, StatusSeen


class RuleEpisodeInline(admin.TabularInline):
    model = RuleEpisode
    extra = 0
    raw_id_fields = ("target_group", "change")
    readonly_fields = (
        "target_group",
        "row_label",
        "opened_at",
        "figure",
        "threshold",
        "cleared_at",
        "change",
        "message",
    )


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "target_group",
        "connection",
        "study",
        "condition",
        "fire_at",
        "clear_at",
        "action",
        "enabled",
    )
    list_filter = ("enabled", "condition", "action", "preset")
    search_fields = ("name", "target_group__name", "study__name")
    raw_id_fields = ("target_group", "connection", "study", "created_by")
    list_select_related = ("target_group", "connection", "study")
    inlines = [RuleEpisodeInline]


@admin.register(RuleEpisode)
class RuleEpisodeAdmin(admin.ModelAdmin):
    list_display = ("rule", "target_group", "row_label", "opened_at", "figure", "threshold", "cleared_at", "change")
    raw_id_fields = ("rule", "target_group", "change")
    list_select_related = ("rule", "target_group", "change")


@admin.register(StatusSeen)
class StatusSeenAdmin(admin.ModelAdmin):
    list_display = ("target_group", "status", "since")
    raw_id_fields = ("target_group",)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("event", "key", "target_group", "opened_at", "cleared_at")
    list_filter = ("event",)
    raw_id_fields = ("target_group",)
