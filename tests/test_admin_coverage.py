"""Staff can reach every model of the product in the admin."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

APPS = (
    "projects",
    "quotas",
    "fielding",
    "sync",
    "reconciliations",
    "costs",
    "notifications",
    "schedules",
    "rules",
    "sandbox",
)


def _models():
    return [model for model in apps.get_models() if model._meta.app_label in APPS]


def test_every_model_is_registered():
    missing = [model._meta.label for model in _models() if model not in admin.site._registry]
    assert not missing


@pytest.mark.django_db
def test_every_changelist_opens_for_staff(admin_client):
    for model in _models():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert admin_client.get(url).status_code == 200, url
