from django.urls import path

from . import exports, views, views_caps, views_grid

app_name = "quotas"
urlpatterns = [
    path("target-groups/<int:pk>/", views.target_group, name="target_group"),
    path("target-groups/<int:pk>/profiles/", views.profiles_section, name="profiles"),
    path("target-groups/<int:pk>/sections/<slug:name>/", views.section, name="section"),
    path("target-groups/<int:pk>/grid/", views_grid.grid, name="grid"),
    path("target-groups/<int:pk>/grid/lock/", views_grid.lock_row, name="lock_row"),
    path("target-groups/<int:pk>/quotas.csv", exports.quotas_csv, name="quotas_csv"),
    path("target-groups/<int:pk>/header/", views.header, name="header"),
    path("target-groups/<int:pk>/changes/", views.changes, name="changes"),
    path("target-groups/<int:pk>/refresh/", views.refresh, name="refresh"),
    path("target-groups/<int:pk>/refresh/status/", views.refresh_status, name="refresh_status"),
    path("target-groups/<int:pk>/filling-goal/", views.filling_goal, name="filling_goal"),
    path("target-groups/<int:pk>/interlocks/", views.create_interlock, name="create_interlock"),
    path(
        "target-groups/<int:pk>/interlocks/<int:interlock_pk>/remove/",
        views.remove_interlock,
        name="remove_interlock",
    ),
    path("target-groups/<int:pk>/profiles/<int:profile_pk>/", views.profile_block, name="profile"),
    path("target-groups/<int:pk>/profiles/<int:profile_pk>/quotas/", views.toggle_quotas, name="toggle_quotas"),
    path("target-groups/<int:pk>/cpi/", views_caps.cpi, name="cpi"),
]
