"""Read-only lists of the history's points (imported by ``quotas.admin``)."""

from django.contrib import admin

from .models import CellPoint, QuotaPoint, TargetGroupPoint


class PointAdmin(admin.ModelAdmin):
    list_filter = ("source",)
    date_hierarchy = "at"
    list_per_page = 200

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(QuotaPoint)
class QuotaPointAdmin(PointAdmin):
    list_display = ("quota", "at", "completes", "source")
    list_select_related = ("quota",)
    raw_id_fields = ("quota",)


@admin.register(CellPoint)
class CellPointAdmin(PointAdmin):
    list_display = ("cell", "at", "completes", "source")
    list_select_related = ("cell",)
    raw_id_fields = ("cell",)


@admin.register(TargetGroupPoint)
class TargetGroupPointAdmin(PointAdmin):
    list_display = ("target_group", "at", "completes", "prescreens", "source")
    list_select_related = ("target_group",)
    raw_id_fields = ("target_group",)
    search_fields = ("target_group__name", "target_group__remote_id")
