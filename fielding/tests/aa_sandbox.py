"""An Audience-Align connection against the sandbox behind `live_server`, and surveys made there:
the fixtures of the Audience-Align page tests (import them into a test module to use them)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fielding.audience_align import surveys as aa
from projects.models import SupplierKind, TargetGroup
from projects.tests.factories import ConnectionFactory
from sandbox.audience_align.wire import ensure_client
from sandbox.faults import set_faults
from suppliers.audience_align import AudienceAlignTransport
from sync.adapters import adapter_for
from sync.pull import sync_connection

CLIENT_ID, KEY = "cockpit-tests", "cockpit-tests-key"


def today(days=0):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def form_data(**overrides):
    data = {
        "name": "Snacks wave 2",
        "country": "229",
        "language": "5",
        "study_category": "5",
        "vertical": "17",
        "audience": "b2c",
        "incidence_rate": "40",
        "loi": "12",
        "cpi": "2.50",
        "completes": "200",
        "start": today(),
        "end": today(10),
        "live_url": "https://survey.example.com/s?uid=[identifier]",
        "test_url": "https://survey.example.com/t?uid=[identifier]",
        "q_43": ["1", "2"],
        "q_42": "18-34, 35-54",
    }
    data.update(overrides)
    return data


@pytest.fixture
def sandbox(live_server, transactional_db, settings, monkeypatch):
    settings.AUDIENCE_ALIGN_BASE_URL = live_server.url + "/sandbox/audience-align/v1"
    settings.AUDIENCE_ALIGN_CLIENT_ID, settings.AUDIENCE_ALIGN_KEY = CLIENT_ID, KEY
    settings.SANDBOX_JOB_SECONDS = 0
    settings.SYNC_BACKOFF_BASE_SECONDS = 0
    monkeypatch.setattr(AudienceAlignTransport, "backoff_seconds", 0)
    from django.core.cache import cache

    cache.clear()
    ensure_client(CLIENT_ID, KEY)
    set_faults(error_rate=0.0, rate_limit_rate=0.0, lost_response_rate=0.0, latency_ms=0, retry_after_seconds=0)
    connection = ConnectionFactory(kind=SupplierKind.AUDIENCE_ALIGN, account_id=CLIENT_ID, label="AA")
    aa.refresh_master_data(connection)
    return connection


def new_url(connection):
    return reverse("fielding:aa_survey_create", args=[connection.pk])


def settled(change):
    change.refresh_from_db()
    assert change.is_settled, change.state
    return change


@pytest.fixture
def surveys(sandbox):
    """Three surveys at the sandbox, synced: a live one, a completed one and a live other."""
    adapter = adapter_for(sandbox)
    made = {}
    for name, status in (("Live survey", "1"), ("Finished wave", "4"), ("Other live", "1")):
        spec = {
            "name": name, "country_id": "229", "language_id": "5", "audience": "b2c", "incidence_rate": 40,
            "loi": 10, "cpi": "2.50", "completes": 100, "start": today(), "end": today(20),
            "live_url": "https://s.example.com/?uid=[identifier]", "test_url": "https://s.example.com/?uid=[identifier]",
            "qualifications": [
                {"question_id": 43, "conditions_kind": "selection_conditions_details_template",
                 "conditions": [{"id": "1", "text": "Male"}, {"id": "2", "text": "Female"}]},
            ],
        }  # fmt: skip
        record = adapter.create_survey(spec).target_group
        adapter.client.set_survey_status(record.remote_id, status)
        made[name] = record.remote_id
    adapter.close()
    assert sync_connection(sandbox).error_count == 0
    return {name: TargetGroup.objects.get(remote_id=rid) for name, rid in made.items()}
