from django.contrib import admin

from .models import RemoteChange, SyncRun, WebhookEvent


@admin.register(RemoteChange)
class RemoteChangeAdmin(admin.ModelAdmin):
    list_display = ("id", "summary", "target_group", "state", "attempts", "requested_by", "created_at", "finished_at")
    list_filter = ("state", "kind")
    search_fields = ("idempotency_key", "target_group__name", "summary", "message")
    list_select_related = ("target_group", "requested_by")
    readonly_fields = (
        "idempotency_key",
        "attempts",
        "response",
        "response_status",
        "sent_at",
        "finished_at",
        "created_at",
        "updated_at",
    )
    raw_id_fields = ("target_group", "profile", "requested_by")
    date_hierarchy = "created_at"


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ("event_id", "type", "subject", "time", "received_at", "processed_at", "outcome")
    list_filter = ("type", "connection")
    search_fields = ("event_id", "subject")
    readonly_fields = [f.name for f in WebhookEvent._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = (
        "started_at",
        "connection",
        "target_group",
        "finished_at",
        "requests_made",
        "objects_created",
        "objects_updated",
        "target_groups_unchanged",
        "error_count",
        "progress",
    )
    list_filter = ("connection",)
    readonly_fields = [f.name for f in SyncRun._meta.fields]

    def has_add_permission(self, request):
        return False

    @admin.display(description="projects read")
    def progress(self, run):
        return f"{run.projects_done} of {run.projects_total}" if run.projects_total else "—"
