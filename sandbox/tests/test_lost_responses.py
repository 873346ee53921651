"""The lost-response fault: applied and stored, then answered 503 as if the connection dropped.

It is the one fault an idempotency key protects against: the retry with the same key
gets the stored answer and changes nothing; a retry with a new key applies again.
"""

from sandbox.faults import fault_settings, override_faults
from sandbox.models import AppliedRequest, FaultSettings, IdempotencyRecord, Project, TargetGroup

from .conftest import new_key, tg_url, v2_url

PROJECTS = "/demand/accounts/{account}/projects"


def test_the_default_comes_from_settings_at_call_time(db, settings):
    settings.SANDBOX_LOST_RESPONSE_RATE = 0.3
    assert fault_settings().lost_response_rate == 0.3


def test_without_the_setting_no_answer_is_lost(db, settings):
    if hasattr(settings, "SANDBOX_LOST_RESPONSE_RATE"):
        del settings.SANDBOX_LOST_RESPONSE_RATE
    FaultSettings.objects.all().delete()
    assert fault_settings().lost_response_rate == 0.0


def test_a_lost_answer_was_applied_once_and_the_retry_with_the_same_key_replays_it(api, manager_id):
    key = new_key()
    body = {"name": "Lost answer project", "project_manager_id": manager_id}
    with override_faults(lost_response_rate=1.0):
        lost = api.post(PROJECTS, body, headers={"idempotency-key": key})
        assert lost.status_code == 503
        assert lost.json()["object"] == "unexpected_internal_error"
        assert not lost.has_header("idempotency-key")
        # Applied and stored, though the caller cannot tell.
        assert Project.objects.filter(name="Lost answer project").count() == 1
        applied = AppliedRequest.objects.get(idempotency_key=key)
        assert applied.answer_lost is True
        record = IdempotencyRecord.objects.get(key=key)
        assert (record.status, record.replays) == (202, 0)

        retry = api.post(PROJECTS, body, headers={"idempotency-key": key})  # replays are never lost

    assert retry.status_code == 202
    assert retry["Idempotent-Replayed"] == "true"
    assert retry["idempotency-key"] == key
    assert retry.content.decode() == record.body
    assert retry.json()["id"] == Project.objects.get(name="Lost answer project").id
    assert Project.objects.filter(name="Lost answer project").count() == 1
    assert AppliedRequest.objects.filter(idempotency_key=key).count() == 1
    assert IdempotencyRecord.objects.get(key=key).replays == 1


def test_a_retry_with_a_new_key_applies_again(api, manager_id):
    """What the key protects against: a client that makes a new key per try creates a duplicate."""
    body = {"name": "Duplicated project", "project_manager_id": manager_id}
    first, second = new_key(), new_key()
    with override_faults(lost_response_rate=1.0):
        assert api.post(PROJECTS, body, headers={"idempotency-key": first}).status_code == 503
    retry = api.post(PROJECTS, body, headers={"idempotency-key": second})
    assert retry.status_code == 202
    assert not retry.has_header("Idempotent-Replayed")
    assert Project.objects.filter(name="Duplicated project").count() == 2
    assert AppliedRequest.objects.filter(idempotency_key__in=[first, second]).count() == 2
    assert IdempotencyRecord.objects.get(key=first).replays == 0


def test_the_retry_of_a_lost_if_match_change_replays_though_its_etag_is_now_stale(api, project_id, live_id):
    """The lost change moved the ETag on; the retry still carries the old one and must not get a 412."""
    profile = api.get(v2_url(project_id, live_id)).json()["data"][1]
    etag = api.get(tg_url(project_id, live_id, "/details"))["ETag"]
    path = v2_url(project_id, live_id, f"/{profile['id']}/disable-quotas")
    headers = {"idempotency-key": new_key(), "If-Match": etag}
    with override_faults(lost_response_rate=1.0):
        assert api.post(path, headers=headers).status_code == 503
    version = TargetGroup.objects.get(pk=live_id).version
    current = api.get(tg_url(project_id, live_id, "/details"))["ETag"]
    assert current != etag
    assert api.get(v2_url(project_id, live_id)).json()["data"][1]["quotas_enabled"] is False

    with override_faults(stale_etag_rate=1.0):  # the replay comes before any If-Match check
        retry = api.post(path, headers=headers)

    assert retry.status_code == 200
    assert retry["Idempotent-Replayed"] == "true"
    assert retry["ETag"] == current
    assert retry.json()["quotas_enabled"] is False
    assert TargetGroup.objects.get(pk=live_id).version == version
    assert api.post(path, headers={"idempotency-key": new_key(), "If-Match": etag}).status_code == 412


def test_only_applied_mutations_lose_their_answer(api, manager_id, project_id):
    key = new_key()
    with override_faults(lost_response_rate=1.0):
        refused = api.post(PROJECTS, {"name": "x", "project_manager_id": manager_id}, headers={"idempotency-key": key})
        read = api.get(PROJECTS)
    assert refused.status_code == 400
    assert read.status_code == 200
    assert not AppliedRequest.objects.filter(idempotency_key=key).exists()
    assert not IdempotencyRecord.objects.filter(key=key).exists()
