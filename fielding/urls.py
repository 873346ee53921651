from django.urls import path

from fielding.audience_align import views as aa_views
from fielding.drafts import views as views_draft
from fielding.launched import views as views_launched
from fielding.profiling import views as views_profiling
from fielding.purespectrum import views as views_purespectrum
from fielding.runs import exports, recorded, views
from fielding.status import views as views_status

app_name = "fielding"
urlpatterns = [
    # projects and drafts
    path("projects/new/", views_draft.project_create, name="project_create"),
    path("projects/<int:pk>/creation/", views_draft.project_status, name="project_status"),
    path("projects/<int:project_pk>/target-groups/new/", views_draft.draft_create, name="draft_create"),
    path("projects/<int:project_pk>/bulk/", views_draft.bulk, name="bulk"),
    path("target-groups/<int:pk>/draft/", views_draft.draft, name="draft"),
    path("target-groups/<int:pk>/draft/edit/", views_draft.draft_edit, name="draft_edit"),
    path(
        "projects/<int:project_pk>/target-groups/new/exclusions/",
        views_draft.exclusion_search,
        name="draft_exclusions_new",
    ),
    path("target-groups/<int:pk>/draft/exclusions/", views_draft.exclusion_search, name="draft_exclusions"),
    path("target-groups/<int:pk>/launch/", views_draft.launch, name="launch"),
    path("target-groups/<int:pk>/feasibility/", views_draft.feasibility, name="feasibility"),
    path("lookups/<int:pk>/", views_draft.lookup, name="lookup"),
    # profiling builder
    path("target-groups/<int:pk>/draft/profiling/", views_profiling.profiling, name="profiling"),
    path(
        "target-groups/<int:pk>/draft/profiling/questions/<int:question_id>/",
        views_profiling.profile,
        name="profile",
    ),
    path(
        "target-groups/<int:pk>/draft/profiling/questions/<int:question_id>/remove/",
        views_profiling.profile_remove,
        name="profile_remove",
    ),
    path("target-groups/<int:pk>/draft/profiling/template/", views_profiling.apply_template, name="apply_template"),
    path("target-groups/<int:pk>/draft/profiling/interlock/", views_profiling.build_interlock, name="build_interlock"),
    path(
        "target-groups/<int:pk>/draft/profiling/interlocks/<int:index>/remove/",
        views_profiling.interlock_remove,
        name="interlock_remove",
    ),
    # fielding of a launched target group
    path("target-groups/<int:pk>/fielding/", views.panel, name="panel"),
    path("target-groups/<int:pk>/fielding/end/", views.change_end, name="change_end"),
    path("target-groups/<int:pk>/fielding/<str:action>/", views.run_action, name="run_action"),
    path("target-groups/<int:pk>/stats/", views.stats, name="stats"),
    path("target-groups/<int:pk>/completes.csv", exports.completes_csv, name="completes_csv"),
    path("target-groups/<int:pk>/completes-recorded.csv", recorded.recorded_csv, name="recorded_csv"),
    # status of a survey whose supplier takes status changes as one verb
    path("target-groups/<int:pk>/status/", views_status.status_panel, name="status_panel"),
    path("target-groups/<int:pk>/status/<slug:action>/", views_status.status_action, name="status_action"),
    path("fielding/jobs/<int:pk>/", views.job, name="job"),
    # settings of a launched target group
    path("target-groups/<int:pk>/settings/", views_launched.settings, name="settings"),
    path("target-groups/<int:pk>/pricing/", views_launched.pricing, name="pricing"),
    path("target-groups/<int:pk>/pricing/cpi/", views_launched.change_cpi, name="change_cpi"),
    path("target-groups/<int:pk>/filling/", views_launched.filling, name="filling"),
    path("target-groups/<int:pk>/filling/change/", views_launched.change_filling, name="change_filling"),
    path("target-groups/<int:pk>/details/", views_launched.details, name="details"),
    path("target-groups/<int:pk>/details/change/", views_launched.change_details, name="change_details"),
    path("target-groups/<int:pk>/changelog/", views_launched.changelog, name="changelog"),
    # Audience-Align's own pages
    path("audience-align/<int:connection_pk>/surveys/new/", aa_views.survey_create, name="aa_survey_create"),
    path("audience-align/feasibility/<int:pk>/", aa_views.feasibility, name="aa_feasibility"),
    path("target-groups/<int:pk>/audience-align/", aa_views.panel, name="aa_panel"),
    path("target-groups/<int:pk>/audience-align/settings/", aa_views.settings, name="aa_settings"),
    path(
        "target-groups/<int:pk>/audience-align/qualifications/",
        aa_views.qualification_add,
        name="aa_qualification_add",
    ),
    path(
        "target-groups/<int:pk>/audience-align/qualifications/answers/",
        aa_views.qualification_answers,
        name="aa_qualification_answers",
    ),
    path(
        "target-groups/<int:pk>/audience-align/qualifications/<int:profile_pk>/",
        aa_views.qualification_change,
        name="aa_qualification_change",
    ),
    path(
        "target-groups/<int:pk>/audience-align/qualifications/<int:profile_pk>/delete/",
        aa_views.qualification_delete,
        name="aa_qualification_delete",
    ),
    path(
        "target-groups/<int:pk>/audience-align/exclusions/",
        aa_views.exclusions_add,
        name="aa_exclusions_add",
    ),
    path(
        "target-groups/<int:pk>/audience-align/exclusions/search/",
        aa_views.exclusions_search,
        name="aa_exclusions_search",
    ),
    path(
        "target-groups/<int:pk>/audience-align/exclusions/<str:survey_id>/remove/",
        aa_views.exclusion_remove,
        name="aa_exclusion_remove",
    ),
    # a new PureSpectrum survey
    path("projects/<int:project_pk>/purespectrum/new/", views_purespectrum.ps_survey_create, name="ps_survey_create"),
]
