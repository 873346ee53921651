from django.urls import path

from . import views

app_name = "sync"
urlpatterns = [
    path("webhooks/cint/<int:connection_id>/", views.cint_webhook, name="cint_webhook"),
]
