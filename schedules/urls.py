from django.urls import path

from . import views
from .study import views as study_views

app_name = "schedules"
urlpatterns = [
    path("target-groups/<int:pk>/schedules/", views.schedules, name="list"),
    path("target-groups/<int:pk>/schedules/new/", views.create, name="create"),
    path("schedules/<int:pk>/edit/", views.edit, name="edit"),
    path("schedules/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("studies/<int:pk>/schedules/", study_views.section, name="study"),
    path("studies/<int:pk>/schedules/new/", study_views.create, name="study_create"),
    path("study-schedules/<int:pk>/edit/", study_views.edit, name="study_edit"),
    path("study-schedules/<int:pk>/cancel/", study_views.cancel, name="study_cancel"),
]
