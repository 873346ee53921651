"""200 quota and interlock-goal changes on 10 Audience-Align surveys against the sandbox, with faults.

The sandbox runs behind `live_server` and answers 20% of calls with a 5xx and 10% with a 429
before anything is applied, and loses the answer of 10% of the writes it did apply (a 503 after
the commit). Audience-Align has no idempotency keys: the only thing that keeps a retried write
from applying twice is the outbox's re-read and verdict before every re-send. So every change
must end applied or failed with a reason, the sandbox's own write log must show each change's
body applied at most once (exactly for the changes shown applied), and the values the sandbox
holds at the end must be those of the last change applied to each quota and cell.
"""

import hashlib
import json
import time
from datetime import timedelta

import pytest

from projects.models import SupplierKind, TargetGroup
from projects.tests.factories import ConnectionFactory
from quotas.models import InterlockCell, Quota
from sandbox.audience_align.wire import ensure_client
from sandbox.faults import set_faults
from sandbox.models import AppliedRequest
from suppliers.audience_align import AudienceAlignTransport
from sync.adapters import adapter_for
from sync.intents import request_change
from sync.models import RemoteChange
from sync.pull import sync_connection

pytestmark = pytest.mark.django_db(transaction=True)

CLIENT_ID, KEY = "outbox-client", "outbox-key"
SURVEYS = 10
CHANGES_PER_SURVEY = 20
GENDER = {
    "question_id": 43,
    "conditions_kind": "selection_conditions_details_template",
    "conditions": [{"id": "1", "text": "Male"}, {"id": "2", "text": "Female"}],
}
AGE = {
    "question_id": 42,
    "conditions_kind": "range_conditions_details_template",
    "conditions": [
        {"id": "18-34", "text": "18-34", "min": 18, "max": 34},
        {"id": "35-54", "text": "35-54", "min": 35, "max": 54},
    ],
}


def spec(name):
    from django.utils import timezone

    today = timezone.localdate()
    return {
        "name": name, "country_id": "229", "language_id": "5", "audience": "b2c", "incidence_rate": 40, "loi": 10,
        "cpi": "2.50", "completes": 400, "start": today.isoformat(), "end": (today + timedelta(days=60)).isoformat(),
        "live_url": "https://survey.example.com/s?uid=[identifier]",
        "test_url": "https://survey.example.com/t?uid=[identifier]",
        "qualifications": [GENDER, AGE],
    }  # fmt: skip


@pytest.fixture
def sandbox(live_server, settings, monkeypatch):
    settings.AUDIENCE_ALIGN_BASE_URL = live_server.url + "/sandbox/audience-align/v1"
    settings.AUDIENCE_ALIGN_CLIENT_ID, settings.AUDIENCE_ALIGN_KEY = CLIENT_ID, KEY
    settings.SYNC_BACKOFF_BASE_SECONDS = 0.02
    settings.SYNC_BACKOFF_MAX_SECONDS = 0.5
    settings.SYNC_MAX_ATTEMPTS = 12
    monkeypatch.setattr(AudienceAlignTransport, "backoff_seconds", 0.01)
    from django.core.cache import cache

    cache.clear()
    ensure_client(CLIENT_ID, KEY)
    set_faults(error_rate=0.0, rate_limit_rate=0.0, lost_response_rate=0.0, latency_ms=0, retry_after_seconds=0)
    connection = ConnectionFactory(kind=SupplierKind.AUDIENCE_ALIGN, account_id=CLIENT_ID, label="AA")
    adapter = adapter_for(connection)
    for i in range(SURVEYS):
        survey = adapter.create_survey(spec(f"Outbox survey {i + 1}")).target_group
        adapter.client.create_interlocking(survey.remote_id, [43, 42])
    adapter.close()
    run = sync_connection(connection)
    assert run.error_count == 0, run.errors
    return connection


def ask_for_200_changes(connection):
    """Per survey, 10 goals of the Male quota and 10 of the first GENDER × AGE cell, each value new."""
    changes = []
    for tg in TargetGroup.objects.filter(project__connection=connection).order_by("pk"):
        male = Quota.objects.get(profile__target_group=tg, remote_id="43:1")
        cell = InterlockCell.objects.filter(interlocked_profile__target_group=tg).order_by("position").first()
        for i in range(CHANGES_PER_SURVEY):
            quota, goal = (male, 40 + i) if i % 2 == 0 else (cell, 10 + i)
            payload = {"goals": {quota.remote_id: goal}}
            profile = male.profile if quota is male else None
            change = request_change(
                "set_quota_goals", connection=connection, target_group=tg, profile=profile, payload=payload
            )
            changes.append(change)
    return changes


def body_of(change):
    """The request body the adapter sends for a change, as the sandbox hashes it."""
    survey = change.target_group.remote_id
    ((quota_id, goal),) = change.payload["goals"].items()
    if quota_id.startswith("43:"):
        body = {"project_id": survey, "quota": [
            {"qualification_code": 43, "criteria": [{"required_count": goal, "condition_codes": 1}]}]}  # fmt: skip
    else:
        body = {"project_id": survey, "combinations": [{"id": quota_id, "required_count": goal}]}
    return hashlib.sha256(json.dumps(body).encode()).hexdigest()


def wait_until_settled(changes, timeout=60):
    ids = [change.pk for change in changes]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not RemoteChange.objects.filter(pk__in=ids, state__in=["pending", "sending"]).exists():
            return
        time.sleep(0.2)
    raise AssertionError("changes did not settle")


def at_the_supplier(connection):
    """{survey id: (Male quota goal, first cell goal)} read from the sandbox through the client."""
    client = adapter_for(connection).client
    found = {}
    for tg in TargetGroup.objects.filter(project__connection=connection):
        row = client.get_survey(tg.remote_id).data["data"][0]
        criteria = [c for q in row["quotas"] if q["qualification_id"] == 43 for c in q["criteria"]]
        male = next((c["required_count"] for c in criteria if c["condition_codes"] == "1"), None)
        cells = client.get_interlocking(tg.remote_id).data["data"]["combinations"]
        found[tg.remote_id] = (male, int(cells[0]["quota"]))
    client.transport.session.close()
    return found


def test_200_goal_changes_through_a_faulty_sandbox_settle_and_none_applies_twice(sandbox):
    set_faults(error_rate=0.2, rate_limit_rate=0.1, lost_response_rate=0.1, retry_after_seconds=0)

    changes = ask_for_200_changes(sandbox)
    wait_until_settled(changes)

    rows = list(RemoteChange.objects.filter(pk__in=[c.pk for c in changes]).select_related("target_group"))
    assert len(rows) == SURVEYS * CHANGES_PER_SURVEY
    assert {row.state for row in rows} <= {"applied", "failed"}
    assert all(row.message for row in rows if row.state == "failed")

    # The sandbox's log: each change's body applied at most once, and exactly for the changes shown applied.
    log = list(AppliedRequest.objects.filter(supplier="audience_align").values_list("body_hash", "answer_lost"))
    times = {}
    for digest, _lost in log:
        times[digest] = times.get(digest, 0) + 1
    expected = {body_of(row): row for row in rows}
    assert len(expected) == len(rows)  # every change asks for a body of its own
    assert [digest for digest, n in times.items() if n > 1 and digest in expected] == []
    applied = {digest for digest, row in expected.items() if row.state == "applied"}
    assert {digest for digest in times if digest in expected} == applied
    lost = {digest for digest, was_lost in log if was_lost and digest in expected}
    assert lost, "no answer was lost: the lost-answer fault was not exercised"
    found_by_verdict = {body_of(row) for row in rows if row.state == "applied" and row.message}
    assert found_by_verdict <= lost, "a change was taken for done although the supplier never applied it"

    # What the sandbox holds is the last applied goal of each quota and cell, and what the cockpit shows.
    set_faults(error_rate=0.0, rate_limit_rate=0.0, lost_response_rate=0.0)
    supplier = at_the_supplier(sandbox)
    for tg in TargetGroup.objects.filter(project__connection=sandbox):
        mine = sorted((r for r in rows if r.target_group_id == tg.pk and r.state == "applied"), key=lambda r: r.pk)
        last_male = [next(iter(r.payload["goals"].values())) for r in mine if "43:1" in r.payload["goals"]]
        last_cell = [next(iter(r.payload["goals"].values())) for r in mine if "43:1" not in r.payload["goals"]]
        male, cell = supplier[tg.remote_id]
        assert male == (last_male[-1] if last_male else None)
        if last_cell:
            assert cell == last_cell[-1]
    TargetGroup.objects.filter(project__connection=sandbox).update(synced_at=None)
    assert sync_connection(sandbox).error_count == 0
    for tg in TargetGroup.objects.filter(project__connection=sandbox):
        male, cell = supplier[tg.remote_id]
        assert Quota.objects.get(profile__target_group=tg, remote_id="43:1").completes_goal == (male or tg.filling_goal)
        first = InterlockCell.objects.filter(interlocked_profile__target_group=tg).order_by("position").first()
        assert first.completes_goal == cell
    states = [row.state for row in rows]
    print(f"\n{states.count('applied')} applied ({len(found_by_verdict)} found applied by a re-read after a lost "
          f"answer), {states.count('failed')} failed; {len(lost)} answers lost")  # fmt: skip
