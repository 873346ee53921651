"""A whole grid of PureSpectrum quantities and current targets saved as one change, against the sandbox on a
live server (tasks run eagerly as each change commits): the writes go in an order PureSpectrum takes, a send
broken half-way is finished by the retry without writing anything twice, a vanished quota is a conflict
that names it."""

import pytest
import responses

from projects.demo_purespectrum import ensure_sandbox_buyer, launch_surveys
from projects.models import SupplierKind, TargetGroup
from projects.tests.factories import ConnectionFactory
from quotas.models import Quota
from quotas.services import request_quota_figures
from sandbox.faults import override_faults, set_faults
from sandbox.models import AppliedRequest, PsQuota
from suppliers.purespectrum import PureSpectrumTransport
from sync.models import RemoteChange
from sync.pull import sync_connection
from sync.tests.sandbox import supplier_client
from sync.wording import describe

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def survey(live_server, settings, monkeypatch):
    """A live survey of 400 completes: "male" at 200 (uncapped), "female" at 200 capped at 150."""
    settings.PURESPECTRUM_BASE_URL = live_server.url + "/sandbox/purespectrum/buyers/v2"
    settings.SYNC_BACKOFF_BASE_SECONDS = 0
    monkeypatch.setattr(PureSpectrumTransport, "backoff_seconds", 0)
    ensure_sandbox_buyer()
    set_faults(error_rate=0.0, rate_limit_rate=0.0, lost_response_rate=0.0, latency_ms=0, retry_after_seconds=0)
    connection = ConnectionFactory(kind=SupplierKind.PURESPECTRUM, account_id="sandbox", label="PureSpectrum")
    client = supplier_client(connection)
    (survey_id,) = launch_surveys(client, 1, prefix="Grid", goal=400)
    client.set_current_target(survey_id, "female", 150)
    client.transport.session.close()
    sync_connection(connection)
    AppliedRequest.objects.all().delete()  # the set-up's own writes
    return TargetGroup.objects.get(name="Grid 1")


def rows(tg):
    return {q.remote_id: q for q in Quota.objects.filter(profile__target_group=tg)}


def writes(tg):
    """The writes the sandbox applied, oldest first: (method, quota id)."""
    base = f"/sandbox/purespectrum/buyers/v2/surveys/{tg.remote_id}/quotas/"
    return [
        (w.method, w.path.removeprefix(base))
        for w in AppliedRequest.objects.filter(supplier="purespectrum").order_by("created_at", "id")
    ]


def at_supplier(tg):
    quotas = PsQuota.objects.filter(survey__pk=tg.remote_id)
    return {q.buyer_quota_id: (q.required_count, q.current_target) for q in quotas}


def ask_the_grid(tg, pm):
    """Male lowered below its current target (to 120, target 100); female raised past its old quantity
    (to 300, target 250)."""
    quotas = rows(tg)
    return request_quota_figures(
        tg,
        {quotas["male"]: 120, quotas["female"]: 300},
        {quotas["male"]: 100, quotas["female"]: 250},
        by=pm,
    )


def test_two_quantities_and_two_targets_go_in_an_order_purespectrum_takes(survey, pm):
    change = ask_the_grid(survey, pm)

    change.refresh_from_db()
    assert change.state == RemoteChange.State.APPLIED, change.message
    assert describe(change) == "Change 2 goals and 2 current targets"
    # A target comes down before its quantity; a quantity goes up before its target.
    assert writes(survey) == [("PUT", "female"), ("PATCH", "female"), ("PATCH", "male"), ("PUT", "male")]
    assert at_supplier(survey) == {"male": (120, 100), "female": (300, 250)}
    read_back = {rid: (q.completes_goal, q.traffic_cap) for rid, q in rows(survey).items()}
    assert read_back == at_supplier(survey)


def test_a_lowered_quantity_alone_brings_its_current_target_down_first(survey, pm):
    change = request_quota_figures(survey, {rows(survey)["female"]: 90}, {}, by=pm)

    assert RemoteChange.objects.get(pk=change.pk).state == RemoteChange.State.APPLIED
    assert writes(survey) == [("PATCH", "female"), ("PUT", "female")]
    assert at_supplier(survey)["female"] == (90, 90)
    assert rows(survey)["female"].traffic_cap == 90


def test_every_answer_lost_each_value_is_written_once_and_the_change_is_applied(survey, pm, settings):
    settings.SYNC_MAX_ATTEMPTS = 8

    with override_faults(lost_response_rate=1.0):
        change = ask_the_grid(survey, pm)

    change.refresh_from_db()
    assert change.state == RemoteChange.State.APPLIED, change.message
    assert "already had these goals and current targets" in change.message
    # Each write was applied and its answer lost; each retry read first and wrote only what was left.
    assert writes(survey) == [("PUT", "female"), ("PATCH", "female"), ("PATCH", "male"), ("PUT", "male")]
    assert change.attempts == 5
    assert at_supplier(survey) == {"male": (120, 100), "female": (300, 250)}


def test_a_5xx_half_way_is_finished_by_the_retry_without_writing_twice(survey, pm, live_server):
    female = f"{live_server.url}/sandbox/purespectrum/buyers/v2/surveys/{survey.remote_id}/quotas/female"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as wire:
        wire.add_passthru(live_server.url)
        # The second write (female's current target, after its quantity) fails once before PureSpectrum applies it.
        wire.add(responses.PATCH, female, status=503, json={"ps_api_response_message": "Service unavailable"})
        wire.add(responses.PassthroughResponse(responses.PATCH, female))

        change = ask_the_grid(survey, pm)

        tried = [call.response.status_code for call in wire.calls]  # female's current target, both tries
    change.refresh_from_db()
    assert change.state == RemoteChange.State.APPLIED, change.message
    assert change.attempts == 2 and tried == [503, 200]
    assert writes(survey) == [("PUT", "female"), ("PATCH", "female"), ("PATCH", "male"), ("PUT", "male")]
    assert at_supplier(survey) == {"male": (120, 100), "female": (300, 250)}


def test_a_quota_gone_at_purespectrum_is_a_conflict_that_names_it(survey, pm):
    name = rows(survey)["female"].text
    change_rows = rows(survey)
    PsQuota.objects.filter(survey__pk=survey.remote_id, buyer_quota_id="female").delete()

    change = request_quota_figures(survey, {change_rows["male"]: 120, change_rows["female"]: 300}, {}, by=pm)

    change.refresh_from_db()
    assert change.state == RemoteChange.State.CONFLICT
    assert f"The quota “{name}” no longer exists at the supplier" in change.message
    assert "None of these goals and current targets were changed" in change.message
    assert writes(survey) == []
    assert at_supplier(survey) == {"male": (200, 200)}
