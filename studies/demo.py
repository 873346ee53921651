"""The demo's study: one gender and age plan fielded on a Cint target group, a PureSpectrum survey and an
Audience-Align survey at the sandbox, each with a quota per gender and per age band, coded as that supplier
codes them, so every quota maps "sure" onto a cell.

`field_at_suppliers` makes the three at the suppliers (through each connection's adapter; those already
there by name are left alone); the ordinary sync mirrors them; `make_study` then makes the study, its plan,
its attachments and its mappings, proposed and confirmed (a study already there by name is left alone).
The suppliers' goals add up to more than the study's, at different prices and paces, so the suggested split
has a choice to make and the guard closes cells before any supplier's own quotas would.
"""

import time
import uuid
from datetime import timedelta

from django.utils import timezone

from suppliers.records import TargetGroupRef

NAME = "US adults, gender × age (three suppliers)"
PLAN = "Gender: Male, Female\nAge: 18-29, 30-44, 45-59, 60+"
AGES = [(18, 29), (30, 44), (45, 59), (60, 99)]
CINT_NAME, PURESPECTRUM_NAME, AUDIENCE_ALIGN_NAME = (f"Study {s}: US adults" for s in ("Cint", "PS", "AA"))


def _age_text(low, high):
    return f"{low}-{high}"


def _cint_body(goal, manager_id, unit_id):
    """A draft whose GENDER and AGE quotas split `goal` evenly (Cint codes male 1, female 2; ages as ranges)."""
    now = timezone.now()
    share = 100 // len(AGES)
    age = {
        "question_id": 42,
        "quotas_enabled": True,
        "conditions": {
            "object": "range_conditions_details_template",
            "data": [{"min": lo, "max": hi, "text": _age_text(lo, hi)} for lo, hi in AGES],
        },
        "quotas": {"ungrouped": [{"index": i, "quota_percentage": share} for i in range(len(AGES))], "grouped": []},
    }
    gender = {
        "question_id": 43,
        "quotas_enabled": True,
        "conditions": {"object": "selection_conditions_details_template", "data": [{"option": "1"}, {"option": "2"}]},
        "quotas": {"ungrouped": [{"index": 0, "quota_percentage": 50}, {"index": 1, "quota_percentage": 50}],
                   "grouped": []},
    }  # fmt: skip
    return {
        "name": CINT_NAME,
        "business_unit_id": unit_id,
        "locale": "eng_us",
        "project_manager_id": manager_id,
        "study_type_code": "adhoc",
        "industry_code": "other",
        "collects_pii": False,
        "filling_goal": goal,
        "expected_length_of_interview_minutes": 10,
        "expected_incidence_rate": 0.6,
        "live_url": "https://survey.example.com/s?rid=[%RID%]",
        "test_url": "https://survey.example.com/s?rid=[%RID%]&test=1",
        "fielding_specification": {"start_at": now.isoformat(), "end_at": (now + timedelta(days=14)).isoformat()},
        "fielding_assistant_assignment": {"quota_overlay": {"prevent_overfill": True, "balance_fill": True}},
        "profile": {"profile_adjustment_type": "percentage", "drafts": [gender, age]},
    }


def field_cint(adapter, goal, *, wait_seconds=30):
    """The Cint target group, launched (its own project); its ref, or None when it is there already."""
    if any(project.name == CINT_NAME for project in adapter.iter_projects()):
        return None
    managers = adapter.library.project_managers()
    people = [user for user in managers if "api" not in (user.name + user.email).lower()]
    manager_id = (people or managers)[0].remote_id
    units = adapter.library.business_units()
    unit_id = next((u.remote_id for u in units if u.currency_code == "USD"), units[0].remote_id)
    key = lambda: str(uuid.uuid4())  # noqa: E731
    project_id = adapter.drafts.create_project({"name": CINT_NAME, "project_manager_id": manager_id},
                                               key=key()).created_id  # fmt: skip
    body = _cint_body(goal, manager_id, unit_id)
    ref = TargetGroupRef(project_id, adapter.drafts.save_draft(project_id, None, body, key=key()).created_id)
    job = adapter.fielding.launch(ref, end_at=timezone.now() + timedelta(days=14), key=key())
    deadline = time.monotonic() + wait_seconds
    while adapter.fielding.read_launch_job(ref, job.job_id).status == "Processing" and time.monotonic() < deadline:
        time.sleep(0.5)
    return ref


def field_purespectrum(adapter, goal, *, cpi=2.0):
    """The PureSpectrum survey, live (PureSpectrum codes male 111, female 112; ages as ranges in years)."""
    from projects.demo_purespectrum import FEMALE, MALE, ages, options, quota, survey_body
    from suppliers.purespectrum.catalogue import GENDER

    project_id = next(adapter.iter_projects()).remote_id
    if any(s.name == PURESPECTRUM_NAME for s in adapter.iter_target_groups(project_id)):
        return None
    quotas = [quota("male", goal // 2, options(GENDER, MALE)), quota("female", goal // 2, options(GENDER, FEMALE))]
    quotas += [quota(f"age-{lo}-{hi}", goal // len(AGES), ages(lo, hi)) for lo, hi in AGES]
    body = survey_body(PURESPECTRUM_NAME, goal=goal, ir=60, loi=10, cpi=cpi, quotas=quotas,
                       qualifications=[options(GENDER, MALE, FEMALE), ages(18, 99)])  # fmt: skip
    ref = TargetGroupRef(project_id, adapter.create_survey(body).created_id)
    adapter.set_status(ref, "launch", key="")
    return ref


def field_audience_align(adapter, goal, *, cpi="1.80"):
    """The Audience-Align survey, active (Audience-Align codes male 1, female 2; ages as range sets)."""
    project = next(adapter.iter_projects()).remote_id
    if any(s.name == AUDIENCE_ALIGN_NAME for s in adapter.iter_target_groups(project)):
        return None
    gender = {"question_id": 43, "conditions_kind": "selection_conditions_details_template",
              "conditions": [{"id": "1", "text": "Male"}, {"id": "2", "text": "Female"}]}  # fmt: skip
    age = {
        "question_id": 42,
        "conditions_kind": "range_conditions_details_template",
        "conditions": [{"id": _age_text(lo, hi), "text": _age_text(lo, hi), "min": lo, "max": hi} for lo, hi in AGES],
    }
    quotas = [{"question_id": 43, "condition": c, "goal": goal // 2} for c in ("1", "2")]
    quotas += [{"question_id": 42, "condition": _age_text(lo, hi), "goal": goal // len(AGES)} for lo, hi in AGES]
    today = timezone.localdate()
    spec = {
        "name": AUDIENCE_ALIGN_NAME, "country_id": "229", "language_id": "5", "study_category_id": "5",
        "vertical_id": "17", "audience": "b2c", "collects_pii": False, "incidence_rate": 60, "loi": 10, "cpi": cpi,
        "completes": goal, "start": today.isoformat(), "end": (today + timedelta(days=21)).isoformat(),
        "live_url": "https://survey.example.com/aa?uid=[identifier]",
        "test_url": "https://survey.example.com/aa?uid=[identifier]&test=1",
        "qualifications": [gender, age], "quotas": quotas,
    }  # fmt: skip
    ref = TargetGroupRef(project, adapter.create_survey(spec).target_group.remote_id)
    adapter.set_status(ref, "activate", key="")
    return ref


def field_at_suppliers(cint, purespectrum, audience_align, goals=(120, 120, 120)):
    """The study's three target groups made at the suppliers through these adapters (any already there is left
    alone); returns the names made."""
    made = []
    for name, field, adapter, goal in (
        (CINT_NAME, field_cint, cint, goals[0]),
        (PURESPECTRUM_NAME, field_purespectrum, purespectrum, goals[1]),
        (AUDIENCE_ALIGN_NAME, field_audience_align, audience_align, goals[2]),
    ):
        if field(adapter, goal) is not None:
            made.append(name)
    return made


def make_study(connections, *, goal=240, user=None, when_full="pause", days=7):
    """The study over the three mirrored target groups of `connections`, its plan (single cells), attachments
    and mappings proposed and confirmed; (study, made?) — a study already there by name is returned as it is."""
    from projects.models import TargetGroup

    from .mapping import confirm_all, propose_mappings
    from .models import Attachment, Study
    from .planning.parsing import build_cells, parse_dimensions, split_evenly
    from .planning.saving import save_plan

    found = Study.objects.filter(name=NAME).first()
    if found is not None:
        return found, False
    names = (CINT_NAME, PURESPECTRUM_NAME, AUDIENCE_ALIGN_NAME)
    tgs = list(TargetGroup.objects.filter(project__connection__in=connections, name__in=names).order_by("pk"))
    now = timezone.now()
    study = Study.objects.create(name=NAME, client="Demo client", goal=goal, field_start=now, when_full=when_full,
                                 field_end=now + timedelta(days=days), budget=goal * 3, created_by=user)  # fmt: skip
    dimensions = parse_dimensions(PLAN)
    cells = build_cells([], dimensions)
    for cell in cells:  # single cells: each dimension's cells add up to the study's goal
        dimension = next(d for d in dimensions if d.key == cell.parts[0][0])
        cell.goal = split_evenly(goal, len(dimension.bands))[0]
    save_plan(study, dimensions, cells)
    for tg in tgs:
        Attachment.objects.create(study=study, target_group=tg, added_by=user)
    propose_mappings(study)
    confirm_all(study, user)
    return study, True


# The demo's paces: a supplier fills its own goal in about `SANDBOX_FILL_HOURS` (12), so these goals bring the
# study some 300 completes an hour, Cint the fastest; each age band (60) fills, and the guard closes it, within
# the first hour.
DEMO_GOALS = (2400, 900, 450)
DEMO_STUDY_GOAL = 240


def seed_demo(connections, *, user=None, log=print):
    """The demo's study over its three sandbox connections (Cint, PureSpectrum, Audience-Align, in that order),
    reached in this process; seeding again adds nothing."""
    from projects.inprocess import in_process_session
    from sync.adapters import adapter_for
    from sync.pull import sync_connection

    adapters = [adapter_for(connection, session=in_process_session()) for connection in connections]
    made = field_at_suppliers(*adapters, goals=DEMO_GOALS)
    for adapter, connection in zip(adapters, connections, strict=True):
        if made:
            sync_connection(connection, adapter=adapter)
        adapter.close()
    study, new = make_study(connections, goal=DEMO_STUDY_GOAL, user=user)
    log(f"Study “{study.name}”: {'made' if new else 'already there'}, on {study.attachments.count()} target groups.")
    return study
