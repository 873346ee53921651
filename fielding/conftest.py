"""Fielding fixtures: the account's cached reference data, drafts and live target groups,
and a helper to act with on-commit callbacks (the outbox, the job polls) executed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fielding.drafts.body import apply_draft_body, rfc3339
from fielding.models import AccountUser, BusinessUnit, Definition, FieldingRun, ProfilingTemplate, Question
from projects.models import TargetGroup
from projects.tests.factories import ConnectionFactory, ProjectFactory, TargetGroupFactory
from sync.tests.wire import api_calls, wire  # noqa: F401  (the `wire` fixture)

MANAGER = "6f1c2d3e-0000-4000-8000-000000000001"
PROJECT_ID = "01HPROJECT0000000000000001"


@pytest.fixture
def connection(db):
    return ConnectionFactory()


@pytest.fixture
def directory(connection):
    """The account's business units and project managers, as cached from the supplier."""
    now = timezone.now()
    usd = BusinessUnit.objects.create(
        connection=connection,
        remote_id="10011",
        name="North America",
        currency_code="USD",
        pricing_models=["dynamic", "rate_card"],
        fetched_at=now,
    )
    BusinessUnit.objects.create(
        connection=connection,
        remote_id="10012",
        name="Europe",
        currency_code="EUR",
        pricing_models=["rate_card"],
        fetched_at=now,
    )
    AccountUser.objects.create(
        connection=connection, remote_id=MANAGER, name="Pat Manager", email="pat@example.com", fetched_at=now
    )
    for kind, code, name in DEFINITIONS:
        Definition.objects.create(connection=connection, kind=kind, code=code, name=name, fetched_at=now)
    return usd


# The supplier's study types, industries and industry lock-outs, as cached from its definitions lists.
DEFINITIONS = [
    ("study_type", "adhoc", "Adhoc"),
    ("study_type", "diary", "Diary"),
    ("industry", "other", "Other"),
    ("industry", "politics", "Politics"),
    ("industry_lockout", "no_lock_out", "No lock-out"),
    ("industry_lockout", "past_30_days", "Past 30 days"),
]


@pytest.fixture
def questions(connection):
    """GENDER (options), AGE (a range) and PETS (several answers) in eng_us, options already fetched."""
    now = timezone.now()
    common = {"connection": connection, "locale": "eng_us", "fetched_at": now, "options_fetched_at": now}
    ProfilingTemplate.objects.create(
        connection=connection,
        remote_id="tpl-census",
        name="census-us",
        label="Census US",
        locales=["eng_us"],
        fetched_at=now,
    )
    return {
        "gender": Question.objects.create(
            question_id=43,
            name="GENDER",
            text="Are you...?",
            response_type="single_punch",
            options_kind="selection_options",
            options=[{"id": "1", "name": "Male"}, {"id": "2", "name": "Female"}],
            **common,
        ),
        "age": Question.objects.create(
            question_id=42,
            name="AGE",
            text="What is your age?",
            response_type="range",
            options_kind="range_options",
            options=[{"min": 13, "max": 99, "name": "Age"}],
            **common,
        ),
        "pets": Question.objects.create(
            question_id=639,
            name="PETS",
            text="Which pets do you have?",
            response_type="multi_punch",
            options_kind="selection_options",
            options=[{"id": "1", "name": "Cat(s)"}, {"id": "2", "name": "Dog(s)"}, {"id": "3", "name": "Bird(s)"}],
            **common,
        ),
    }


@pytest.fixture
def project(connection):
    return ProjectFactory(connection=connection, remote_id=PROJECT_ID, project_manager_id=MANAGER)


def draft_body(**overrides):
    start = timezone.now() + timedelta(hours=3)
    body = {
        "name": "UK gen pop",
        "business_unit_id": "10011",
        "project_manager_id": MANAGER,
        "study_type_code": "adhoc",
        "industry_code": "other",
        "locale": "eng_us",
        "collects_pii": False,
        "filling_goal": 500,
        "expected_length_of_interview_minutes": 10,
        "expected_incidence_rate": 0.5,
        "fielding_specification": {"start_at": rfc3339(start), "end_at": rfc3339(start + timedelta(days=7))},
        "live_url": "https://survey.example.com/s?RID=[%RID%]",
        "test_url": "https://survey.example.com/s?RID=[%RID%]&test=1",
        "fielding_assistant_assignment": {"quota_overlay": {"prevent_overfill": True, "balance_fill": False}},
        "profile": {"profile_adjustment_type": "percentage", "drafts": [], "interlocked_profiles": []},
        "cost_per_interview": {"value": "2.5000", "currency_code": "USD"},
        "exclusion": {"enabled": True, "list": []},
        "_pricing_model": "dynamic",
        "_currency": "USD",
    }
    body.update(overrides)
    return body


def make_draft(project, remote_id="01HDRAFT000000000000000001", **overrides):
    tg = TargetGroup(project=project, remote_id=remote_id, status=TargetGroup.Status.DRAFT, version="")
    apply_draft_body(tg, draft_body(**overrides))
    tg.save()
    return tg


@pytest.fixture
def draft(project):
    return make_draft(project)


def make_live(project, status=FieldingRun.Status.LIVE, remote_id="01HLIVE0000000000000000001", **fields):
    tg = TargetGroupFactory(
        project=project, remote_id=remote_id, status=FieldingRun.TARGET_GROUP_STATUS[status], **fields
    )
    run = FieldingRun.objects.create(
        target_group=tg,
        remote_id=f"RUN{remote_id[-6:]}",
        status=status,
        etag='W/"7"',
        version=7,
        start_fielding_at=timezone.now() - timedelta(days=1),
        end_fielding_at=timezone.now() + timedelta(days=6),
    )
    return tg, run


@pytest.fixture
def act(django_capture_on_commit_callbacks):
    """Call `fn(*args)` and run what it left for after the commit (outbox sends, job polls)."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def tg_api(tg, suffix=""):
    from sync.tests.wire import tg_url

    return tg_url(tg, suffix)


__all__ = ["api_calls", "draft_body", "make_draft", "make_live", "tg_api"]
