from django.urls import path

from . import views

app_name = "costs"
urlpatterns = [
    path("target-groups/<int:pk>/cost/", views.cost, name="cost"),
    path("target-groups/<int:pk>/budget/", views.set_budget, name="budget"),
    path("projects/<int:pk>/budget/", views.set_project_budget, name="project_budget"),
]
