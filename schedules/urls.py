from django.urls import path

from . import views

app_name = "schedules"
urlpatterns = [
    path("target-groups/<int:pk>/schedules/", views.schedules, name="list"),
    path("target-groups/<int:pk>/schedules/new/", views.create, name="create"),
    path("schedules/<int:pk>/cancel/", views.cancel, name="cancel"),
]
