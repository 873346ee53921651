from django.contrib import admin

from .models import InterlockCell, InterlockedProfile, Profile, Quota

QUOTA_COUNTS = ("completes", "prescreens", "synced_at")


class QuotaInline(admin.TabularInline):
    model = Quota
    fields = ("text", "kind", "quota", "completes_goal", "completes", "prescreens")
    readonly_fields = ("text", "kind", "completes", "prescreens")
    extra = 0


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("name", "target_group", "question_id", "quotas_enabled", "interlocked_profile", "synced_at")
    list_filter = ("quotas_enabled", "conditions_kind")
    search_fields = ("name", "remote_id", "target_group__name")
    list_select_related = ("target_group", "interlocked_profile")
    readonly_fields = ("remote_id", "version", "synced_at", "vanished_at", "remote_created_at", "remote_updated_at")
    raw_id_fields = ("target_group", "interlocked_profile")
    inlines = [QuotaInline]


@admin.register(Quota)
class QuotaAdmin(admin.ModelAdmin):
    list_display = ("text", "profile", "kind", "quota", "completes_goal", "completes", "prescreens")
    list_filter = ("kind",)
    search_fields = ("text", "remote_id", "profile__name")
    list_select_related = ("profile",)
    readonly_fields = ("remote_id",) + QUOTA_COUNTS
    raw_id_fields = ("profile",)


class InterlockCellInline(admin.TabularInline):
    model = InterlockCell
    fields = ("text", "quota", "completes_goal", "completes", "prescreens")
    readonly_fields = ("text", "completes", "prescreens")
    extra = 0


@admin.register(InterlockedProfile)
class InterlockedProfileAdmin(admin.ModelAdmin):
    list_display = ("name", "target_group", "quotas_enabled", "synced_at", "vanished_at")
    list_filter = ("quotas_enabled",)
    search_fields = ("name", "remote_id", "target_group__name")
    readonly_fields = ("remote_id", "version", "synced_at", "vanished_at", "remote_created_at", "remote_updated_at")
    raw_id_fields = ("target_group",)
    inlines = [InterlockCellInline]


@admin.register(InterlockCell)
class InterlockCellAdmin(admin.ModelAdmin):
    list_display = ("text", "interlocked_profile", "completes_goal", "completes", "prescreens")
    search_fields = ("text", "remote_id")
    readonly_fields = ("remote_id",) + QUOTA_COUNTS
    raw_id_fields = ("interlocked_profile",)


from .history.admin import CellPointAdmin, QuotaPointAdmin, TargetGroupPointAdmin  # noqa: E402, F401
