"""The guard's acts as recorded in the outbox (sending is the outbox's; `test_guard_wire` reads them back)."""

import pytest

from projects.models import SupplierKind
from studies.guard import guard
from studies.models import Cell, GuardAct, Study
from studies.tests.builders import study_over
from studies.tests.test_plans import quota
from sync.models import RemoteChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_cell(db):
    ps = quota(SupplierKind.PURESPECTRUM, 200, 150, current_completes=150)
    aa = quota(SupplierKind.AUDIENCE_ALIGN, 200, 100, current_completes=100)
    study, cells = study_over({"Female": (250, [ps, aa])}, goal=1000)
    return study, cells["Female"], ps, aa


def test_a_full_cell_is_closed_once_at_each_supplier_as_it_allows(full_cell):
    study, cell, ps, aa = full_cell
    (act,) = guard(study)

    changes = {c.kind: c for c in act.changes.all()}
    assert changes["set_traffic_cap"].payload == {"quota_id": ps.remote_id, "traffic_cap": 150, "stop": True}
    assert changes["set_quota_goals"].payload == {"goals": {aa.remote_id: 100}}
    assert all("by the over-quota guard of the study" in c.summary for c in changes.values())
    assert act.text.startswith("“Female” reached 250 of its 250 completes: closed at")
    # Closing Audience-Align's quota does not stop it at once, and the act says so rather than promise it.
    assert "Audience-Align's quotas are soft: a few more respondents may still complete there." in act.text
    assert guard(Study.objects.get(pk=study.pk)) == []
    assert RemoteChange.objects.count() == 2


def test_an_act_where_every_quota_is_hard_promises_no_more(db):
    ps = quota(SupplierKind.PURESPECTRUM, 200, 150, current_completes=150)
    study, cells = study_over({"Female": (150, [ps])}, goal=1000)
    (act,) = guard(study)
    assert "soft" not in act.text


def test_a_cell_whose_goal_is_raised_is_armed_again(full_cell):
    study, cell, ps, aa = full_cell
    guard(study)
    Cell.objects.filter(pk=cell.pk).update(goal=300)
    assert guard(Study.objects.get(pk=study.pk)) == []
    assert Cell.objects.get(pk=cell.pk).guard_closed_at is None

    Cell.objects.filter(pk=cell.pk).update(goal=250)
    assert len(guard(Study.objects.get(pk=study.pk))) == 1


def test_the_guard_switched_off_does_nothing(full_cell):
    study, *_ = full_cell
    Study.objects.filter(pk=study.pk).update(guard_on=False)
    assert guard(Study.objects.get(pk=study.pk)) == []
    assert not GuardAct.objects.exists()


@pytest.mark.parametrize(
    "when_full, actions",
    [(Study.WhenFull.PAUSE, {"pause", "deactivate"}), (Study.WhenFull.COMPLETE, {"close", "complete"})],
)
def test_a_full_study_pauses_or_completes_every_target_group(full_cell, when_full, actions):
    study, *_ = full_cell
    Study.objects.filter(pk=study.pk).update(goal=250, when_full=when_full)
    acts = guard(Study.objects.get(pk=study.pk))

    stopped = next(act for act in acts if act.cell is None)
    assert {c.payload["action"] for c in stopped.changes.all()} == actions
    assert stopped.text.startswith("The study reached 250 of its 250 completes:")
    assert [a for a in guard(Study.objects.get(pk=study.pk)) if a.cell is None] == []


def test_the_complete_before_the_goal_closes_nothing(db):
    ps = quota(SupplierKind.PURESPECTRUM, 200, 149)
    aa = quota(SupplierKind.AUDIENCE_ALIGN, 200, 100)
    study, _ = study_over({"Female": (250, [ps, aa])}, goal=1000)
    assert guard(study) == []
    assert not RemoteChange.objects.exists()


@pytest.mark.parametrize("in_sets", [False, True])
def test_a_webhook_fill_that_fills_the_cell_has_the_guard_close_it_at_once(
    full_cell, django_capture_on_commit_callbacks, in_sets
):
    from django.utils import timezone

    from quotas.webhooks import apply_quota_fill, apply_quota_fills
    from suppliers.records import QuotaFill

    study, cell, ps, aa = full_cell
    Cell.objects.filter(pk=cell.pk).update(goal=251)
    tg = aa.profile.target_group
    fill = QuotaFill(target_group_id=tg.remote_id, quota_id=aa.remote_id, completes=101)
    with django_capture_on_commit_callbacks(execute=True):
        if in_sets:
            apply_quota_fills([(tg.project.connection, fill, timezone.now())])
        else:
            apply_quota_fill(tg.project.connection, fill, timezone.now())

    (act,) = GuardAct.objects.all()
    assert (act.cell_id, act.achieved, act.goal) == (cell.pk, 251, 251)
    assert act.changes.count() == 2
