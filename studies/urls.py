from django.urls import path

from . import steering, views

app_name = "studies"
urlpatterns = [
    path("studies/", views.study_list, name="list"),
    path("studies/new/", views.study_create, name="create"),
    path("studies/<int:pk>/", views.study_detail, name="detail"),
    path("studies/<int:pk>/edit/", views.study_edit, name="edit"),
    path("studies/<int:pk>/plan/", views.plan_edit, name="plan"),
    path("studies/<int:pk>/attach/search/", views.attach_search, name="attach_search"),
    path("studies/<int:pk>/attach/", views.attach, name="attach"),
    path("studies/<int:pk>/attachments/<int:attachment_pk>/detach/", views.detach, name="detach"),
    path("studies/<int:pk>/mapping/", views.mapping_section, name="mapping"),
    path("studies/<int:pk>/mapping/propose/", views.mapping_propose, name="mapping_propose"),
    path("studies/<int:pk>/mapping/confirm/", views.mapping_confirm, name="mapping_confirm"),
    path("studies/<int:pk>/mapping/<int:mapping_pk>/", views.mapping_choose, name="mapping_choose"),
    path("studies/<int:pk>/plans/", steering.plans_section, name="plans"),
    path("studies/<int:pk>/allocate/", steering.allocate, name="allocate"),
    path("studies/<int:pk>/move/", steering.move_goal, name="move"),
    path("studies/<int:pk>/plan-parts/<int:part_pk>/retry/", steering.retry_part, name="retry_part"),
    path("studies/<int:pk>/plan-parts/<int:part_pk>/undo/", steering.undo_part, name="undo_part"),
    path("studies/<int:pk>/suggested-split/", views.suggested_split, name="suggested_split"),
    path("studies/<int:pk>/apply-suggestion/", views.apply_suggestion, name="apply_suggestion"),
]
