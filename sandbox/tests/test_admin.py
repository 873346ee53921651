"""Every sandbox model has a working admin changelist."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse

from sandbox import models


@pytest.fixture
def staff_client(client, db):
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))
    return client


def test_every_model_is_registered():
    registered = {model for model in admin.site._registry if model._meta.app_label == "sandbox"}
    assert registered == {m for m in vars(models).values() if isinstance(m, type) and hasattr(m, "_meta")}


def test_every_changelist_renders(staff_client, api, project_id, live_id):
    from sandbox.simulation import simulate_step

    simulate_step(deliver=False)
    for model in [m for m in admin.site._registry if m._meta.app_label == "sandbox"]:
        url = reverse(f"admin:sandbox_{model._meta.model_name}_changelist")
        assert staff_client.get(url).status_code == 200, model.__name__


def test_fault_settings_are_editable(staff_client):
    from sandbox.faults import fault_settings

    faults = fault_settings()
    url = reverse("admin:sandbox_faultsettings_change", args=[faults.pk])
    response = staff_client.post(
        url,
        {
            "error_rate": "0.1",
            "rate_limit_rate": "0.2",
            "retry_after_seconds": "3",
            "stale_etag_rate": "0",
            "lost_response_rate": "0.05",
            "latency_ms": "0",
        },
    )
    assert response.status_code == 302
    assert fault_settings().rate_limit_rate == 0.2
    assert fault_settings().lost_response_rate == 0.05
