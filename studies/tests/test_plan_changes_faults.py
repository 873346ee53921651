"""200 plan changes through faulty sandboxes (20% 5xx, 10% 429, 10% answers lost after the write was applied).

Five Cint target groups and five PureSpectrum surveys, each pair fielding one cell of a study; each plan
change lowers the Cint goal and raises the PureSpectrum one to values asked once only, so each sandbox's own
log of applied writes tells which part reached it and whether anything was applied twice. Every part must end
applied, or failed (or held) with a reason; nothing applied twice; a raise sent only after its lowering was
applied; and each plan's state what its parts are at the sandboxes.
"""

import hashlib
import json

import pytest
from django.db.models import Count

from sandbox.faults import set_faults
from sandbox.models import AppliedRequest
from studies import advancing
from studies.models import PlanChange
from studies.plans import request_plan_change
from studies.tests.builders import study_over
from studies.tests.wire import gender_quotas, live_suppliers, no_faults, wait_until_settled

pytestmark = pytest.mark.django_db(transaction=True)

PAIRS = 5
PLANS_PER_PAIR = 40


def body_hash(obj):
    return hashlib.sha256(json.dumps(obj).encode()).hexdigest()


def test_200_plan_changes_under_faults_end_applied_or_failed_with_a_reason_and_none_twice(
    live_server, settings, monkeypatch, pm
):
    cint, ps = live_suppliers(live_server, settings, monkeypatch, count=PAIRS)
    pairs = list(zip((m for m, _ in gender_quotas(cint)), (m for m, _ in gender_quotas(ps)), strict=True))
    study, cells = study_over({f"Male {i + 1}": (0, [c, p]) for i, (c, p) in enumerate(pairs)}, goal=1000)
    set_faults(error_rate=0.2, rate_limit_rate=0.1, lost_response_rate=0.1, retry_after_seconds=0)

    asked = []
    for j in range(PLANS_PER_PAIR):
        for i, (cint_male, ps_male) in enumerate(pairs):
            cell = cells[f"Male {i + 1}"]
            goals = {
                (cell.pk, cint_male.profile.target_group_id): 99 - j,
                (cell.pk, ps_male.profile.target_group_id): 201 + j,
            }
            asked.append((request_plan_change(study, goals, user=pm, confirmed=True), ps_male))
    no_faults()
    wait_until_settled(timeout=240)
    assert advancing.advance_waiting() == 0  # the signal moved every plan on; the beat finds nothing left

    log = AppliedRequest.objects.all()
    twice = log.exclude(idempotency_key="").values("idempotency_key").annotate(n=Count("id")).filter(n__gt=1)
    assert list(twice) == [], "a Cint change was applied twice"
    ps_log = log.filter(supplier="purespectrum", method__in=["PUT", "PATCH"])
    twice = ps_log.values("method", "path", "body_hash").annotate(n=Count("id")).filter(n__gt=1)
    assert list(twice) == [], "a PureSpectrum write was applied twice"
    applied_at = {}
    for row in log.order_by("id"):
        applied_at.setdefault(row.idempotency_key or (row.method, row.path, row.body_hash), row.id)

    states, lost = {}, log.filter(answer_lost=True).count()
    assert len(asked) == 200
    for plan, ps_male in asked:
        parts = list(plan.parts.select_related("change", "target_group__project__connection").order_by("step"))
        lowering, raise_ = parts
        assert (lowering.step, raise_.step) == (0, 1)
        for part in parts:
            state = advancing.part_state(part)
            assert state in ("applied", "failed", "held"), (plan.summary, state)
            assert state == "applied" or advancing.part_reason(part)
        # The truth at the sandboxes: the lowering's key in Cint's log exactly when it shows applied.
        lowered = applied_at.get(str(lowering.change.idempotency_key))
        assert (lowered is not None) == (lowering.change.state == "applied"), lowering.change.message
        path = f"/sandbox/purespectrum/buyers/v2/surveys/{raise_.target_group.remote_id}/quotas/{ps_male.remote_id}"
        goal = raise_.goals[ps_male.remote_id]
        put = ("PUT", path, body_hash({"buyer_quota_id": ps_male.remote_id, "required_count": goal,
                                       "criteria": ps_male.extra["criteria_codes"]}))  # fmt: skip
        raised = applied_at.get(put)
        if advancing.part_state(raise_) == "applied":
            assert raised is not None and lowered is not None and lowered < raised, "a raise went before its lowering"
        else:
            assert raised is None, "a raise shown not applied reached PureSpectrum"
            assert raise_.change is None or lowered is not None
            assert lowering.change.state == "applied" or advancing.part_state(raise_) == "held"
        state, said = advancing.plan_state(parts)
        truth = [lowered is not None, raised is not None]
        expected = "applied" if all(truth) else "partly_failed" if any(truth) else "failed"
        assert state == expected, said
        states[state] = states.get(state, 0) + 1
    assert PlanChange.objects.count() == 200
    assert lost, "no answer was lost: the read-before-resend path was not exercised"
    print(f"\nplan changes: {states}; {lost} answers lost")
