"""Demo data, created at the supplier (the sandbox) through the Cint adapter's features (its
library, drafts and fielding).

The app's tables are then filled by the ordinary pull sync, so the demo shows
exactly what a PM would see against the real supplier.
"""

import time
import uuid
from datetime import timedelta

from django.utils import timezone

from suppliers.records import TargetGroupRef

AGE = {
    "question_id": 42,
    "quotas_enabled": True,
    "conditions": {
        "object": "range_conditions_details_template",
        "data": [{"min": 18, "max": 34, "text": "18-34"}, {"min": 35, "max": 54, "text": "35-54"}],
    },
    "quotas": {
        "ungrouped": [{"index": 0, "quota_percentage": 50}, {"index": 1, "quota_percentage": 50}],
        "grouped": [],
    },
}
GENDER = {
    "question_id": 43,
    "quotas_enabled": True,
    "conditions": {"object": "selection_conditions_details_template", "data": [{"option": "1"}, {"option": "2"}]},
    "quotas": {
        "ungrouped": [{"index": 0, "quota_percentage": 50}, {"index": 1, "quota_percentage": 50}],
        "grouped": [],
    },
}
US_REGION = {
    "question_id": 96,
    "quotas_enabled": True,
    "conditions": {
        "object": "selection_conditions_details_template",
        "data": [{"option": str(i)} for i in range(1, 5)],
    },
    "quotas": {"ungrouped": [{"index": i, "quota_percentage": 25} for i in range(4)], "grouped": []},
}

# (project name, [(target group name, locale, business unit currency, filling goal, profiles, launch?)])
DEMO = [
    (
        "Brand tracker Q4",
        [
            ("US adults 18-54", "eng_us", "USD", 400, [AGE, GENDER, US_REGION], True),
            ("US parents", "eng_us", "USD", 150, [AGE, GENDER], True),
            ("US holiday shoppers", "eng_us", "USD", 300, [AGE, GENDER], False),
        ],
    ),
    (
        "Pet owners UK",
        [
            ("UK dog owners", "eng_gb", "EUR", 200, [AGE, GENDER], True),
            ("UK cat owners", "eng_gb", "EUR", 200, [AGE], False),
        ],
    ),
    ("Pendler Studie", [("Pendler Deutschland", "deu_de", "EUR", 250, [AGE, GENDER], True)]),
]
DEMO_TARGET_GROUPS = [tg[0] for _, tgs in DEMO for tg in tgs]


def _key():
    return str(uuid.uuid4())


def draft_body(name, locale, business_unit_id, manager_id, filling_goal, profiles):
    now = timezone.now()
    return {
        "name": name,
        "business_unit_id": business_unit_id,
        "locale": locale,
        "project_manager_id": manager_id,
        "study_type_code": "adhoc",
        "industry_code": "other",
        "collects_pii": False,
        "filling_goal": filling_goal,
        "expected_length_of_interview_minutes": 12,
        "expected_incidence_rate": 0.5,
        "live_url": "https://survey.example.com/s?rid=[%RID%]",
        "test_url": "https://survey.example.com/s?rid=[%RID%]&test=1",
        "fielding_specification": {
            "start_at": (now + timedelta(hours=2)).isoformat(),
            "end_at": (now + timedelta(days=14)).isoformat(),
        },
        "fielding_assistant_assignment": {"quota_overlay": {"prevent_overfill": True, "balance_fill": True}},
        "profile": {"profile_adjustment_type": "percentage", "drafts": profiles},
    }


def seed_supplier(adapter, *, wait_seconds=30, log=print):
    """Create the demo projects and target groups at the supplier (a Cint `adapter`), launching some.

    Projects already there (by name) are left alone, so seeding twice adds nothing.
    Returns the names of the target groups created.
    """
    existing = {project.name for project in adapter.iter_projects()}
    managers = adapter.library.project_managers()
    people = [user for user in managers if "api" not in (user.name + user.email).lower()]
    manager_id = (people or managers)[0].remote_id
    units = adapter.library.business_units()
    unit_for = {unit.currency_code: unit.remote_id for unit in units if unit.currency_code}
    created, launches = [], []
    for project_name, target_groups in DEMO:
        if project_name in existing:
            log(f"  {project_name}: already at the supplier")
            continue
        project_id = adapter.drafts.create_project(
            {"name": project_name, "project_manager_id": manager_id}, key=_key()
        ).created_id
        log(f"  {project_name}: created")
        for name, locale, currency, goal, profiles, launch in target_groups:
            unit = unit_for.get(currency) or next(iter(unit_for.values()))
            body = draft_body(name, locale, unit, manager_id, goal, profiles)
            ref = TargetGroupRef(project_id, adapter.drafts.save_draft(project_id, None, body, key=_key()).created_id)
            created.append(name)
            if launch:
                job = adapter.fielding.launch(ref, end_at=timezone.now() + timedelta(days=14), key=_key())
                launches.append((ref, name, job.job_id))
    _wait_for_launches(adapter, launches, wait_seconds, log)
    return created


def _wait_for_launches(adapter, launches, wait_seconds, log):
    deadline = time.monotonic() + wait_seconds
    pending = list(launches)
    while pending and time.monotonic() < deadline:
        still = []
        for ref, name, job_id in pending:
            job = adapter.fielding.read_launch_job(ref, job_id)
            if job.status == "Processing":
                still.append((ref, name, job_id))
            else:
                log(f"  {name}: launch {job.status.lower()} {job.failure}".rstrip())
        pending = still
        if pending:
            time.sleep(0.5)
    for _ref, name, _job in pending:
        log(f"  {name}: still launching; the next sync will show it live")
