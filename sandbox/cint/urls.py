"""The imitated Cint Exchange Demand API, included at /sandbox/cint/ (paths as in the contract).

The URL names live in the `sandbox` namespace of `sandbox.urls` (`sandbox:token`, `sandbox:projects`...)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from .views import (
    accounts,
    auth,
    fielding,
    launched,
    profiles,
    projects,
    reconciliations,
    target_group_stats,
    webhooks,
)
from .views import target_groups as tgs
from .wire import ApiError, methods

V1 = "v1/"
ACCOUNT = V1 + "accounts/<int:account_id>/"
DEMAND = V1 + "demand/accounts/<int:account_id>/"
PROJECT = DEMAND + "projects/<str:project_id>/"
TG = PROJECT + "target-groups/<str:target_group_id>/"
TG_V2 = V1 + "demand/v2/accounts/<int:account_id>/projects/<str:project_id>/target-groups/<str:target_group_id>/"


@login_not_required
@csrf_exempt
def not_found(request, rest=""):
    return ApiError.not_found(f"No such endpoint: {request.method} {request.path}").response()


urlpatterns = [
    path("oauth/token", auth.token, name="token"),
    # accounts and definitions
    path(V1 + "accounts", methods(GET=accounts.accounts), name="accounts"),
    path(ACCOUNT + "users", methods(GET=accounts.users), name="users"),
    path(ACCOUNT + "users/<str:user_id>/business-units", methods(GET=accounts.user_business_unit)),
    path(ACCOUNT + "business-units", methods(GET=accounts.business_units), name="business-units"),
    path(DEMAND + "business-units/<str:business_unit_id>/rate-card", methods(GET=launched.business_unit_rate_card)),
    path(V1 + "locales", methods(GET=accounts.locales)),
    path(V1 + "study-types", methods(GET=accounts.study_types)),
    path(V1 + "industries", methods(GET=accounts.industries)),
    path(V1 + "industry-lockouts", methods(GET=accounts.industry_lockouts)),
    path(V1 + "demand/questions", methods(GET=accounts.questions), name="questions"),
    path(V1 + "demand/questions/<int:question_id>", methods(GET=accounts.question), name="question"),
    path(DEMAND + "profiling-templates", methods(GET=accounts.list_templates, POST=accounts.create_template)),
    path(DEMAND + "profiling-templates/<str:template_id>", methods(GET=accounts.template)),
    # webhooks
    path(ACCOUNT + "webhooks", methods(GET=webhooks.list_webhooks, POST=webhooks.create_webhook)),
    path(ACCOUNT + "webhooks/events", methods(GET=webhooks.events)),
    path(
        ACCOUNT + "webhooks/<str:webhook_id>",
        methods(GET=webhooks.get_webhook, PUT=webhooks.update_webhook, DELETE=webhooks.delete_webhook),
    ),
    path(ACCOUNT + "webhooks/<str:webhook_id>/regenerate-secret", methods(POST=webhooks.regenerate_secret)),
    # projects
    path(DEMAND + "projects", methods(GET=projects.list_projects, POST=projects.create_project), name="projects"),
    path(PROJECT[:-1], methods(GET=projects.get_project_view, PUT=projects.update_project), name="project"),
    path(PROJECT + "overview", methods(GET=projects.overview)),
    path(PROJECT + "target-groups/calculate-feasibility", methods(POST=projects.feasibility)),
    path(PROJECT + "compute-target-group-transitions", methods(POST=launched.transitions)),
    re_path(
        r"^v1/demand/accounts/(?P<account_id>\d+)/projects/(?P<project_id>[^/]+)/batch-jobs/"
        r"(?P<batch>(?:launch|pause|resume|complete|relaunch)-fielding-runs-by-target-group-id)$",
        methods(POST=fielding.create_batch),
    ),
    re_path(
        r"^v1/demand/accounts/(?P<account_id>\d+)/projects/(?P<project_id>[^/]+)/batch-jobs/"
        r"(?P<batch>(?:launch|pause|resume|complete|relaunch)-fielding-runs-by-target-group-id)/(?P<job_id>[^/]+)$",
        methods(GET=fielding.get_batch),
    ),
    # target groups
    path(
        PROJECT + "target-groups",
        methods(GET=tgs.list_target_groups, POST=tgs.create_target_group),
        name="target-groups",
    ),
    path(TG[:-1], methods(GET=tgs.get_draft, PUT=tgs.update_draft), name="target-group"),
    path(TG + "details", methods(GET=tgs.get_details, PUT=tgs.update_details), name="target-group-details"),
    path(TG + "overview", methods(GET=target_group_stats.overview)),
    path(TG + "performance", methods(GET=target_group_stats.performance)),
    path(TG + "completes-aggregated-by-interval", methods(GET=target_group_stats.completes_by_interval)),
    path(TG + "changelog", methods(GET=target_group_stats.changelog)),
    path(TG + "cost-per-interview", methods(PUT=target_group_stats.cost_per_interview)),
    path(TG + "filling-strategy", methods(PUT=target_group_stats.filling_strategy)),
    path(
        TG + "fielding-assistant-assignment",
        methods(GET=target_group_stats.get_fielding_assistant, PUT=target_group_stats.put_fielding_assistant),
    ),
    path(TG + "calculate-feasibility", methods(POST=target_group_stats.feasibility)),
    path(TG + "rate-card", methods(GET=launched.target_group_rate_card)),
    # fielding
    path(TG + "fielding-run-jobs/launch-from-draft", methods(POST=fielding.launch_from_draft)),
    path(TG + "fielding-run-jobs/launch-from-draft/<str:job_id>", methods(GET=fielding.launch_job)),
    path(TG + "fielding-run-jobs/schedule-from-draft", methods(POST=fielding.schedule_from_draft)),
    path(TG + "fielding-run-jobs/schedule-from-draft/<str:job_id>", methods(GET=fielding.schedule_job)),
    path(TG + "fielding-runs", methods(GET=fielding.list_runs)),
    path(TG + "fielding-runs/<str:fielding_run_id>", methods(GET=fielding.get_run, PUT=fielding.update_run)),
    path(TG + "fielding-runs/<str:fielding_run_id>/pause", methods(POST=fielding.pause_run)),
    path(TG + "fielding-runs/<str:fielding_run_id>/resume", methods(POST=fielding.resume_run)),
    path(TG + "fielding-runs/<str:fielding_run_id>/complete", methods(POST=fielding.complete_run)),
    path(TG + "fielding-runs/<str:fielding_run_id>/relaunch", methods(POST=fielding.relaunch_run)),
    path(TG + "fielding-runs/<str:fielding_run_id>/launch-now", methods(POST=fielding.launch_now_run)),
    # profiles (v2)
    path(TG_V2 + "profiles", methods(GET=profiles.list_profiles, POST=profiles.create_profile_view), name="profiles"),
    path(TG_V2 + "profiles/create-interlocked-profile", methods(POST=profiles.create_interlocked_profile)),
    path(TG_V2 + "profiles/filling-goal", methods(PUT=profiles.filling_goal)),
    path(TG_V2 + "profiles/<str:profile_id>", methods(GET=profiles.get_profile)),
    path(TG_V2 + "profiles/<str:profile_id>/enable-quotas", methods(POST=profiles.enable_quotas)),
    path(TG_V2 + "profiles/<str:profile_id>/disable-quotas", methods(POST=profiles.disable_quotas)),
    path(TG_V2 + "profiles/<str:profile_id>/remove-interlocks", methods(POST=profiles.remove_interlocks)),
    path(
        V1 + "demand/v2/accounts/<int:account_id>/drafts/generate-interlocked-profile",
        methods(POST=profiles.generate_draft_interlock),
    ),
    # reconciliations and reports
    path(DEMAND + "reconciliations", methods(GET=reconciliations.list_reconciliations, POST=reconciliations.submit)),
    path(DEMAND + "reconciliations/reason-codes", methods(GET=reconciliations.reason_codes)),
    path(DEMAND + "reconciliations/<str:request_id>", methods(GET=reconciliations.get_reconciliation)),
    path(
        DEMAND + "reconciliations/<str:request_id>/target-groups",
        methods(GET=reconciliations.reconciliation_target_groups),
    ),
    path(
        DEMAND + "reconciliations/<str:request_id>/target-groups/<str:target_group_id>",
        methods(GET=reconciliations.reconciliation_target_group),
    ),
    path(DEMAND + "reports", methods(GET=reconciliations.list_reports)),
    path(DEMAND + "reports/download", methods(GET=reconciliations.download_report)),
    path(DEMAND + "reports/<str:report_id>/status", methods(GET=reconciliations.report_status)),
    path(DEMAND + "reports/<str:report_type>", methods(POST=reconciliations.generate_report)),
    re_path(r"^(?P<rest>.*)$", not_found),
]
