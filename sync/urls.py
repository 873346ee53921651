from django.urls import path

from . import views

app_name = "sync"
urlpatterns = [
    path("changes/<int:change_pk>/badge/", views.change_badge, name="change_badge"),
    # e.g. /webhooks/cint/3/ for connection 3, a Cint connection.
    path("webhooks/<slug:kind>/<int:connection_id>/", views.receive_webhook, name="webhook"),
]
