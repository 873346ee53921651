"""The events raised where they happen, reaching the PM's e-mail (Django's test outbox): a target group's pace
turned behind (from the cost step that refreshes the stored figures; once per turn), a list of ids
reconciled, and Cint's reconciliation deadline approaching (once per target group and month)."""

from datetime import timedelta

import pytest
from django.core import mail

from costs.recording import record_costs
from notifications.models import Notification, NotificationSetting
from projects.models import TargetGroup
from projects.tests.factories import ConnectionFactory, ProjectFactory, TargetGroupFactory
from reconciliations.models import SurveyReconciliation
from reconciliations.survey import store
from rules.reminders import remind_deadlines
from rules.tasks import pace_moved
from suppliers.records import ReconciliationRecord

from .helpers import counts_at, purespectrum_tg, utc

pytestmark = pytest.mark.django_db
NOW = utc(2026, 6, 10, 12, 0)


@pytest.fixture
def everyone_hears(pm):
    """The PM hears of every target group, by e-mail at once."""
    pm.email = "pat@example.com"
    pm.save()
    NotificationSetting.objects.create(user=pm, scope=NotificationSetting.Scope.ALL)
    return pm


def told(kind):
    return [m.body for m in mail.outbox if any(n.text in m.body for n in Notification.objects.filter(kind=kind))]


def test_pace_turned_behind_is_told_once_per_turn_from_the_cost_step(
    everyone_hears, django_capture_on_commit_callbacks
):
    tg = purespectrum_tg(name="Slow survey", filling_goal=1000, fielding_start_at=NOW - timedelta(days=3),
                         fielding_end_at=NOW + timedelta(days=1))  # fmt: skip
    counts_at(tg, NOW - timedelta(hours=30), completes=90)
    counts_at(tg, NOW - timedelta(hours=1), completes=100)  # 10 in a day, 900 to go in one: behind

    def cost_step(now):
        with django_capture_on_commit_callbacks(execute=True):
            record_costs(now)

    cost_step(NOW)
    assert tg.figures.verdict == "behind"
    assert len(told("pace_behind")) == 1 and "The pace of “Slow survey” turned behind." in told("pace_behind")[0]

    TargetGroup.objects.filter(pk=tg.pk).update(fielding_end_at=NOW + timedelta(days=200))  # on track now
    cost_step(NOW + timedelta(minutes=1))
    TargetGroup.objects.filter(pk=tg.pk).update(fielding_end_at=NOW + timedelta(days=1))  # behind again
    cost_step(NOW + timedelta(minutes=2))

    assert Notification.objects.filter(kind="pace_behind").count() == 2


def test_a_verdict_wobbling_between_behind_and_at_risk_is_told_once(everyone_hears, django_capture_on_commit_callbacks):
    tg = purespectrum_tg(name="Wobbly survey")
    with django_capture_on_commit_callbacks(execute=True):
        for verdict in ("behind", "at_risk", "behind", "at_risk", "on_track", "behind"):
            pace_moved(tg.pk, verdict, "", NOW.isoformat())

    assert Notification.objects.filter(kind="pace_behind").count() == 2  # the first turn, and after on track
    assert len(mail.outbox) == 2


def test_a_settled_list_of_ids_is_told(everyone_hears, django_capture_on_commit_callbacks):
    tg = purespectrum_tg(name="Adjusted survey")
    row = SurveyReconciliation.objects.create(connection=tg.project.connection, target_group=tg, name="pasted",
                                              ids=["T1", "T2"], state="processing")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        store(row, ReconciliationRecord(state="failed", message="The survey is closed for adjustments."))

    (body,) = told("reconciliation_result")
    assert "The reconciliation of 2 ids on “Adjusted survey” failed: The survey is closed for adjustments." in body


def cint_tg(**extra):
    connection = ConnectionFactory(kind="cint", account_id="1001")
    return TargetGroupFactory(project=ProjectFactory(connection=connection), **extra)


def test_the_reconciliation_deadline_is_told_a_few_days_ahead_once_per_target_group(
    everyone_hears, django_capture_on_commit_callbacks
):
    tg = cint_tg(name="May wave")
    counts_at(tg, utc(2026, 5, 20, 9, 0), completes=40)  # completes in May: reconcilable until 25 June
    quiet = cint_tg(name="Nothing in May")
    counts_at(quiet, utc(2026, 4, 20, 9, 0), completes=40)

    with django_capture_on_commit_callbacks(execute=True):
        assert remind_deadlines(now=utc(2026, 6, 21, 9, 0)) == 0  # four days ahead: not yet
        assert remind_deadlines(now=utc(2026, 6, 22, 9, 0)) == 1
        assert remind_deadlines(now=utc(2026, 6, 23, 9, 0)) == 0  # told already this month
        assert remind_deadlines(now=utc(2026, 6, 26, 9, 0)) == 0  # the deadline has passed

    (body,) = told("reconciliation_deadline")
    assert "Completes of May 2026 on “May wave” can be reconciled until 25 June 2026" in body
