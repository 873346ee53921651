"""The PureSpectrum part's models in the admin."""

from django.contrib import admin

from ..models import PsAdjustment, PsBuyer, PsQuota, PsSurvey, PsTransaction


@admin.register(PsBuyer)
class PsBuyerAdmin(admin.ModelAdmin):
    list_display = ("name", "access_token")


class PsQuotaInline(admin.TabularInline):
    model = PsQuota
    extra = 0
    fields = ("buyer_quota_id", "required_count", "current_target", "achieved", "criteria")


@admin.register(PsSurvey)
class PsSurveyAdmin(admin.ModelAdmin):
    list_display = ("pk", "title", "status", "status_reason", "completes", "completes_required", "offer_price")
    list_filter = ("status",)
    inlines = [PsQuotaInline]


@admin.register(PsQuota)
class PsQuotaAdmin(admin.ModelAdmin):
    list_display = ("buyer_quota_id", "survey", "required_count", "current_target", "achieved")


@admin.register(PsTransaction)
class PsTransactionAdmin(admin.ModelAdmin):
    list_display = ("transaction_id", "survey", "outcome", "created_at")
    list_filter = ("outcome",)


@admin.register(PsAdjustment)
class PsAdjustmentAdmin(admin.ModelAdmin):
    list_display = ("adjustment_id", "survey", "status", "created_at", "resolve_at")
