from django.urls import path

from . import views

app_name = "quotas"
urlpatterns = [
    path("target-groups/<int:pk>/", views.target_group, name="target_group"),
]
