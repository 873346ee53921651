"""Reconciling a live PureSpectrum survey against the sandbox behind `live_server`: a list of invented
transaction ids is shown for what it does (every complete rejected) before anything is sent; once
confirmed and applied, the cockpit's completes are PureSpectrum's own again, and the dashboard says what
happened."""

import random

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from projects.demo_purespectrum import ensure_sandbox_buyer, launch_surveys
from projects.models import Role, SupplierKind, TargetGroup
from projects.tests.factories import ConnectionFactory
from quotas.models import Quota
from reconciliations.models import SurveyReconciliation
from sandbox.faults import set_faults
from sandbox.models import PsAdjustment, PsSurvey
from sandbox.purespectrum.simulation import step
from suppliers.purespectrum import PureSpectrumTransport
from sync.pull import sync_connection
from sync.tests.sandbox import supplier_client

from .confirming import post_confirmed

pytestmark = pytest.mark.django_db(transaction=True)
INVENTED = ["ps-invented-1", "ps-invented-2", "ps-invented-3"]


@pytest.fixture
def live_survey(live_server, settings, monkeypatch):
    for name in (Role.PROJECT_MANAGERS, Role.VIEWERS):
        Group.objects.get_or_create(name=name)
    settings.PURESPECTRUM_BASE_URL = live_server.url + "/sandbox/purespectrum/buyers/v2"
    settings.SANDBOX_JOB_SECONDS = 0
    monkeypatch.setattr(PureSpectrumTransport, "backoff_seconds", 0)
    ensure_sandbox_buyer()
    set_faults(error_rate=0.0, rate_limit_rate=0.0, lost_response_rate=0.0, latency_ms=0, retry_after_seconds=0)
    connection = ConnectionFactory(kind=SupplierKind.PURESPECTRUM, account_id="sandbox", label="PureSpectrum")
    (survey_id,) = launch_surveys(supplier_client(connection), 1, prefix="Reconciled wave")
    rng = random.Random(5)
    while PsSurvey.objects.get(pk=survey_id).completes < 20:
        step(timezone.now(), rng)
    assert sync_connection(connection).error_count == 0
    return TargetGroup.objects.get(remote_id=str(survey_id))


def performance(tg):
    return supplier_client(tg.project.connection).get_performance(tg.remote_id).data


def test_invented_ids_are_shown_to_reject_every_complete_then_the_counts_follow_and_the_dashboard_says_so(
    live_survey, pm_client
):
    tg = live_survey
    completes = performance(tg)["completes_fielded"]
    assert tg.current_completes == completes >= 20
    url = reverse("reconciliations:survey", args=[tg.pk])

    shown = pm_client.post(url, {"ids": "\n".join(INVENTED)}).content.decode()

    assert (
        "3 transaction ids listed. PureSpectrum does not tell the cockpit which transaction ids are completes" in shown
    )
    assert f"The survey has {completes} completes" in shown
    bounds = f"at most 3 of them stay completes, and the others, at least {completes - 3} of the {completes},"
    assert f"{bounds} become rejections" in shown
    assert "This list leaves out most of the survey&#x27;s completes." in shown
    assert not PsAdjustment.objects.exists()

    response = post_confirmed(pm_client, url, {"ids": "\n".join(INVENTED)})

    assert response.status_code == 302
    row = SurveyReconciliation.objects.get()
    assert (row.state, row.completes_before, row.rejected_count) == ("complete", completes, completes), row.message
    assert PsAdjustment.objects.get().transaction_ids == INVENTED
    # The counts follow: the cockpit's completes and quota counts are PureSpectrum's own after it.
    tg.refresh_from_db()
    assert tg.current_completes == performance(tg)["completes_fielded"] == 0
    achieved = {
        q["buyer_quota_id"]: q["quantities"]["achieved"]
        for q in supplier_client(tg.project.connection).list_quotas(tg.remote_id).data
    }
    assert {q.remote_id: q.completes for q in Quota.objects.filter(profile__target_group=tg)} == achieved
    assert set(achieved.values()) == {0}

    dashboard = pm_client.get(reverse("projects:dashboard")).content.decode()
    assert (
        f"rejected {completes} of the {completes} completes. If that was not meant, submit the right list." in dashboard
    )
    page = pm_client.get(url).content.decode()
    assert f"The supplier rejected {completes} of the {completes} completes." in page
