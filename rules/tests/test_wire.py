"""A rule's action reaches the supplier at the wire: PureSpectrum's own "no valid starts in 24 h", switched on
with one click in the cockpit, pauses a survey of the sandbox served over HTTP, and the sandbox reads back
paused."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.demo_purespectrum import ensure_sandbox_buyer, launch_surveys
from projects.models import SupplierKind, TargetGroup
from projects.tests.factories import ConnectionFactory
from quotas.history.recording import record_snapshot
from rules.firing import evaluate_all
from rules.models import Rule, RuleEpisode
from sandbox.faults import set_faults
from sandbox.models import PsSurvey
from sync.models import RemoteChange
from sync.pull import sync_connection
from sync.tests.sandbox import supplier_client

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def survey(live_server, settings):
    """One live PureSpectrum survey at the sandbox on the live server, mirrored by a first sync."""
    settings.PURESPECTRUM_BASE_URL = live_server.url + "/sandbox/purespectrum/buyers/v2"
    ensure_sandbox_buyer()
    set_faults(error_rate=0.0, rate_limit_rate=0.0, stale_etag_rate=0.0, lost_response_rate=0.0, latency_ms=0,
               retry_after_seconds=0)  # fmt: skip
    connection = ConnectionFactory(kind=SupplierKind.PURESPECTRUM, account_id="sandbox", label="PureSpectrum")
    client = supplier_client(connection)
    (survey_id,) = launch_surveys(client, 1, prefix="Quiet", goal=100)
    client.transport.session.close()
    run = sync_connection(connection)
    assert run.error_count == 0, run.errors
    return TargetGroup.objects.get(project__connection=connection, remote_id=str(survey_id))


def test_the_ready_made_no_starts_rule_pauses_the_survey_at_the_supplier(survey, pm_client, pm):
    now = timezone.now()
    assert survey.status == "live" and survey.current_prescreens == 0
    record_snapshot(now=now - timedelta(hours=25))  # the history has the survey at 0 starts a day ago

    response = pm_client.post(reverse("rules:preset", args=[survey.pk]), {"preset": "no_starts_24h"})
    assert response.status_code == 302
    rule = Rule.objects.get(target_group=survey)
    assert rule.hysteresis == "fires below 1 start in 24 h, re-arms at 1 or more"

    assert evaluate_all(now=now) == 1

    (change,) = RemoteChange.objects.filter(target_group=survey)
    assert change.state == RemoteChange.State.APPLIED, change.message
    assert change.requested_by == pm and "by rule ‘No valid starts in 24 h: pause’" in change.summary
    assert PsSurvey.objects.get(pk=survey.remote_id).status == PsSurvey.Status.PAUSED
    episode = RuleEpisode.objects.get(rule=rule)
    assert episode.change == change and episode.figure == 0

    assert sync_connection(survey.project.connection).error_count == 0
    assert TargetGroup.objects.get(pk=survey.pk).status == "paused"
    assert evaluate_all(now=now + timedelta(minutes=1)) == 0  # still no starts: the same episode
