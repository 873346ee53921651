from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

handler404 = "projects.views.page_not_found"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    # First: the webhook receiver is the busiest route, and resolving it should cost nothing.
    path("", include("sync.urls")),
    path("", include("projects.urls")),
    path("", include("quotas.urls")),
    path("", include("fielding.urls")),
    path("", include("reconciliations.urls")),
    path("", include("costs.urls")),
    path("", include("preferences.urls")),
    path("", include("notifications.urls")),
    path("", include("schedules.urls")),
    path("", include("rules.urls")),
    path("", include("studies.urls")),
]

if settings.SANDBOX_ENABLED:
    urlpatterns.append(path("sandbox/", include("sandbox.urls")))
