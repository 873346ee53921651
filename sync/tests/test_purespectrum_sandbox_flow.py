"""A PureSpectrum connection against the sandbox, reached in-process through the real client:
the pull sync (one project, surveys as target groups, quotas in words), a supplier-made pause in
the alerts, status actions, a lost answer found applied by the re-read, a new survey taken live,
and an adjustment followed until PureSpectrum completes it."""

import random

import pytest
from django.utils import timezone

from fielding.status.actions import request_status_change
from projects.demo_purespectrum import ensure_sandbox_buyer, gender_survey, launch_surveys
from projects.inprocess import in_process_session
from projects.models import Project, SupplierKind, TargetGroup
from projects.queries import alerts_for, with_alerts
from projects.tests.factories import ConnectionFactory
from quotas.models import Quota
from reconciliations import survey as survey_reconciliation
from sandbox.models import PsSurvey, PsTransaction
from sandbox.purespectrum.simulation import GOAL_MET, step
from sync.adapters import adapter_for
from sync.intents import request_change
from sync.pull import sync_connection
from sync.sending import process_change

pytestmark = pytest.mark.django_db


@pytest.fixture
def adapter(settings):
    settings.SANDBOX_JOB_SECONDS = 0
    ensure_sandbox_buyer()
    connection = ConnectionFactory(kind=SupplierKind.PURESPECTRUM, account_id="sandbox", label="PureSpectrum")
    adapter = adapter_for(connection, session=in_process_session())
    adapter.connection = connection
    return adapter


def sync(adapter):
    run = sync_connection(adapter.connection, adapter=adapter)
    assert run.error_count == 0, run.errors
    return run


def survey(name):
    return TargetGroup.objects.select_related("project__connection").get(name=name)


def send(adapter, change):
    """The change's task; a change waiting behind another was sent by that one's task already."""
    process_change(change.pk, adapter=adapter)
    change.refresh_from_db()
    return change


def test_the_pull_mirrors_surveys_under_one_project_with_quotas_in_words(adapter):
    launch_surveys(adapter.client, 2, prefix="Wave")
    adapter.client.create_survey(gender_survey("Draft wave"))

    first = sync(adapter)

    (project,) = Project.objects.filter(connection=adapter.connection)
    assert (project.remote_id, project.name) == ("surveys", "PureSpectrum surveys")
    assert {tg.name: tg.status for tg in project.target_groups.all()} == {
        "Wave 1": "live", "Wave 2": "live", "Draft wave": "draft"
    }  # fmt: skip
    female = Quota.objects.get(profile__target_group__name="Wave 1", remote_id="female")
    assert (female.profile.name, female.text, female.extra["criteria"]) == ("Gender", "Female", "Gender: Female")
    assert (female.completes_goal, female.traffic_cap) == (100, 100)
    assert first.requests_made == 1 + 2 * 3  # the list, then per live survey: survey, performance, quotas

    steady = sync(adapter)

    assert steady.requests_made == 1 and steady.target_groups_unchanged == 2


def test_a_survey_paused_by_purespectrum_is_the_suppliers_pause_with_its_reason(adapter):
    (sid,) = launch_surveys(adapter.client, 1, prefix="Goal", goal=10)
    PsSurvey.objects.filter(pk=sid).update(completes=10)
    step(timezone.now(), random.Random(1))

    sync(adapter)

    tg = with_alerts(TargetGroup.objects.filter(name="Goal 1")).get()
    assert (tg.status, tg.status_reason) == ("paused", GOAL_MET)
    assert ("warn", f"Paused by the supplier: {GOAL_MET}") in alerts_for(tg)


def test_pause_resume_and_close_go_through_the_status_rules(adapter, pm):
    launch_surveys(adapter.client, 1, prefix="Status")
    sync(adapter)
    tg = survey("Status 1")

    for action, wanted in (("pause", 33), ("resume", 22), ("close", 44)):
        change = send(adapter, request_status_change(tg, action, by=pm))
        assert change.state == "applied", change.message
        tg.refresh_from_db()
        assert PsSurvey.objects.get(pk=tg.remote_id).status == wanted
    assert tg.status == "closed"
    with pytest.raises(Exception, match="cannot be"):
        request_status_change(tg, "resume", by=pm)


def test_a_refused_current_target_fails_in_purespectrums_words_and_shows_its_value_again(adapter):
    launch_surveys(adapter.client, 1, prefix="Refused")
    sync(adapter)
    tg = survey("Refused 1")
    payload = {"quota_id": "male", "traffic_cap": 500}  # above its quantity of 100: the form would refuse it too
    change = request_change("set_traffic_cap", connection=adapter.connection, target_group=tg, payload=payload)

    done = send(adapter, change)

    assert done.state == "failed"
    assert "current_target (500) can not be greater than required_count (100)" in done.message
    assert Quota.objects.get(profile__target_group=tg, remote_id="male").traffic_cap == 100


def test_the_goal_and_the_cpi_are_changed_at_purespectrum(adapter):
    launch_surveys(adapter.client, 1, prefix="Money")
    sync(adapter)
    tg = survey("Money 1")

    goal = request_change("set_target_group_filling_goal", connection=adapter.connection, target_group=tg,
                          payload={"filling_goal": 300})  # fmt: skip
    cpi = request_change("set_cpi", connection=adapter.connection, target_group=tg, payload={"cpi": "3.75"})

    assert send(adapter, goal).state == "applied" and send(adapter, cpi).state == "applied"
    at_supplier = PsSurvey.objects.get(pk=tg.remote_id)
    assert (at_supplier.completes_required, str(at_supplier.offer_price)) == (300, "3.75")


def test_an_adjustment_is_submitted_followed_and_summarised(adapter, pm):
    (sid,) = launch_surveys(adapter.client, 1, prefix="Recon")
    for _ in range(4):
        step(timezone.now(), random.Random(3))
    sync(adapter)
    tg = survey("Recon 1")
    completes = list(
        PsTransaction.objects.filter(survey_id=sid, outcome="complete").values_list("transaction_id", flat=True)
    )
    assert completes

    reconciliation = survey_reconciliation.request_survey_reconciliation(tg, completes[:1], name="wave 1", by=pm)
    send(adapter, reconciliation.change)
    reconciliation.refresh_from_db()
    assert reconciliation.remote_id and reconciliation.status_label == "Pending"
    settled = survey_reconciliation.advance(reconciliation, adapter)

    reconciliation.refresh_from_db()
    assert settled and reconciliation.state == "complete" and reconciliation.status_label == "Completed"
    assert reconciliation.summary == {"transactions": 1, "eligible": 1, "completes": 1, "rejected": len(completes) - 1}
