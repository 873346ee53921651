"""A viewer changes nothing, whatever route a POST is sent to; read-only pages refuse POST.

Every route of the app is walked with every id pointing at a real row (pk 1 of each
model), so a refusal is the permission check's and not a missing object's.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from fielding.models import FieldingJob, FieldingRun, SupplierLookup
from projects.models import Project, SupplierConnection, TargetGroup
from quotas.models import InterlockCell, InterlockedProfile, Profile, Quota
from reconciliations.models import EligibleReport, Submission, SurveyReconciliation
from rules.models import Rule
from studies.models import Attachment, Cell, Mapping, Study
from sync.models import RemoteChange

# preferences/ and the notifications' settings and read marks: each user's own, which a viewer may change too.
OWN = ("preferences/", "notifications/settings/", "notifications/read-all/", "notifications/<int:pk>/read/")
SKIPPED = ("admin/", "sandbox/", "webhooks/", "login/", "logout/", "static/", *OWN)
# Values for the routes' string parameters, each one a real action.
STRINGS = {"action": "pause"}


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _routes():
    return sorted(route for route in set(_patterns(get_resolver())) if not route.startswith(SKIPPED))


def _path(route):
    def value(match):
        converter, name = match.group(1), match.group(2)
        return STRINGS.get(name, "x") if converter in ("str", "slug") else "1"

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


@pytest.fixture
def world(db, pm):
    """Row 1 of everything a route can name, on a launched Cint target group with a live run."""
    connection = SupplierConnection.objects.create(pk=1, kind="cint", account_id="1001", label="Cint")
    project = Project.objects.create(pk=1, connection=connection, remote_id="P1", name="Project")
    tg = TargetGroup.objects.create(
        pk=1, project=project, remote_id="TG1", name="TG", status="live", locale="eng_us", filling_goal=100
    )
    interlock = InterlockedProfile.objects.create(pk=1, target_group=tg, remote_id="IL1", name="AGE, GENDER")
    profile = Profile.objects.create(
        pk=1, target_group=tg, remote_id="PR1", question_id=1, name="AGE", interlocked_profile=interlock
    )
    Quota.objects.create(pk=1, profile=profile, remote_id="Q1", text="18-24", completes_goal=50)
    InterlockCell.objects.create(pk=1, interlocked_profile=interlock, remote_id="C1", text="18-24, Male")
    FieldingRun.objects.create(pk=1, target_group=tg, remote_id="RUN1", status="Live", etag='W/"1"')
    FieldingJob.objects.create(pk=1, kind="launch_from_draft", project=project, target_group=tg)
    SupplierLookup.objects.create(pk=1, kind="feasibility", target_group=tg)
    EligibleReport.objects.create(pk=1, connection=connection, project=project)
    Submission.objects.create(pk=1, connection=connection, name="file.csv", csv="R1,1\n")
    SurveyReconciliation.objects.create(pk=1, connection=connection, target_group=tg, name="pasted", ids=["A"])
    change = RemoteChange.objects.create(pk=1, kind="enable_quotas", connection=connection, target_group=tg)
    now = timezone.now()
    study = Study.objects.create(pk=1, name="Study", goal=100, field_start=now, field_end=now)
    cell = Cell.objects.create(pk=1, study=study, label="Male", goal=50)
    Attachment.objects.create(pk=1, study=study, target_group=tg)
    Mapping.objects.create(pk=1, study=study, target_group=tg, quota_id=1, cell=cell)
    Rule.objects.create(pk=1, name="No starts", target_group=tg, condition="starts", hours=24, fire_at=1, clear_at=5)
    return {"tg": tg, "change": change}


def snapshot():
    return (
        RemoteChange.objects.count(),
        list(TargetGroup.objects.values_list("status", "filling_goal")),
        list(Profile.objects.values_list("quotas_enabled", "interlocked_profile")),
        list(Quota.objects.values_list("completes_goal")),
        list(FieldingRun.objects.values_list("status")),
        SurveyReconciliation.objects.count(),
        Submission.objects.count(),
        EligibleReport.objects.count(),
        list(Study.objects.values_list("name", "goal")),
        list(Cell.objects.values_list("label", "goal")),
        list(Attachment.objects.values_list("study", "target_group")),
        list(Mapping.objects.values_list("cell", "confirmed_at")),
        list(Rule.objects.values_list("name", "enabled", "fire_at")),
    )


@pytest.mark.parametrize("route", _routes())
def test_a_viewer_posting_to_any_route_is_refused_and_nothing_changes(viewer_client, world, route):
    before = snapshot()

    response = viewer_client.post(_path(route), {"enabled": "off", "filling_goal": "5", "goal-1": "7"})

    assert response.status_code in (403, 405), f"POST {_path(route)} answered {response.status_code}"
    assert snapshot() == before


READ_ONLY = ("", "projects/", "projects/<int:pk>/", "target-groups/<int:pk>/", "reconciliation/")


@pytest.mark.parametrize("route", READ_ONLY)
def test_read_only_pages_answer_post_with_405(pm_client, world, route):
    assert pm_client.post(_path(route)).status_code == 405


def test_the_walk_sees_the_mutating_routes():
    routes = _routes()
    assert "target-groups/<int:pk>/profiles/<int:profile_pk>/quotas/" in routes
    assert "target-groups/<int:pk>/draft/profiling/interlock/" in routes
    assert len(routes) > 40
