"""The PureSpectrum adapter: its records in the cockpit's words, and its verbs at the wire."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import responses

from suppliers.purespectrum.adapter import PureSpectrumAdapter, profiles_snapshot, survey_record
from suppliers.records import TargetGroupRef

from . import ps_seed

BASE = "https://api.example.test/buyers/v2"
REF = TargetGroupRef("surveys", "7654")
FEMALE = [{"qualification_code": 211, "condition_codes": ["112"]}]
YOUNG = [{"qualification_code": 212, "range_sets": [{"from": 18, "to": 34, "units": 311}]}]


def quota(buyer_quota_id, criteria, *, number=100, achieved=10, target=None, locked=False, open_now=None):
    target = number if target is None else target
    return {
        **ps_seed.patch_answer(),
        "buyer_quota_id": buyer_quota_id,
        "criteria": criteria,
        "locked": locked,
        "quantities": {
            **ps_seed.patch_answer()["quantities"],
            "number": number,
            "achieved": achieved,
            "current_target": target,
            "remaining": number - achieved,
            "currently_open": target - achieved if open_now is None else open_now,
        },
    }


@pytest.fixture
def wire():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def adapter():
    return PureSpectrumAdapter.from_config({"base_url": BASE, "access_token": "t", "timeout_seconds": 5})


def test_quotas_read_as_profiles_named_in_words():
    snapshot = profiles_snapshot(
        [
            quota("f", FEMALE, achieved=12, target=40),
            quota("y", YOUNG),
            quota("m", [{"qualification_code": 211, "condition_codes": ["111"]}]),
        ]
    )

    gender, age = snapshot.profiles
    assert (gender.remote_id, gender.name, age.name) == ("211", "Gender", "Age")
    female = gender.quotas[0]
    assert (female.text, female.completes_goal, female.completes, female.traffic_cap) == ("Female", 100, 12, 40)
    assert female.extra["criteria"] == "Gender: Female"
    assert (female.extra["remaining"], female.extra["currently_open"], female.extra["locked"]) == (88, 28, False)
    assert age.quotas[0].text == "18–34" and age.quotas[0].extra["criteria"] == "Age: 18–34"
    assert [c["text"] for c in gender.conditions] == ["Female", "Male"]


def test_nested_quotas_are_cells_of_one_interlock_per_set_of_qualifications():
    snapshot = profiles_snapshot(
        [quota("fy", FEMALE + YOUNG), quota("my", [{"qualification_code": 211, "condition_codes": ["111"]}] + YOUNG)]
    )

    assert snapshot.profiles == []
    (interlock,) = snapshot.interlocks
    assert (interlock.remote_id, interlock.name) == ("nested-211-212", "Gender × Age")
    assert [c.text for c in interlock.cells] == ["Female, 18–34", "Male, 18–34"]
    assert interlock.cells[0].extra["criteria"] == "Gender: Female, Age: 18–34"


def test_a_locked_quota_has_nothing_open():
    record = profiles_snapshot([quota("f", FEMALE, locked=True, open_now=5)]).profiles[0].quotas[0]

    assert record.extra["currently_open"] == 0 and record.extra["locked"] is True


def test_an_unknown_qualification_is_still_shown_by_its_number():
    record = profiles_snapshot([ps_seed.patch_answer() | {"criteria": ps_seed.put_request()["criteria"]}])

    assert record.profiles[0].name == "Qualification 214"
    assert record.profiles[0].quotas[0].extra["criteria"] == "Qualification 214: condition 112"


def test_a_survey_reads_in_the_cockpits_words():
    record = survey_record(
        {
            "ps_survey_id": 7654, "survey_title": "US adults", "ps_survey_status": 33,
            "ps_status_reason": "The survey reached its completes goal.", "survey_localization": "en_US",
            "completes_required": 200, "expected_ir": 40, "expected_loi": 12, "offer_price": 2.5, "field_time": 14,
            "mod_on": 1611246548389, "crtd_on": 1611074478715,
            "qualifications": [{"qualification_code": 211, "condition_codes": ["111", "112"]}],
        }
    )  # fmt: skip

    assert (record.remote_id, record.status, record.status_reason) == (
        "7654",
        "paused",
        "The survey reached its completes goal.",
    )
    assert record.expected_incidence_rate == Decimal("0.40") and record.cpi == Decimal("2.5000")
    assert record.updated_at == datetime(2021, 1, 21, 16, 29, 8, 389000, tzinfo=UTC)
    assert record.extra["field_time_days"] == 14
    assert record.extra["qualifications"] == [{"code": 211, "words": "Gender: Male or Female"}]


def test_a_live_survey_has_no_supplier_reason():
    assert survey_record({"ps_survey_id": 1, "ps_survey_status": 22, "ps_status_reason": "old"}).status_reason == ""


def test_one_project_holds_every_survey_without_a_request(adapter, wire):
    (project,) = adapter.iter_projects()

    assert project.remote_id == "surveys" and adapter.request_count == 0


def test_a_quantity_change_puts_each_changed_quota_with_its_criteria_only_once(adapter, wire):
    listed = [quota("f", FEMALE, number=100), quota("y", YOUNG, number=50)]
    wire.get(BASE + "/surveys/7654/quotas", json=listed)
    put = wire.put(
        BASE + "/surveys/7654/quotas/f", json={"buyer_quota_id": "f", "required_count": 80, "criteria": FEMALE}
    )
    wire.get(BASE + "/surveys/7654/quotas", json=[quota("f", FEMALE, number=80), listed[1]])

    answer = adapter.set_quota_goals(REF, {("211", "f"): 80, ("212", "y"): 50}, key="k")

    assert json.loads(put.calls[0].request.body) == {"buyer_quota_id": "f", "required_count": 80, "criteria": FEMALE}
    assert len(wire.calls) == 3  # y already had 50: not sent
    assert answer.profiles.goals() == {"f": 80, "y": 50}


def test_a_current_target_answer_carries_the_quota(adapter, wire):
    wire.patch(BASE + "/surveys/7654/quotas/qb30", json=ps_seed.patch_answer() | {"criteria": FEMALE})

    answer = adapter.set_traffic_cap(REF, "qb30", 171, key="k")

    assert answer.quota.traffic_cap == 171 and answer.quota.remote_id == "qb30"


@pytest.mark.parametrize(("action", "code"), [("launch", 22), ("pause", 33), ("resume", 22), ("close", 44)])
def test_status_actions_send_purespectrums_codes(adapter, wire, action, code):
    wire.put(BASE + "/surveys/7654/status", json={"ps_survey_id": 7654, "ps_survey_status": code})

    answer = adapter.set_status(REF, action, key="k")

    assert wire.calls[0].request.url.endswith(f"ps_survey_status={code}")
    assert answer.target_group.status == {22: "live", 33: "paused", 44: "closed"}[code]


def test_the_adjustment_for_these_very_ids_is_found_and_no_other(adapter, wire):
    listed = {
        "adjustments": [
            {"adjustment_id": "a1", "status": 2, "statusDescription": "Completed", "transaction_ids": ["t1"]},
            {"adjustment_id": "a2", "status": 1, "statusDescription": "Pending", "transaction_ids": ["t2", "t1"]},
        ]
    }
    wire.get(BASE + "/adjustments/surveys/7654", json=listed)
    wire.get(BASE + "/adjustments/surveys/7654", json=listed)

    found = adapter.find_reconciliation(REF, ["t1", "t2"])
    missing = adapter.find_reconciliation(REF, ["t1", "t2", "t3"])

    assert (found.remote_id, found.state, found.status_label) == ("a2", "processing", "Pending")
    assert missing is None
