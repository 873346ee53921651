"""PureSpectrum demo surveys, created at the supplier (the sandbox) through the PureSpectrum client.

The demo seed calls `seed_supplier`; tests and benches make live surveys with `launch_surveys`.
The app's tables are then filled by the ordinary pull sync.
"""

from django.conf import settings

from suppliers.purespectrum.catalogue import AGE, GENDER, STATE, STATES, YEARS
from suppliers.purespectrum.client import LIVE
from suppliers.records import TargetGroupRef

MALE, FEMALE = "111", "112"
WEST = [str(STATES.index(name) + 1) for name in ("California", "Oregon", "Washington", "Nevada", "Arizona")]
NORTHEAST = [str(STATES.index(name) + 1) for name in ("New York", "New Jersey", "Massachusetts", "Pennsylvania")]


def options(code, *conditions):
    return {"qualification_code": code, "condition_codes": list(conditions)}


def ages(low, high):
    return {"qualification_code": AGE, "range_sets": [{"from": low, "to": high, "units": YEARS}]}


def quota(buyer_quota_id, required_count, *criteria, title=""):
    body = {"buyer_quota_id": buyer_quota_id, "required_count": required_count, "criteria": list(criteria)}
    if title:
        body["quota_title"] = title
    return body


def survey_body(title, *, goal=200, ir=50, loi=10, cpi=2.5, qualifications=None, quotas=None, field_time=14):
    return {
        "survey_title": title,
        "survey_localization": "en_US",
        "completes_required": goal,
        "expected_ir": ir,
        "expected_loi": loi,
        "live_url": "https://survey.example.com/s?tid=[%%transaction_id%%]",
        "test_url": "https://survey.example.com/s?tid=[%%transaction_id%%]&test=1",
        "field_time": field_time,
        "offer_price": cpi,
        "qualifications": qualifications if qualifications is not None else [options(GENDER, MALE, FEMALE)],
        "quotas": quotas if quotas is not None else [],
    }


def gender_survey(title, goal=200):
    """A survey with a quota per gender (half the goal each)."""
    return survey_body(
        title,
        goal=goal,
        qualifications=[options(GENDER, MALE, FEMALE), ages(18, 65)],
        quotas=[quota("male", goal // 2, options(GENDER, MALE)), quota("female", goal // 2, options(GENDER, FEMALE))],
    )


DEMO = [
    (
        survey_body(
            "US adults: streaming habits",
            goal=400,
            ir=40,
            loi=12,
            cpi=2.75,
            qualifications=[options(GENDER, MALE, FEMALE), ages(18, 65), options(STATE, *WEST, *NORTHEAST)],
            quotas=[
                quota("male", 200, options(GENDER, MALE)),
                quota("female", 200, options(GENDER, FEMALE)),
                quota("age-18-34", 160, ages(18, 34)),
                quota("age-35-65", 240, ages(35, 65)),
                quota("west", 220, options(STATE, *WEST), title="West coast"),
                quota("northeast", 180, options(STATE, *NORTHEAST), title="Northeast"),
            ],
        ),
        True,
    ),
    (
        survey_body(
            "US parents: back to school",
            goal=150,
            ir=30,
            loi=15,
            cpi=3.4,
            qualifications=[options(GENDER, MALE, FEMALE), ages(25, 54)],
            quotas=[
                quota("f-25-39", 45, options(GENDER, FEMALE), ages(25, 39)),
                quota("f-40-54", 35, options(GENDER, FEMALE), ages(40, 54)),
                quota("m-25-39", 40, options(GENDER, MALE), ages(25, 39)),
                quota("m-40-54", 30, options(GENDER, MALE), ages(40, 54)),
            ],
        ),
        True,
    ),
    (gender_survey("US pet owners (draft)", goal=250), False),
]
DEMO_SURVEYS = [body["survey_title"] for body, _ in DEMO]


def seed_supplier(adapter, *, log=print):
    """Create the demo surveys at PureSpectrum (through its `adapter`), taking the live ones live. Surveys
    already there (by title) are left alone, so seeding twice adds nothing. Returns the titles created."""
    project_id = next(adapter.iter_projects()).remote_id  # PureSpectrum's one project of surveys
    existing = {survey.name for survey in adapter.iter_target_groups(project_id)}
    created = []
    for body, live in DEMO:
        title = body["survey_title"]
        if title in existing:
            log(f"  {title}: already at PureSpectrum")
            continue
        survey_id = adapter.create_survey(body).created_id
        if live:
            adapter.set_status(TargetGroupRef(project_id, survey_id), "launch", key="")
        log(f"  {title}: created{' and live' if live else ' as a draft'}")
        created.append(title)
    return created


def launch_surveys(client, count, *, prefix="Survey", goal=200):
    """`count` live surveys with a quota per gender; returns their ids (tests and benches)."""
    made = []
    for i in range(count):
        survey = client.create_survey(gender_survey(f"{prefix} {i + 1}", goal=goal)).data
        client.set_status(survey["ps_survey_id"], LIVE)
        made.append(survey["ps_survey_id"])
    return made


def ensure_sandbox_buyer():
    """The sandbox's buyer for the configured access token (the demo, tests and benches)."""
    from sandbox.purespectrum.seed import ensure_buyer

    return ensure_buyer(settings.PURESPECTRUM_ACCESS_TOKEN)


def seed_demo(*, log=print, traffic_steps=6):
    """The demo's PureSpectrum connection: its surveys at the sandbox, some traffic, a first sync."""
    from projects.inprocess import in_process_session
    from projects.models import SupplierConnection, SupplierKind
    from sandbox.simulation import simulate_parts
    from sync.adapters import adapter_for
    from sync.pull import summary, sync_connection

    connection, _ = SupplierConnection.objects.get_or_create(
        kind=SupplierKind.PURESPECTRUM,
        account_id=settings.PURESPECTRUM_ACCOUNT_ID,
        defaults={"label": "PureSpectrum (sandbox)"},
    )
    ensure_sandbox_buyer()
    # The web server is not running yet: reach the sandbox in this process.
    adapter = adapter_for(connection, session=in_process_session())
    log("Demo surveys at PureSpectrum (sandbox):")
    seed_supplier(adapter, log=log)
    for _ in range(traffic_steps):  # the first minute of fieldwork since the surveys went live
        simulate_parts(suppliers=["purespectrum"])
    run = sync_connection(connection, adapter=adapter)
    log(f"First PureSpectrum sync: {summary(run)}")
    return connection
