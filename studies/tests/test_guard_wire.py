"""The guard's boundary at the wire: the complete that fills a cell closes it at each supplier (Cint's goal and
PureSpectrum's current target become what each has achieved), the one before does not, the one after finds it
closed and does nothing more. Fills arrive by the pull sync's read of each sandbox."""

import pytest

from sandbox.models import PsQuota
from sandbox.models import Quota as CintQuota
from studies.models import GuardAct
from studies.tests.builders import study_over
from studies.tests.wire import gender_quotas, live_suppliers, wait_until_settled
from sync.models import RemoteChange
from sync.pull import sync_target_group

pytestmark = pytest.mark.django_db(transaction=True)


def fill(quota, achieved):
    """The supplier counts `achieved` completes in `quota`; the cockpit reads its target group."""
    tg = quota.profile.target_group
    if tg.project.connection.kind == "purespectrum":
        PsQuota.objects.filter(survey_id=tg.remote_id, buyer_quota_id=quota.remote_id).update(achieved=achieved)
    else:
        CintQuota.objects.filter(pk=quota.remote_id).update(completes=achieved)
    tg.needs_full_read()
    sync_target_group(tg)
    wait_until_settled()


def test_the_complete_that_fills_the_cell_closes_it_at_each_supplier_and_the_next_does_nothing(
    live_server, settings, monkeypatch
):
    cint, ps = live_suppliers(live_server, settings, monkeypatch)
    ((cint_male, _),) = gender_quotas(cint)
    ((ps_male, _),) = gender_quotas(ps)
    study, cells = study_over({"Male": (10, [cint_male, ps_male])}, goal=1000)
    fill(cint_male, 4)
    fill(ps_male, 5)  # 9 of 10: the one before

    assert not GuardAct.objects.exists()
    assert not RemoteChange.objects.exists()

    fill(ps_male, 6)  # 10 of 10: the complete that fills it

    (act,) = GuardAct.objects.all()
    assert (act.cell, act.achieved, act.goal) == (cells["Male"], 10, 10)
    assert "reached 10 of its 10 completes: closed at" in act.text
    changes = list(act.changes.order_by("pk"))
    assert {c.state for c in changes} == {"applied"}
    assert all("by the over-quota guard of the study" in c.summary for c in changes)
    assert CintQuota.objects.get(pk=cint_male.remote_id).completes_goal == 4
    closed = PsQuota.objects.get(survey_id=ps_male.profile.target_group.remote_id, buyer_quota_id=ps_male.remote_id)
    assert closed.current_target == 6

    fill(cint_male, 5)  # the one after: a respondent already in progress completes

    assert GuardAct.objects.count() == 1
    assert RemoteChange.objects.count() == len(changes)
