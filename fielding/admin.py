from django.contrib import admin

from fielding.models import (
    AccountUser,
    AudienceAlignFeasibility,
    AudienceAlignMasterData,
    BusinessUnit,
    Definition,
    FieldingJob,
    FieldingRun,
    ProfilingTemplate,
    Question,
    SupplierLookup,
)


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
    raw_id_fields = ("project", "target_group", "target_groups", "requested_by", "change")


@admin.register(BusinessUnit)
class BusinessUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "remote_id", "currency_code", "pricing_models", "connection", "fetched_at")
    list_filter = ("connection", "currency_code")
    readonly_fields = ("fetched_at",)


@admin.register(AccountUser)
class AccountUserAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "remote_id", "connection", "fetched_at")
    list_filter = ("connection",)
    search_fields = ("name", "email", "remote_id")
    readonly_fields = ("fetched_at",)


@admin.register(Definition)
class DefinitionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "connection", "fetched_at")
    list_filter = ("kind", "connection")
    search_fields = ("name", "code")
    readonly_fields = ("fetched_at",)


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("name", "question_id", "locale", "response_type", "options_kind", "options_fetched_at")
    list_filter = ("locale", "response_type", "connection")
    search_fields = ("name", "text", "question_id")
    readonly_fields = ("fetched_at", "options_fetched_at")


@admin.register(ProfilingTemplate)
class ProfilingTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "label", "scope", "locales", "profiles_fetched_at")
    list_filter = ("scope", "connection")
    search_fields = ("name", "label", "remote_id")
    readonly_fields = ("fetched_at", "profiles_fetched_at")


@admin.register(SupplierLookup)
class SupplierLookupAdmin(admin.ModelAdmin):
    list_display = ("kind", "target_group", "state", "created_at", "finished_at")
    list_filter = ("kind", "state")
    search_fields = ("target_group__name",)
    list_select_related = ("target_group",)
    raw_id_fields = ("target_group", "requested_by")
    readonly_fields = ("inputs", "result", "message", "created_at", "finished_at")


@admin.register(AudienceAlignMasterData)
class AudienceAlignMasterDataAdmin(admin.ModelAdmin):
    list_display = ("connection", "kind", "key", "fetched_at")
    list_filter = ("kind",)


@admin.register(AudienceAlignFeasibility)
class AudienceAlignFeasibilityAdmin(admin.ModelAdmin):
    list_display = ("connection", "state", "created_at", "finished_at")
    list_filter = ("state",)
