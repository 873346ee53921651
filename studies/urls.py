from django.urls import path

from . import steering, views

app_name = "studies"
urlpatterns = [
    path("studies/", views.study_list, name="list"),
    path("studies/<int:pk>/", views.study_detail, name="detail"),
    path("studies/<int:pk>/plans/", steering.plans_section, name="plans"),
    path("studies/<int:pk>/allocate/", steering.allocate, name="allocate"),
    path("studies/<int:pk>/move/", steering.move_goal, name="move"),
    path("studies/<int:pk>/plan-parts/<int:part_pk>/retry/", steering.retry_part, name="retry_part"),
    path("studies/<int:pk>/plan-parts/<int:part_pk>/undo/", steering.undo_part, name="undo_part"),
]
