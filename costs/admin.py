from django.contrib import admin

from .models import CpiPeriod, ProjectBudget, TargetGroupBudget, TargetGroupFigures


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the cost step from the mirror; what staff change is the budgets."""

    list_per_page = 200

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CpiPeriod)
class CpiPeriodAdmin(ReadOnlyAdmin):
    list_display = ("target_group", "from_at", "cpi", "currency", "completes_before")
    list_select_related = ("target_group",)
    raw_id_fields = ("target_group",)
    date_hierarchy = "from_at"
    search_fields = ("target_group__name", "target_group__remote_id")


@admin.register(TargetGroupFigures)
class TargetGroupFiguresAdmin(ReadOnlyAdmin):
    list_display = (
        "target_group", "spend", "projected_spend", "currency", "per_day", "finish_at", "verdict", "computed_at",
    )  # fmt: skip
    list_select_related = ("target_group",)
    list_filter = ("verdict", "currency")
    raw_id_fields = ("target_group",)
    search_fields = ("target_group__name", "target_group__remote_id")


@admin.register(TargetGroupBudget)
class TargetGroupBudgetAdmin(admin.ModelAdmin):
    list_display = ("target_group", "amount", "updated_at")
    list_select_related = ("target_group",)
    raw_id_fields = ("target_group",)
    search_fields = ("target_group__name", "target_group__remote_id")


@admin.register(ProjectBudget)
class ProjectBudgetAdmin(admin.ModelAdmin):
    list_display = ("project", "amount", "currency", "updated_at")
    list_select_related = ("project",)
    raw_id_fields = ("project",)
    search_fields = ("project__name",)
