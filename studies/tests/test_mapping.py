"""The proposed mapping of each supplier's quotas onto a study's cells, from what the supplier sends.

Quotas are read by each supplier's own code (its adapter's reading of the wire shapes) and stored by the
mirror, as a sync stores them; the proposal then only sees what the mirror keeps.
"""

import pytest

from studies.mapping import propose_mappings
from studies.models import Mapping
from suppliers.audience_align.shapes import profiles_snapshot as aa_snapshot
from suppliers.cint.profiles import profiles_snapshot as cint_snapshot
from suppliers.purespectrum.quotas import profiles_snapshot as ps_snapshot

from .factories import StudyFactory
from .plans import attached_tg, give_plan

pytestmark = pytest.mark.django_db

GENDER_AGE = "Gender: Male, Female\nAge: 18-34, 35-54, 55+"


def proposals(study):
    propose_mappings(study)
    found = {}
    for m in Mapping.objects.filter(study=study).select_related("quota", "interlock_cell", "cell"):
        found[m.source.text] = (m.cell.label if m.cell else None, m.confidence, m.reason)
    return found


# --- Cint: profile questions with option and range conditions -----------------------------------------


def cint_profile(pid, question_id, name, kind, conditions, quotas=None):
    return {
        "id": pid,
        "question_id": question_id,
        "name": name,
        "description": "",
        "conditions": {"object": kind, "data": conditions},
        "quotas": {"ungrouped": quotas or [], "grouped": []},
    }


def cint_age(pid, ranges):
    conditions = [{"id": f"{pid}-{lo}-{hi}", "text": f"{lo}-{hi}", "min": lo, "max": hi} for lo, hi in ranges]
    quotas = [{"id": f"q-{c['id']}", "condition": c["id"], "completes_goal": 50} for c in conditions]
    return cint_profile(pid, 42, "AGE", "range_conditions_details_template", conditions, quotas)


def cint_gender(pid="g"):
    conditions = [{"id": "g1", "text": "Male", "option": "1"}, {"id": "g2", "text": "Female", "option": "2"}]
    quotas = [{"id": f"q-{c['id']}", "condition": c["id"], "completes_goal": 50} for c in conditions]
    return cint_profile(pid, 43, "GENDER", "selection_conditions_details_template", conditions, quotas)


def test_cint_gender_and_ages_that_fit_sit_inside_or_straddle_bands():
    study = StudyFactory(goal=600)
    give_plan(study, single=GENDER_AGE)
    payload = {"data": [cint_gender(), cint_age("a", [(18, 34), (20, 30), (18, 40), (13, 17)])]}
    attached_tg(study, "cint", cint_snapshot(payload))

    found = proposals(study)

    assert found["Male"] == ("Male", "sure", "Counts exactly Male.")
    assert found["Female"][:2] == ("Female", "sure")
    assert found["18-34"][:2] == ("18-34", "sure")
    assert found["20-30"] == ("18-34", "likely", "20–30 sits inside 18-34.")
    assert found["18-40"] == (None, "unsure", "18–40 straddles 18-34 and 35-54.")
    assert found["13-17"] == (None, "none", "Age 13–17 is in no band.")


def test_cint_region_answer_in_no_band_fits_no_cell():
    study = StudyFactory(goal=400)
    give_plan(study, single="Region: North = Scotland | North East, South = London | South East")
    conditions = [{"id": f"r{i}", "text": t, "option": str(i)} for i, t in enumerate(["London", "Wales"])]
    quotas = [{"id": f"q-{c['id']}", "condition": c["id"], "completes_goal": 10} for c in conditions]
    region = cint_profile("r", 12452, "REGION", "selection_conditions_details_template", conditions, quotas)
    attached_tg(study, "cint", cint_snapshot({"data": [region]}))

    found = proposals(study)

    assert found["London"] == ("South", "likely", "Region ‘London’ is a part of South.")
    assert found["Wales"] == (None, "none", "Region ‘Wales’ is in no band.")


def test_cint_interlock_cells_map_onto_interlocked_cells_and_a_single_quota_fits_none():
    study = StudyFactory(goal=600)
    give_plan(study, interlocked=GENDER_AGE)
    age = cint_age("a", [(18, 34), (35, 54), (55, 99)])
    gender = cint_gender()
    cells = [
        {
            "id": f"cell-{g['id']}-{a['id']}",
            "condition": {
                "id": f"cell-{g['id']}-{a['id']}",
                "text": f"{a['text']}, {g['text']}",
                "related_condition": {"42": [a], "43": [g]},
            },
            "completes_goal": 100,
        }
        for a in age["conditions"]["data"]
        for g in gender["conditions"]["data"]
    ]
    payload = {
        "data": [],
        "interlocked_profile": {
            "id": "il",
            "name": "AGE, GENDER",
            "quotas": {"ungrouped": cells, "grouped": []},
            "profiles": [{**age, "interlock_id": "il"}, {**gender, "interlock_id": "il"}],
        },
    }
    attached_tg(study, "cint", cint_snapshot(payload))

    found = proposals(study)

    assert found["18-34, Male"] == ("Male × 18-34", "sure", "Counts exactly Male × 18-34.")
    assert found["55-99, Female"][:2] == ("Female × 55+", "sure")
    assert found["Male"][:2] == (None, "none")
    assert found["Male"][2] == ("Covers 3 cells (Male × every age): only an interlocked quota can be steered per cell.")


# --- PureSpectrum: qualification codes 211 gender, 212 age ranges, 225 state ----------------------------


def ps_quota(quota_id, *criteria):
    return {"buyer_quota_id": quota_id, "quantities": {"number": 50, "achieved": 0}, "criteria": list(criteria)}


def ps_age(low, high):
    return {"qualification_code": 212, "range_sets": [{"from": low, "to": high, "units": 311}]}


def ps_gender(code):
    return {"qualification_code": 211, "condition_codes": [code]}


def test_purespectrum_codes_map_by_gender_age_and_state():
    study = StudyFactory(goal=600)
    give_plan(study, single=GENDER_AGE + "\nRegion: West = California | Oregon")
    quotas = [
        ps_quota("m", ps_gender("111")),
        ps_quota("f", ps_gender("112")),
        ps_quota("a1", ps_age(35, 54)),
        ps_quota("a2", ps_age(60, 70)),
        ps_quota("a3", ps_age(30, 40)),
        ps_quota("ca", {"qualification_code": 225, "condition_codes": ["5"]}),
        ps_quota("tx", {"qualification_code": 225, "condition_codes": ["44"]}),
    ]
    attached_tg(study, "purespectrum", ps_snapshot(quotas))

    found = proposals(study)

    assert found["Male"][:2] == ("Male", "sure")
    assert found["Female"][:2] == ("Female", "sure")
    assert found["35–54"][:2] == ("35-54", "sure")
    assert found["60–70"] == ("55+", "likely", "60–70 sits inside 55+.")
    assert found["30–40"] == (None, "unsure", "30–40 straddles 18-34 and 35-54.")
    assert found["California"][:2] == ("West", "likely")
    assert found["Texas"] == (None, "none", "State ‘Texas’ is in no band.")


def test_purespectrum_nested_quotas_map_onto_interlocked_cells():
    study = StudyFactory(goal=600)
    give_plan(study, interlocked=GENDER_AGE)
    quotas = [ps_quota("m-young", ps_gender("111"), ps_age(18, 34)), ps_quota("f", ps_gender("112"))]
    attached_tg(study, "purespectrum", ps_snapshot(quotas))

    found = proposals(study)

    assert found["Male, 18–34"][:2] == ("Male × 18-34", "sure")
    assert found["Female"][:2] == (None, "none")
    assert "Covers 3 cells (Female × every age)" in found["Female"][2]


# --- Audience-Align: qualifications by name, conditions and ranges; an interlocking's options -----------


def aa_row(*qualifications, quotas=()):
    return {"complete_needed": 300, "qualifications": list(qualifications), "quotas": list(quotas)}


AA_GENDER = {
    "qualification_id": 43,
    "Name": "GENDER",
    "QuestionText": "Are you...?",
    "conditions": [
        {"condition_code": "1", "condition_name": "Male"},
        {"condition_code": "2", "condition_name": "Female"},
    ],
}


def aa_age(*ranges):
    return {"qualification_id": 42, "Name": "AGE", "range_sets": [{"from": lo, "to": hi} for lo, hi in ranges]}


def test_audience_align_qualifications_map_by_name_and_range():
    study = StudyFactory(goal=600)
    give_plan(study, single=GENDER_AGE)
    row = aa_row(AA_GENDER, aa_age((18, 34), (25, 34), (50, 60), (100, 110)))
    attached_tg(study, "audience_align", aa_snapshot(row, {}))

    found = proposals(study)

    assert found["Male"][:2] == ("Male", "sure")
    assert found["18-34"][:2] == ("18-34", "sure")
    assert found["25-34"] == ("18-34", "likely", "25–34 sits inside 18-34.")
    assert found["50-60"] == (None, "unsure", "50–60 straddles 35-54 and 55+.")
    assert found["100-110"] == (None, "none", "Age 100+ is in no band.")


def test_audience_align_interlocking_maps_onto_interlocked_cells():
    study = StudyFactory(goal=600)
    give_plan(study, interlocked=GENDER_AGE)
    row = aa_row(AA_GENDER, aa_age((18, 34), (35, 54), (55, 99)))
    interlocking = {
        "qualifications": [{"title": "GENDER"}, {"title": "AGE"}],
        "combinations": [
            {"id": "Aud0x", "option": "Male,18-34", "quota": "100"},
            {"id": "Aud1x", "option": "Female,55-99", "quota": "100"},
        ],
    }
    attached_tg(study, "audience_align", aa_snapshot(row, interlocking))

    found = proposals(study)

    assert found["Male, 18-34"][:2] == ("Male × 18-34", "sure")
    assert found["Female, 55-99"][:2] == ("Female × 55+", "sure")
    assert found["Male"][:2] == (None, "none")


# --- proposing again --------------------------------------------------------------------------------


def test_proposing_again_keeps_what_a_pm_confirmed(pm):
    from studies.mapping import choose_cell

    study = StudyFactory(goal=600)
    cells = give_plan(study, single=GENDER_AGE)
    attached_tg(study, "cint", cint_snapshot({"data": [cint_age("a", [(18, 40)])]}))
    propose_mappings(study)
    mapping = Mapping.objects.get(study=study)
    choose_cell(mapping, study.cells.get(label="35-54"), pm)

    propose_mappings(study)

    mapping.refresh_from_db()
    assert mapping.cell.label == "35-54" and mapping.confirmed_by == pm
    assert set(cells) >= {"35-54"}
