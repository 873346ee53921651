"""Seeded fault dice: the same seed replays the same faults, so a failing fault test can be rerun."""

import json

import pytest
from django.test import RequestFactory

from sandbox import faults
from sandbox.wire import json_response, supplier_api


def throws(count=40):
    return [(faults.roll(0.5), faults.pick_server_error()) for _ in range(count)]


@pytest.fixture(autouse=True)
def _unseeded_afterwards():
    yield
    faults.reseed(None)


def test_the_same_seed_replays_the_same_dice():
    faults.reseed(42)
    first = throws()
    faults.reseed(42)
    assert throws() == first
    faults.reseed(43)
    assert throws() != first


def test_the_setting_seeds_the_dice_at_call_time(settings):
    settings.SANDBOX_FAULT_SEED = "7"
    from_setting = throws()
    faults.reseed("7")
    assert throws() == from_setting
    faults.reseed(7)  # an int seed means the same as the setting's string
    assert throws() == from_setting


def test_a_reseed_holds_until_the_setting_changes(settings):
    settings.SANDBOX_FAULT_SEED = "7"
    throws(1)
    faults.reseed(8)
    from_eight = throws()
    faults.reseed(8)
    assert throws() == from_eight
    settings.SANDBOX_FAULT_SEED = "9"
    from_nine = throws()
    faults.reseed(9)
    assert throws() == from_nine


def test_without_a_seed_the_dice_are_not_replayed(settings):
    settings.SANDBOX_FAULT_SEED = ""
    faults.reseed(None)
    first = throws(64)
    faults.reseed(None)
    assert throws(64) != first


@supplier_api(supplier="stand-in", error_body=lambda status, fault: {"fault": fault})
def read(request):
    return json_response({"ok": True})


@pytest.mark.django_db
def test_a_seeded_run_of_calls_meets_the_same_faults_again():
    def statuses():
        return [read(RequestFactory().get("/sandbox/stand-in/")).status_code for _ in range(30)]

    with faults.override_faults(error_rate=0.3, rate_limit_rate=0.2):
        faults.reseed("replay me")
        first = statuses()
        faults.reseed("replay me")
        second = statuses()
    assert first == second
    assert {200, 429} <= set(first) and set(first) & {500, 502, 503}
    assert json.loads(read(RequestFactory().get("/")).content) == {"ok": True}
