"""Reconciling an Audience-Align survey against the sandbox: approved UIDs with a contact e-mail are
submitted through the outbox, followed until the supplier completes them, and the accepted UIDs
and "needs manual review" are shown."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from projects.models import Role, SupplierKind, TargetGroup
from projects.tests.factories import ConnectionFactory
from reconciliations.models import SurveyReconciliation
from sandbox.audience_align.wire import ensure_client
from sandbox.faults import set_faults
from sandbox.models import AaReconciliation, AaRespondent, AaSurvey
from suppliers.audience_align import AudienceAlignTransport
from sync.adapters import adapter_for
from sync.pull import sync_connection

from .confirming import post_confirmed

pytestmark = pytest.mark.django_db(transaction=True)

CLIENT_ID, KEY = "reconciling-client", "reconciling-key"


@pytest.fixture
def survey(live_server, settings, monkeypatch):
    for name in (Role.PROJECT_MANAGERS, Role.VIEWERS):
        Group.objects.get_or_create(name=name)
    settings.AUDIENCE_ALIGN_BASE_URL = live_server.url + "/sandbox/audience-align/v1"
    settings.AUDIENCE_ALIGN_CLIENT_ID, settings.AUDIENCE_ALIGN_KEY = CLIENT_ID, KEY
    settings.SANDBOX_JOB_SECONDS = 0
    monkeypatch.setattr(AudienceAlignTransport, "backoff_seconds", 0)
    from django.core.cache import cache

    cache.clear()
    ensure_client(CLIENT_ID, KEY)
    set_faults(error_rate=0.0, rate_limit_rate=0.0, lost_response_rate=0.0, latency_ms=0)
    connection = ConnectionFactory(kind=SupplierKind.AUDIENCE_ALIGN, account_id=CLIENT_ID, label="AA")
    adapter = adapter_for(connection)
    today = timezone.localdate()
    spec = {
        "name": "Reconciled survey", "country_id": "229", "language_id": "5", "audience": "b2c",
        "incidence_rate": 40, "loi": 10, "cpi": "2.50", "completes": 100, "start": today.isoformat(),
        "end": (today + timezone.timedelta(days=5)).isoformat(),
        "live_url": "https://s.example.com/?uid=[identifier]", "test_url": "https://s.example.com/?uid=[identifier]",
    }  # fmt: skip
    remote_id = adapter.create_survey(spec).target_group.remote_id
    adapter.close()
    at_supplier = AaSurvey.objects.get(project_id=remote_id)
    for i in range(3):
        AaRespondent.objects.create(survey=at_supplier, uid=f"j8G7Y17092487{i}SjNlC", status="complete")
    AaSurvey.objects.filter(pk=at_supplier.pk).update(completes=3, entrants=3)
    sync_connection(connection)
    return TargetGroup.objects.get(remote_id=remote_id)


def test_approved_uids_are_submitted_followed_and_their_answer_shown(survey, pm_client):
    uids = [f"j8G7Y17092487{i}SjNlC" for i in range(3)]

    response = post_confirmed(
        pm_client,
        reverse("reconciliations:survey", args=[survey.pk]),
        {"ids": "\n".join(uids), "contact_email": "pm@example.com"},
    )

    assert response.status_code == 302
    row = SurveyReconciliation.objects.get()
    assert row.change.state == "applied", row.change.message
    assert (row.state, row.accepted_ids, row.needs_review) == ("complete", uids, False)
    sent = AaReconciliation.objects.get()
    assert (sent.contact_email, sent.request_uids) == ("pm@example.com", uids)
    html = pm_client.get(reverse("reconciliations:survey", args=[survey.pk])).content.decode()
    assert "Completed" in html and uids[0] in html


def test_a_list_with_an_unknown_uid_needs_manual_review(survey, pm_client):
    uids = ["j8G7Y170924870SjNlC", "Z5hjB170924872cokEx"]

    post_confirmed(
        pm_client,
        reverse("reconciliations:survey", args=[survey.pk]),
        {"ids": "\n".join(uids), "contact_email": "pm@example.com"},
    )

    row = SurveyReconciliation.objects.get()
    assert (row.state, row.accepted_ids, row.needs_review) == ("complete", ["j8G7Y170924870SjNlC"], True)
    html = pm_client.get(reverse("reconciliations:survey", args=[survey.pk])).content.decode()
    assert "review" in html.lower()


def test_a_list_with_a_bad_line_sends_nothing(survey, pm_client):
    response = pm_client.post(
        reverse("reconciliations:survey", args=[survey.pk]), {"ids": "ok-1\nnot ok\n", "contact_email": "p@example.com"}
    )

    assert response.status_code == 400 and "Line 2" in response.content.decode()
    assert not AaReconciliation.objects.exists() and not SurveyReconciliation.objects.exists()
