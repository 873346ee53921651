from django.contrib import admin

from .models import EligibleReport, EligibleRid, ReasonCode, Submission, SubmissionTargetGroup, SurveyReconciliation


@admin.register(ReasonCode)
class ReasonCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "connection", "fetched_at")
    list_filter = ("connection",)
    search_fields = ("code", "name")


@admin.register(EligibleReport)
class EligibleReportAdmin(admin.ModelAdmin):
    list_display = ("id", "project", "state", "row_count", "polls", "requested_by", "created_at", "finished_at")
    list_filter = ("state", "connection")
    search_fields = ("report_id", "project__name")
    raw_id_fields = ("project", "requested_by")
    readonly_fields = ("key", "report_id", "report_url", "remote_status", "polls", "row_count", "finished_at")


@admin.register(EligibleRid)
class EligibleRidAdmin(admin.ModelAdmin):
    list_display = ("rid", "target_group_name", "target_group_remote_id", "status", "completed_at", "report")
    search_fields = ("rid_key", "target_group_remote_id", "target_group_name")
    list_filter = ("status",)
    raw_id_fields = ("report", "target_group")


class SubmissionTargetGroupInline(admin.TabularInline):
    model = SubmissionTargetGroup
    extra = 0
    can_delete = False
    raw_id_fields = ("target_group",)


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "connection", "state", "line_count", "request_id", "requested_by", "created_at")
    list_filter = ("state", "connection")
    search_fields = ("name", "request_id")
    raw_id_fields = ("change", "requested_by")
    readonly_fields = ("request_id", "remote_status", "polls", "accepted_at", "finished_at")
    inlines = [SubmissionTargetGroupInline]


@admin.register(SubmissionTargetGroup)
class SubmissionTargetGroupAdmin(admin.ModelAdmin):
    list_display = ("target_group_remote_id", "submission", "status", "submitted_count", "invalid_count", "updated_at")
    list_filter = ("status",)
    search_fields = ("target_group_remote_id", "submission__name")
    raw_id_fields = ("submission", "target_group")


@admin.register(SurveyReconciliation)
class SurveyReconciliationAdmin(admin.ModelAdmin):
    list_display = ("id", "target_group", "connection", "state", "status_label", "needs_review", "created_at")
    list_filter = ("state", "needs_review", "connection")
    search_fields = ("name", "remote_id", "target_group__name")
    raw_id_fields = ("target_group", "change", "requested_by")
    readonly_fields = ("remote_id", "status_label", "summary", "accepted_ids", "polls", "finished_at")
