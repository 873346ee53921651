from django.urls import path

from . import views

app_name = "studies"
urlpatterns = [
    path("studies/", views.study_list, name="list"),
    path("studies/<int:pk>/", views.study_detail, name="detail"),
    path("studies/<int:pk>/suggested-split/", views.suggested_split, name="suggested_split"),
    path("studies/<int:pk>/apply-suggestion/", views.apply_suggestion, name="apply_suggestion"),
]
