from django.contrib import admin

from .models import Project, SupplierConnection, TargetGroup

REMOTE_FIELDS = ("remote_id", "version", "remote_created_at", "remote_updated_at", "synced_at", "vanished_at")


@admin.register(SupplierConnection)
class SupplierConnectionAdmin(admin.ModelAdmin):
    list_display = ("label", "kind", "account_id", "is_active", "webhook_id", "last_synced_at")
    list_filter = ("kind", "is_active")
    search_fields = ("label", "account_id")
    # The webhook secret is issued by the supplier; it is never shown.
    exclude = ("webhook_secret",)
    readonly_fields = ("webhook_id", "last_synced_at")


class TargetGroupInline(admin.TabularInline):
    model = TargetGroup
    fields = ("name", "status", "locale", "filling_goal", "current_completes", "synced_at")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "connection", "status", "human_readable_id", "last_activity_at", "synced_at")
    list_filter = ("status", "connection")
    search_fields = ("name", "remote_id", "human_readable_id")
    readonly_fields = REMOTE_FIELDS
    inlines = [TargetGroupInline]


@admin.register(TargetGroup)
class TargetGroupAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "project",
        "status",
        "locale",
        "current_completes",
        "filling_goal",
        "cpi",
        "cpi_currency",
        "synced_at",
        "has_sync_error",
    )
    list_filter = ("status", "locale", "project__connection")
    search_fields = ("name", "remote_id", "human_readable_id", "project__name")
    list_select_related = ("project",)
    readonly_fields = REMOTE_FIELDS + (
        "current_completes",
        "current_prescreens",
        "median_length_of_interview_seconds",
        "incidence_rate",
        "conversion_rate",
        "drop_off_rate",
        "sync_error",
        "sync_error_at",
    )
    date_hierarchy = "fielding_start_at"

    @admin.display(boolean=True, description="Sync error")
    def has_sync_error(self, obj):
        return bool(obj.sync_error)
