"""PureSpectrum has no idempotency keys: a write whose answer was lost is re-read, found applied, and
never sent again. Against the sandbox on a live server, tasks run eagerly as each change commits."""

import pytest

from fielding.purespectrum.surveys import request_new_survey
from fielding.status.actions import request_status_change
from projects.demo_purespectrum import ensure_sandbox_buyer, gender_survey, launch_surveys
from projects.models import Project, SupplierKind, TargetGroup
from projects.tests.factories import ConnectionFactory
from quotas.models import Quota
from sandbox.faults import override_faults, set_faults
from sandbox.models import AppliedRequest, PsSurvey
from suppliers.purespectrum import PureSpectrumTransport
from sync.intents import request_change
from sync.models import RemoteChange
from sync.pull import sync_connection
from sync.tests.sandbox import supplier_client

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def connection(live_server, settings, monkeypatch):
    settings.PURESPECTRUM_BASE_URL = live_server.url + "/sandbox/purespectrum/buyers/v2"
    settings.SYNC_BACKOFF_BASE_SECONDS = 0
    monkeypatch.setattr(PureSpectrumTransport, "backoff_seconds", 0)
    ensure_sandbox_buyer()
    set_faults(error_rate=0.0, rate_limit_rate=0.0, lost_response_rate=0.0, latency_ms=0, retry_after_seconds=0)
    return ConnectionFactory(kind=SupplierKind.PURESPECTRUM, account_id="sandbox", label="PureSpectrum")


def test_a_lost_current_target_answer_is_found_applied_by_the_re_read(connection):
    launch_surveys(supplier_client(connection), 1, prefix="Lost")
    sync_connection(connection)
    tg = TargetGroup.objects.get(name="Lost 1")
    payload = {"quota_id": "male", "traffic_cap": 42}

    with override_faults(lost_response_rate=1.0):
        change = request_change("set_traffic_cap", connection=connection, target_group=tg, payload=payload)

    change.refresh_from_db()
    assert change.state == "applied" and "already had a current target of 42" in change.message
    assert change.attempts == 2
    assert AppliedRequest.objects.filter(supplier="purespectrum", method="PATCH").count() == 1
    assert Quota.objects.get(profile__target_group=tg, remote_id="male").traffic_cap == 42


def test_a_new_survey_is_created_once_after_a_lost_answer_and_goes_live(connection, pm):
    project = Project.objects.create(connection=connection, remote_id="surveys", name="PureSpectrum surveys")

    with override_faults(lost_response_rate=1.0):
        tg, change = request_new_survey(project, gender_survey("Fresh wave"), by=pm)

    change.refresh_from_db()
    assert change.state == "applied" and "already has this survey" in change.message
    assert PsSurvey.objects.filter(title="Fresh wave").count() == 1
    tg.refresh_from_db()
    assert tg.remote_id == str(PsSurvey.objects.get(title="Fresh wave").pk)

    launch = request_status_change(tg, "launch", by=pm)
    assert RemoteChange.objects.get(pk=launch.pk).state == "applied"
    sync_connection(connection)
    tg.refresh_from_db()
    assert tg.status == "live" and tg.profiles.get().name == "Gender"
