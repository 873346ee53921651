from django.urls import path

from . import exports, views, views_caps

app_name = "quotas"
urlpatterns = [
    path("target-groups/<int:pk>/", views.target_group, name="target_group"),
    path("target-groups/<int:pk>/profiles/", views.profiles_section, name="profiles"),
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
    path(
        "target-groups/<int:pk>/interlocks/<int:interlock_pk>/goals/",
        views.interlock_goals,
        name="interlock_goals",
    ),
    path("target-groups/<int:pk>/profiles/<int:profile_pk>/", views.profile_block, name="profile"),
    path("target-groups/<int:pk>/profiles/<int:profile_pk>/quotas/", views.toggle_quotas, name="toggle_quotas"),
    path("target-groups/<int:pk>/profiles/<int:profile_pk>/goals/", views.quota_goals, name="quota_goals"),
    # quantities and current targets of quotas and interlock cells (suppliers with traffic caps), the CPI
    *[
        path(f"target-groups/<int:pk>/{kind}s/<int:row_pk>/{verb}/", view, {"kind": kind}, name=f"{kind}_{name}")
        for kind in ("quota", "cell")
        for verb, view, name in (
            ("quantity", views_caps.quota_quantity, "quantity"),
            ("current-target", views_caps.traffic_cap, "traffic_cap"),
        )
    ],
    path("target-groups/<int:pk>/cpi/", views_caps.cpi, name="cpi"),
]
