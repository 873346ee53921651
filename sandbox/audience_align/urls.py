"""The Audience-Align part's URLs, under /sandbox/audience-align/ (names in the `sandbox` namespace)."""

from django.urls import path

from . import views

P = "v1/endpoints/"
urlpatterns = [
    path(P + "getHashData", views.get_hash_data, name="aa_hash"),
    path(P + "get_survey", views.get_survey, name="aa_get_survey"),
    path(P + "create_survey", views.create_survey, name="aa_create_survey"),
    path(P + "update_survey", views.update_survey, name="aa_update_survey"),
    path(P + "survey_status", views.survey_status, name="aa_survey_status"),
    path(P + "qualifications", views.qualifications, name="aa_qualifications"),
    path(P + "save_qualification", views.save_qualification, name="aa_save_qualification"),
    path(P + "update_qualification", views.update_qualification, name="aa_update_qualification"),
    path(P + "delete_qualification", views.delete_qualification, name="aa_delete_qualification"),
    path(P + "qualifications_quota", views.qualifications_quota, name="aa_quotas"),
    path(P + "save_quota", views.save_quota, name="aa_save_quota"),
    path(P + "get_interlocking", views.get_interlocking, name="aa_get_interlocking"),
    path(P + "create_interlocking", views.create_interlocking, name="aa_create_interlocking"),
    path(P + "update_interlocking", views.update_interlocking, name="aa_update_interlocking"),
    path(P + "get_master_data", views.get_master_data, name="aa_master_data"),
    path(P + "get_qualification_master", views.get_qualification_master, name="aa_qualification_master"),
    path(P + "exclusion", views.exclusion, name="aa_exclusion"),
    path(P + "getFeasibility", views.get_feasibility, name="aa_feasibility"),
    path("v1/reconciliations/reconciliation", views.reconciliation, name="aa_reconciliation"),
    path("v1/reconciliations/submit_reconciliation", views.submit_reconciliation, name="aa_submit_reconciliation"),
]
