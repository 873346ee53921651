"""The fielding and bulk actions offered are those the supplier allows now, asked once per page
load and project (compute-target-group-transitions); where it and the cockpit's rules disagree,
the supplier's answer wins and the disagreement is logged."""

import json
import logging

import pytest
import responses
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fielding.conftest import PROJECT_ID, api_calls, make_draft, make_live, tg_api
from fielding.models import FieldingRun
from projects.tests.factories import TargetGroupFactory
from sync.models import RemoteChange

pytestmark = pytest.mark.django_db
TRANSITIONS = f"https://cint.test/v1/demand/accounts/1001/projects/{PROJECT_ID}/compute-target-group-transitions"
HTMX = {"HX-Request": "true"}


def supplier_allows(wire, *ids, **flags):
    wire.add(responses.POST, TRANSITIONS, json={"target_groups": list(ids), **flags})


def asked(wire):
    return [call for call in api_calls(wire) if call.request.url == TRANSITIONS]


def offered(html):
    actions = ("pause", "resume", "complete", "relaunch", "launch_now")
    return {action for action in actions if f'id="run-{action}"' in html}


@pytest.fixture
def logged():
    """What `fielding.runs.transitions` logs (the suite runs without pytest's logging plugin)."""
    lines = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(record.getMessage())

    logger, handler = logging.getLogger("fielding.runs.transitions"), Collect(logging.WARNING)
    logger.addHandler(handler)
    yield lines
    logger.removeHandler(handler)


def test_the_cockpit_page_offers_what_the_supplier_allows(pm_client, project, wire):
    tg, _ = make_live(project)
    supplier_allows(wire, tg.remote_id, is_pause_allowed=True, is_finish_allowed=True)

    html = pm_client.get(tg.get_absolute_url()).content.decode()

    assert offered(html) == {"pause", "complete"}
    (call,) = asked(wire)
    assert json.loads(call.request.body) == {"included_target_group_ids": [tg.remote_id]}
    assert "idempotency-key" not in call.request.headers  # a question, not a change


def test_when_the_supplier_disagrees_its_answer_wins_and_the_disagreement_is_logged(pm_client, project, wire, logged):
    tg, _ = make_live(project)  # live by the last sync: the cockpit's rules would offer pause and complete
    supplier_allows(wire, tg.remote_id, is_resume_allowed=True, is_finish_allowed=True)  # paused meanwhile

    html = pm_client.get(reverse("fielding:panel", args=[tg.pk])).content.decode()

    assert offered(html) == {"resume", "complete"}
    assert any(
        "the supplier allows complete, resume, the cockpit's rules say complete, pause" in line for line in logged
    )
    tg.refresh_from_db()
    assert tg.synced_at is None  # read in full at the next sync


def test_an_action_the_supplier_allows_is_sent_though_the_cockpits_rules_would_refuse_it(pm_client, project, wire, act):
    tg, run = make_live(project)
    supplier_allows(wire, tg.remote_id, is_resume_allowed=True)
    wire.add(
        responses.POST, tg_api(tg, f"/fielding-runs/{run.remote_id}/resume"), status=204, headers={"ETag": 'W/"8"'}
    )

    act(pm_client.post, reverse("fielding:run_action", args=[tg.pk, "resume"]))

    change = RemoteChange.objects.get()
    assert (change.kind, change.state) == ("resume_fielding_run", "applied")


def test_without_an_answer_the_cockpits_own_rules_stand(pm_client, project, wire, logged):
    tg, _ = make_live(project, FieldingRun.Status.PAUSED)  # nothing answers the question at the wire

    html = pm_client.get(reverse("fielding:panel", args=[tg.pk])).content.decode()

    assert offered(html) == {"resume", "complete"}
    assert any("could not ask" in line for line in logged)


def test_while_a_change_is_on_its_way_the_supplier_is_not_asked(pm_client, project, wire):
    tg, run = make_live(project)
    pm_client.post(reverse("fielding:run_action", args=[tg.pk, "pause"]))  # pending: the outbox is not run

    html = pm_client.get(reverse("fielding:panel", args=[tg.pk])).content.decode()

    assert asked(wire) == [] and offered(html) == {"resume", "complete"}  # the intent's


def test_a_draft_the_supplier_will_not_launch_offers_no_launch(pm_client, project, wire):
    draft = make_draft(project)
    supplier_allows(wire, draft.remote_id, is_launch_allowed=False)

    html = pm_client.get(reverse("fielding:draft", args=[draft.pk])).content.decode()

    assert 'id="launch-form"' not in html and "does not allow launching this draft now" in html


def test_viewers_are_offered_nothing_and_the_supplier_is_not_asked(viewer_client, project, wire):
    tg, _ = make_live(project)

    html = viewer_client.get(tg.get_absolute_url()).content.decode()

    assert offered(html) == set() and asked(wire) == []


# --- the project page -------------------------------------------------------------------------


def _project_page(client, project):
    with CaptureQueriesContext(db) as queries:
        response = client.get(project.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode(), len(queries.captured_queries)


def test_the_project_page_asks_once_for_all_its_target_groups(pm_client, project, wire):
    few = [make_live(project, remote_id=f"01HLIVE00000000000000000{i:02d}")[0] for i in range(2)]
    supplier_allows(wire, *[tg.remote_id for tg in few], is_pause_allowed=True)
    _, few_queries = _project_page(pm_client, project)
    TargetGroupFactory.create_batch(48, project=project, status="live")
    wire.calls.reset()

    html, many_queries = _project_page(pm_client, project)

    (call,) = asked(wire)  # one question for the 50 target groups, not 50
    assert len(json.loads(call.request.body)["included_target_group_ids"]) == 50
    assert many_queries == few_queries
    options = html[html.index('id="bulk-action"') : html.index("</select>", html.index('id="bulk-action"'))]
    assert '<option value="pause">Pause</option>' in options and "launch" not in options and "resume" not in options


def test_the_project_page_says_so_when_the_supplier_allows_no_bulk_action(pm_client, project, wire):
    tg, _ = make_live(project, FieldingRun.Status.COMPLETED)
    supplier_allows(wire, tg.remote_id)

    html, _ = _project_page(pm_client, project)

    assert "No fielding action is possible on these target groups now." in html


def test_a_bulk_action_the_supplier_allows_is_sent_though_the_cockpits_rules_fit_none(pm_client, project, wire, act):
    tg, _ = make_live(project)  # live by the last sync
    supplier_allows(wire, tg.remote_id, is_resume_allowed=True)
    batch = f"https://cint.test/v1/demand/accounts/1001/projects/{PROJECT_ID}/batch-jobs/resume-fielding-runs-by-target-group-id"
    wire.add(responses.POST, batch, status=201, headers={"Location": f"{batch}/01HBATCHJOB000000000000001"})

    act(pm_client.post, reverse("fielding:bulk", args=[project.pk]), {"action": "resume", "target_groups": [tg.pk]})

    (call,) = [c for c in api_calls(wire, "POST") if c.request.url == batch]
    assert json.loads(call.request.body) == {"target_group_ids": [tg.remote_id]}
