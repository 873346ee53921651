from django.urls import path

from . import views

app_name = "rules"
urlpatterns = [
    path("target-groups/<int:pk>/rules/", views.tg_rules, name="list"),
    path("target-groups/<int:pk>/rules/new/", views.create_on_tg, name="create"),
    path("target-groups/<int:pk>/rules/ready-made/", views.preset_on_tg, name="preset"),
    path("connections/<int:pk>/rules/", views.connection_rules, name="connection"),
    path("connections/<int:pk>/rules/new/", views.create_on_connection, name="connection_create"),
    path("connections/<int:pk>/rules/ready-made/", views.preset_on_connection, name="connection_preset"),
    path("studies/<int:pk>/rules/", views.study_rules, name="study"),
    path("studies/<int:pk>/rules/new/", views.create_on_study, name="study_create"),
    path("rules/<int:pk>/edit/", views.edit, name="edit"),
    path("rules/<int:pk>/switch/", views.switch, name="switch"),
    path("rules/<int:pk>/delete/", views.delete, name="delete"),
]
