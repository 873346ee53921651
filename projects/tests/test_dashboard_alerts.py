"""The dashboard tells a PM which target groups need attention, in words."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from fielding.models import FieldingJob
from projects.attention import with_attention_rank
from projects.models import SupplierKind, TargetGroup
from projects.queries import RUN_ACTION_KINDS, alerts_for, with_alerts
from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from quotas.tests.factories import ProfileFactory, QuotaFactory
from reconciliations.models import Submission, SubmissionTargetGroup, SurveyReconciliation
from sync.kinds import REGISTRY
from sync.models import RemoteChange

pytestmark = pytest.mark.django_db
SUPPLIER_PAUSE = "Paused by the supplier, not from the cockpit."


@pytest.fixture(autouse=True)
def _attention_rank_agrees_with_the_alerts(db):
    """After each test here, the database's "needs attention" rank says what the alerts in words say."""
    yield
    ranked = with_attention_rank(with_alerts(TargetGroup.objects.all())).annotate(rank=F("attention_rank"))
    for tg in ranked:
        assert (tg.rank == 0) == bool(alerts_for(tg)), (tg.status, alerts_for(tg))


def _applied(tg, kind, minutes_ago):
    return RemoteChange.objects.create(
        kind=kind,
        connection=tg.project.connection,
        target_group=tg,
        state=RemoteChange.State.APPLIED,
        finished_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


def _dashboard(client):
    return client.get(reverse("projects:dashboard")).content.decode()


def test_the_run_action_kinds_are_the_ones_the_outbox_knows():
    assert set(RUN_ACTION_KINDS) <= set(REGISTRY)


def test_a_pause_the_supplier_made_is_flagged(pm_client):
    TargetGroupFactory(status="paused", name="Paused by Cint")
    assert SUPPLIER_PAUSE in _dashboard(pm_client)


def test_a_pause_from_the_cockpit_is_not_flagged(pm_client):
    tg = TargetGroupFactory(status="paused")
    _applied(tg, "pause_fielding_run", minutes_ago=5)
    assert SUPPLIER_PAUSE not in _dashboard(pm_client)


def test_a_supplier_pause_after_the_cockpit_resumed_is_flagged_again(pm_client):
    tg = TargetGroupFactory(status="paused")
    _applied(tg, "pause_fielding_run", minutes_ago=60)
    _applied(tg, "resume_fielding_run", minutes_ago=30)
    assert SUPPLIER_PAUSE in _dashboard(pm_client)


def test_a_bulk_pause_counts_as_the_cockpits(pm_client):
    tg = TargetGroupFactory(status="paused")
    _applied(tg, "resume_fielding_run", minutes_ago=30)
    job = FieldingJob.objects.create(
        kind="batch_pause", project=tg.project, status="Completed", finished_at=timezone.now() - timedelta(minutes=5)
    )
    job.target_groups.add(tg)
    assert SUPPLIER_PAUSE not in _dashboard(pm_client)


def test_full_cells_while_the_target_group_is_short_are_flagged(pm_client):
    tg = TargetGroupFactory(filling_goal=500, current_completes=100)
    QuotaFactory(profile=ProfileFactory(target_group=tg), completes_goal=50, completes=50)
    assert "Some quota cells are full while the target group is not" in _dashboard(pm_client)


def test_failed_changes_and_sync_errors_are_flagged(pm_client):
    tg = TargetGroupFactory(sync_error="The supplier answered 503.")
    RemoteChange.objects.create(
        kind="disable_quotas", connection=tg.project.connection, target_group=tg, state=RemoteChange.State.FAILED
    )
    html = _dashboard(pm_client)
    assert "Sync error: The supplier answered 503." in html
    assert "1 change failed or met a conflict in the last 24 hours." in html


# --- what else a PM must act on -------------------------------------------------------------------


def _purespectrum_tg(**fields):
    connection = ConnectionFactory(kind=SupplierKind.PURESPECTRUM, account_id="sandbox", label="PureSpectrum")
    return TargetGroupFactory(project__connection=connection, **fields)


def _reconciled(tg, *, rejected, before, hours_ago=1, state="complete"):
    return SurveyReconciliation.objects.create(
        connection=tg.project.connection,
        target_group=tg,
        name="pasted",
        ids=["X1", "X2", "X3"],
        state=state,
        completes_before=before,
        rejected_count=rejected,
        finished_at=timezone.now() - timedelta(hours=hours_ago),
    )


def test_a_reconciliation_that_rejected_most_completes_is_flagged(pm_client):
    tg = _purespectrum_tg(name="Wave 1", current_completes=0)
    _reconciled(tg, rejected=238, before=238)

    html = _dashboard(pm_client)

    assert "A reconciliation 1\xa0hour ago rejected 238 of the 238 completes." in html
    assert "If that was not meant, submit the right list." in html


def test_a_reconciliation_that_rejected_a_few_completes_or_a_right_list_sent_since_is_not_flagged(pm_client):
    few = _purespectrum_tg(name="Few")
    _reconciled(few, rejected=10, before=238)
    corrected = _purespectrum_tg(name="Corrected")
    _reconciled(corrected, rejected=238, before=238, hours_ago=3)
    _reconciled(corrected, rejected=3, before=238, hours_ago=1)

    assert "A reconciliation" not in _dashboard(pm_client)


def test_an_audience_align_list_that_left_most_completes_unapproved_says_it_in_its_words(pm_client):
    connection = ConnectionFactory(kind=SupplierKind.AUDIENCE_ALIGN, account_id="9", label="Audience-Align")
    tg = TargetGroupFactory(project__connection=connection)
    _reconciled(tg, rejected=78, before=81)

    assert "A reconciliation 1\xa0hour ago did not approve 78 of the 81 completes." in _dashboard(pm_client)


def test_a_cint_file_that_rejected_most_of_a_target_group_s_completes_is_flagged_even_once_it_completed(pm_client):
    tg = TargetGroupFactory(status="completed", name="US adults")
    submission = Submission.objects.create(
        connection=tg.project.connection, name="june.csv", csv="", state="complete", finished_at=timezone.now()
    )
    SubmissionTargetGroup.objects.create(
        submission=submission, target_group=tg, target_group_remote_id=tg.remote_id, negative_reversed_count=90,
        completes_before=120,
    )  # fmt: skip

    html = pm_client.get(reverse("projects:project", args=[tg.project.pk])).content.decode()

    assert "A reconciliation 0\xa0minutes ago rejected 90 of the 120 completes." in html


def test_a_quota_whose_traffic_stopped_below_its_goal_is_flagged(pm_client):
    tg = _purespectrum_tg(name="Wave 1")
    QuotaFactory(
        profile=ProfileFactory(target_group=tg), text="Female", completes_goal=100, traffic_cap=60, completes=60
    )

    assert (
        "Traffic to “Female” has stopped below its goal (its current target is reached): raise the current target"
        in _dashboard(pm_client)
    )


def test_a_quota_the_pm_stopped_or_that_met_its_goal_is_not_flagged_as_stopped(pm_client):
    tg = _purespectrum_tg(name="Wave 1")
    stopped = QuotaFactory(profile=ProfileFactory(target_group=tg), completes_goal=100, traffic_cap=40, completes=40)
    QuotaFactory(profile=ProfileFactory(target_group=tg), completes_goal=100, traffic_cap=100, completes=100)
    RemoteChange.objects.create(
        kind="set_traffic_cap", connection=tg.project.connection, target_group=tg, state=RemoteChange.State.APPLIED,
        payload={"quota_id": stopped.remote_id, "traffic_cap": 40, "stop": True},
    )  # fmt: skip

    assert "has stopped below" not in _dashboard(pm_client)


def test_a_survey_the_supplier_paused_with_its_reason_is_flagged_after_a_pause_from_the_cockpit(pm_client):
    tg = _purespectrum_tg(status="paused", status_reason="No starts in 24 hours.")
    change = _applied(tg, "change_status", minutes_ago=60 * 30)
    change.payload = {"action": "pause", "to_status": "paused"}
    change.save()

    assert "Paused by the supplier: No starts in 24 hours." in _dashboard(pm_client)


def test_a_refused_relaunch_of_a_completed_target_group_is_flagged(pm_client):
    tg = TargetGroupFactory(status="completed")
    RemoteChange.objects.create(
        kind="relaunch_fielding_run", connection=tg.project.connection, target_group=tg, state="failed"
    )
    RemoteChange.objects.create(
        kind="disable_quotas", connection=tg.project.connection, target_group=tg, state="failed"
    )

    html = pm_client.get(reverse("projects:project", args=[tg.project.pk])).content.decode()

    assert "1 change failed or met a conflict in the last 24 hours." in html


def test_a_launch_the_supplier_failed_is_flagged_and_its_draft_shown_on_the_dashboard(pm_client):
    tg = TargetGroupFactory(status="draft", name="Launch me")
    FieldingJob.objects.create(
        kind="launch_from_draft", project=tg.project, target_group=tg, status="Failed",
        failure_reason="The target group has no quotas.", finished_at=timezone.now(),
    )  # fmt: skip

    html = _dashboard(pm_client)

    assert "Launch me" in html
    assert "Launch from draft failed at the supplier: The target group has no quotas." in html


def test_a_failed_bulk_pause_is_flagged_on_each_of_its_target_groups(pm_client):
    tg = TargetGroupFactory(name="Still live")
    job = FieldingJob.objects.create(
        kind="batch_pause", project=tg.project, status="Failed", finished_at=timezone.now()
    )
    job.target_groups.add(tg)

    assert "Pause (bulk) failed at the supplier." in _dashboard(pm_client)
