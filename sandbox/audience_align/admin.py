"""The Audience-Align part's models in the admin (registered by `sandbox.admin`)."""

from django.contrib import admin

from .. import models


@admin.register(models.AaClient)
class AaClientAdmin(admin.ModelAdmin):
    list_display = ("client_id", "created_at")
    exclude = ("salt",)


class QualificationInline(admin.TabularInline):
    model = models.AaQualification
    extra = 0


@admin.register(models.AaSurvey)
class AaSurveyAdmin(admin.ModelAdmin):
    list_display = ("project_id", "name", "status", "completes", "complete_needed", "client")
    list_filter = ("status", "client")
    search_fields = ("project_id", "name", "project_code")
    inlines = [QualificationInline]


@admin.register(models.AaQualification)
class AaQualificationAdmin(admin.ModelAdmin):
    list_display = ("survey", "code", "name", "kind")


@admin.register(models.AaQuota)
class AaQuotaAdmin(admin.ModelAdmin):
    list_display = ("qualification", "key", "required_count", "completes")


class CombinationInline(admin.TabularInline):
    model = models.AaCombination
    extra = 0


@admin.register(models.AaInterlocking)
class AaInterlockingAdmin(admin.ModelAdmin):
    list_display = ("survey", "qualification_codes", "updated_at")
    inlines = [CombinationInline]


@admin.register(models.AaCombination)
class AaCombinationAdmin(admin.ModelAdmin):
    list_display = ("combination_id", "option", "quota", "completes")


@admin.register(models.AaExclusion)
class AaExclusionAdmin(admin.ModelAdmin):
    list_display = ("survey", "excluded")


@admin.register(models.AaRespondent)
class AaRespondentAdmin(admin.ModelAdmin):
    list_display = ("uid", "survey", "status", "entered_at")
    list_filter = ("status",)


@admin.register(models.AaReconciliation)
class AaReconciliationAdmin(admin.ModelAdmin):
    list_display = ("survey", "status", "needs_review", "submitted_at")
