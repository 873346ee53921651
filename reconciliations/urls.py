from django.urls import path

from . import exports, views, views_redirects_purespectrum, views_survey

app_name = "reconciliations"
urlpatterns = [
    path("reconciliation/", views.index, name="index"),
    path("reconciliation/<int:pk>/", views.account, name="account"),
    path("reconciliation/<int:pk>/reports/", views.generate_report, name="generate_report"),
    path("reconciliation/<int:pk>/rids/", views.eligible_rids, name="rids"),
    path("reconciliation/<int:pk>/eligible-rids.csv", exports.eligible_rids_csv, name="rids_csv"),
    path("reconciliation/<int:pk>/submit/", views.submit, name="submit"),
    path("reconciliation/<int:pk>/submissions/", views.submission_list, name="submissions"),
    path("reconciliation/reports/<int:pk>/", views.report_status, name="report"),
    path("reconciliation/submissions/<int:pk>/", views.submission, name="submission"),
    path("reconciliation/submissions/<int:pk>/check/", views.check_submission, name="check_submission"),
    path("target-groups/<int:pk>/redirects/", views.redirects_tool, name="redirects"),
    path(
        "target-groups/<int:pk>/redirects/purespectrum/",
        views_redirects_purespectrum.ps_redirects,
        name="ps_redirects",
    ),
    # reconciling one survey by a list of respondent ids
    path("target-groups/<int:pk>/reconciliation/", views_survey.survey_page, name="survey"),
    path(
        "target-groups/<int:pk>/reconciliation/<int:reconciliation_pk>/",
        views_survey.survey_reconciliation,
        name="survey_reconciliation",
    ),
    path(
        "target-groups/<int:pk>/reconciliation/<int:reconciliation_pk>/check/",
        views_survey.check_survey_reconciliation,
        name="check_survey_reconciliation",
    ),
]
