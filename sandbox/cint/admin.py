"""The Cint part's models in the admin (registered by `sandbox.admin`)."""

from django.contrib import admin

from .. import models


class BusinessUnitInline(admin.TabularInline):
    model = models.BusinessUnit
    extra = 0


class UserInline(admin.TabularInline):
    model = models.SandboxUser
    extra = 0


@admin.register(models.Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "created_at")
    inlines = [BusinessUnitInline, UserInline]


@admin.register(models.BusinessUnit)
class BusinessUnitAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "account", "currency_code")
    list_filter = ("currency_code", "account")


@admin.register(models.SandboxUser)
class SandboxUserAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "account", "user_type", "is_api_user", "id")
    list_filter = ("account", "is_api_user")
    search_fields = ("name", "email")


@admin.register(models.ApiCredential)
class ApiCredentialAdmin(admin.ModelAdmin):
    list_display = ("client_id", "account", "created_at")


@admin.register(models.AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    list_display = ("client_id", "issued_at", "expires_at")
    list_filter = ("client_id",)
    readonly_fields = ("token",)


class QuestionOptionInline(admin.TabularInline):
    model = models.QuestionOption
    extra = 0


@admin.register(models.Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("question_id", "name", "locale", "response_type", "text")
    list_filter = ("locale", "response_type")
    search_fields = ("name", "text")
    inlines = [QuestionOptionInline]


@admin.register(models.QuestionOption)
class QuestionOptionAdmin(admin.ModelAdmin):
    list_display = ("option_id", "name", "question")
    list_filter = ("question__locale",)


@admin.register(models.ProfilingTemplate)
class ProfilingTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "account", "scope", "label", "created_at")
    list_filter = ("scope", "account")


@admin.register(models.ReasonCode)
class ReasonCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "description")


@admin.register(models.IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    list_display = ("key", "method", "path", "status", "replays", "created_at")
    list_filter = ("method", "status")
    search_fields = ("key", "path")


class TargetGroupInline(admin.TabularInline):
    model = models.TargetGroup
    fields = ("id", "name", "status", "filling_goal", "completes", "version")
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(models.Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("human_readable_id", "name", "account", "version", "created_at")
    list_filter = ("account",)
    search_fields = ("name", "id", "human_readable_id")
    inlines = [TargetGroupInline]


class ProfileInline(admin.TabularInline):
    model = models.Profile
    fields = ("id", "name", "question_id", "quotas_enabled", "interlock")
    readonly_fields = fields
    extra = 0
    show_change_link = True


class FieldingRunInline(admin.TabularInline):
    model = models.FieldingRun
    fields = ("id", "status", "start_at", "end_at", "version")
    readonly_fields = fields
    extra = 0


@admin.register(models.TargetGroup)
class TargetGroupAdmin(admin.ModelAdmin):
    list_display = (
        "human_readable_id",
        "name",
        "project",
        "status",
        "locale",
        "filling_goal",
        "completes",
        "prescreens",
        "version",
    )
    list_filter = ("status", "locale")
    search_fields = ("name", "id", "human_readable_id")
    inlines = [ProfileInline, FieldingRunInline]


@admin.register(models.ChangelogEntry)
class ChangelogEntryAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "target_group", "__str__", "user_id")
    list_filter = ("occurred_at",)


class QuotaInline(admin.TabularInline):
    model = models.Quota
    fk_name = "profile"
    fields = ("id", "kind", "name", "quota_percentage", "completes_goal", "completes", "prescreens")
    readonly_fields = ("id",)
    extra = 0


@admin.register(models.Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("name", "question_id", "target_group", "kind", "quotas_enabled", "interlock")
    list_filter = ("quotas_enabled", "kind")
    inlines = [QuotaInline]


@admin.register(models.Condition)
class ConditionAdmin(admin.ModelAdmin):
    list_display = ("text", "profile", "option", "min_value", "max_value")


@admin.register(models.Interlock)
class InterlockAdmin(admin.ModelAdmin):
    list_display = ("name", "target_group", "quotas_enabled", "created_at")
    list_filter = ("quotas_enabled",)


@admin.register(models.Quota)
class QuotaAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "kind",
        "target_group",
        "profile",
        "interlock",
        "quota_percentage",
        "completes_goal",
        "completes",
        "prescreens",
    )
    list_filter = ("kind",)


@admin.register(models.FieldingRun)
class FieldingRunAdmin(admin.ModelAdmin):
    list_display = ("id", "target_group", "status", "start_at", "end_at", "version", "last_changed_at")
    list_filter = ("status",)


@admin.register(models.FieldingJob)
class FieldingJobAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "target_group", "status", "created_at", "ready_at", "resolved_at")
    list_filter = ("kind", "status")


@admin.register(models.BatchJob)
class BatchJobAdmin(admin.ModelAdmin):
    list_display = ("id", "action", "project", "status", "created_at", "resolved_at")
    list_filter = ("action", "status")


@admin.register(models.Respondent)
class RespondentAdmin(admin.ModelAdmin):
    list_display = ("rid", "target_group", "status", "reconciled_status", "supplier_id", "entered_at", "finished_at")
    list_filter = ("status", "reconciled_status")
    search_fields = ("rid",)


class ReconciliationItemInline(admin.TabularInline):
    model = models.ReconciliationItem
    fields = ("line_no", "rid", "reason_code", "target_group", "outcome", "detail")
    readonly_fields = fields
    extra = 0


@admin.register(models.Reconciliation)
class ReconciliationAdmin(admin.ModelAdmin):
    list_display = ("request_id", "name", "account", "status", "submitted_at")
    list_filter = ("status",)
    inlines = [ReconciliationItemInline]


@admin.register(models.ReconciliationItem)
class ReconciliationItemAdmin(admin.ModelAdmin):
    list_display = ("rid", "reason_code", "reconciliation", "outcome")
    list_filter = ("outcome",)


@admin.register(models.Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("id", "report_type", "account", "status", "created_at")
    list_filter = ("report_type", "status")


@admin.register(models.Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ("id", "url", "account", "version", "created_at")


@admin.register(models.WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "event_type", "url", "status", "attempts", "response_status")
    list_filter = ("status", "event_type")
    search_fields = ("url", "subject", "error")
