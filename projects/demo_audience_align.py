"""The Audience-Align part of the demo: surveys created at the sandbox through the cockpit's own
client (reached in-process), activated, one interlocked, then synced like any connection."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from suppliers.records import TargetGroupRef

from .models import SupplierConnection, SupplierKind

LABEL = "Audience-Align (sandbox)"
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
REGION = {
    "question_id": 96,
    "conditions_kind": "selection_conditions_details_template",
    "conditions": [
        {"id": str(i), "text": name} for i, name in enumerate(["Northeast", "Midwest", "South", "West"], start=1)
    ],
}
# (name, country, language, audience, IR %, LOI, CPI, completes, qualifications, quotas, interlock?)
SURVEYS = [
    (
        "AA US snack habits",
        "229",
        "5",
        "b2c",
        45,
        12,
        "3.50",
        300,
        [GENDER, AGE, REGION],
        [{"question_id": 43, "condition": "1", "goal": 150}, {"question_id": 43, "condition": "2", "goal": 150}],
        True,
    ),
    (
        "AA UK IT decision makers",
        "228",
        "5",
        "b2b",
        20,
        15,
        "12.00",
        120,
        [GENDER, AGE],
        [{"question_id": 42, "condition": "18-34", "goal": 60}],
        False,
    ),
]
DEMO_SURVEYS = [survey[0] for survey in SURVEYS]


def connection():
    found, _ = SupplierConnection.objects.get_or_create(
        kind=SupplierKind.AUDIENCE_ALIGN, account_id=settings.AUDIENCE_ALIGN_CLIENT_ID, defaults={"label": LABEL}
    )
    return found


def seed(adapter, *, log=print):
    """Create the demo surveys at the supplier (those already there by name are left alone); returns names made."""
    project = next(adapter.iter_projects()).remote_id  # Audience-Align's one project of surveys
    existing = {survey.name for survey in adapter.iter_target_groups(project)}
    today = timezone.localdate()
    made = []
    for name, country, language, audience, ir, loi, cpi, goal, qualifications, quotas, interlock in SURVEYS:
        if name in existing:
            log(f"  {name}: already at the supplier")
            continue
        spec = {
            "name": name,
            "country_id": country,
            "language_id": language,
            "study_category_id": "5",
            "vertical_id": "17",
            "audience": audience,
            "collects_pii": False,
            "incidence_rate": ir,
            "loi": loi,
            "cpi": cpi,
            "completes": goal,
            "start": today.isoformat(),
            "end": (today + timedelta(days=21)).isoformat(),
            "live_url": "https://survey.example.com/aa?uid=[identifier]",
            "test_url": "https://survey.example.com/aa?uid=[identifier]&test=1",
            "qualifications": qualifications,
            "quotas": quotas,
        }
        survey = adapter.create_survey(spec).target_group
        ref = TargetGroupRef(project, survey.remote_id)
        adapter.set_status(ref, "activate", key="")
        if interlock:
            adapter.create_interlock(ref, [43, 42], filling_goal=0, key="")
        log(f"  {name}: created, active{', GENDER × AGE interlocked' if interlock else ''}")
        made.append(name)
    return made


def seed_demo(*, session, log=print):
    """The whole Audience-Align demo: the connection, its master data, its surveys, a first sync."""
    from fielding.audience_align.surveys import refresh_master_data
    from sync.adapters import adapter_for
    from sync.pull import summary, sync_connection

    aa = connection()
    adapter = adapter_for(aa, session=session)
    log("Audience-Align surveys at the supplier (sandbox):")
    seed(adapter, log=log)
    refresh_master_data(aa, adapter=adapter)
    run = sync_connection(aa, adapter=adapter)
    log(f"First Audience-Align sync: {summary(run)}")
    return aa
