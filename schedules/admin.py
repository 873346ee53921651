from django.contrib import admin

from .models import ScheduledChange, ScheduledRun


class ScheduledRunInline(admin.TabularInline):
    model = ScheduledRun
    extra = 0
    raw_id_fields = ("change", "plan_change")
    readonly_fields = ("due_at", "ran_at", "change", "plan_change", "message")


@admin.register(ScheduledChange)
class ScheduledChangeAdmin(admin.ModelAdmin):
    list_display = ("summary", "target_group", "study", "state", "run_at", "time_zone", "repeat", "requested_by")
    list_filter = ("state", "repeat", "action")
    search_fields = ("summary", "target_group__name", "study__name")
    raw_id_fields = ("target_group", "study", "profile", "requested_by")
    list_select_related = ("target_group", "study", "requested_by")
    inlines = [ScheduledRunInline]


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    list_display = ("schedule", "due_at", "ran_at", "change", "message")
    raw_id_fields = ("schedule", "change", "plan_change")
    list_select_related = ("schedule", "change")
