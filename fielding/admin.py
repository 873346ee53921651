from django.contrib import admin

from .models import FieldingJob, FieldingRun


@admin.register(FieldingRun)
class FieldingRunAdmin(admin.ModelAdmin):
    list_display = ("remote_id", "target_group", "status", "start_fielding_at", "end_fielding_at", "version")
    list_filter = ("status",)
    search_fields = ("remote_id", "target_group__name")
    list_select_related = ("target_group",)
    readonly_fields = ("remote_id", "etag", "version", "last_changed_at", "last_changed_by", "synced_at")
    raw_id_fields = ("target_group",)


@admin.register(FieldingJob)
class FieldingJobAdmin(admin.ModelAdmin):
    list_display = ("kind", "project", "target_group", "status", "remote_job_id", "polls", "created_at", "finished_at")
    list_filter = ("kind", "status")
    search_fields = ("remote_job_id", "target_group__name", "project__name")
    list_select_related = ("project", "target_group")
    readonly_fields = ("remote_job_id", "result", "failure_reason", "polls", "created_at", "updated_at", "finished_at")
    raw_id_fields = ("project", "target_group", "target_groups", "requested_by")
