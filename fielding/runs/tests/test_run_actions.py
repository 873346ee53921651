"""Pause, resume, complete, relaunch, launch now and a new end date: offered only when the
run's state allows it, sent through the outbox with the run's ETag in If-Match."""

import json
from datetime import timedelta

import pytest
import responses
from django.urls import reverse
from django.utils import timezone

from fielding.conftest import api_calls, make_live, tg_api
from fielding.models import FieldingRun
from fielding.runs.views import fielding_panel_context
from sync.models import RemoteChange

pytestmark = pytest.mark.django_db
S = FieldingRun.Status
ALLOWED = {
    S.LIVE: {"pause": S.PAUSED, "complete": S.COMPLETED},
    S.PAUSED: {"resume": S.LIVE, "complete": S.COMPLETED},
    S.COMPLETED: {"relaunch": S.LIVE},
    S.SCHEDULED: {"launch_now": S.LIVE},
}
ACTIONS = ["pause", "resume", "complete", "relaunch", "launch_now"]
KINDS = {
    "pause": "pause_fielding_run",
    "resume": "resume_fielding_run",
    "complete": "complete_fielding_run",
    "relaunch": "relaunch_fielding_run",
    "launch_now": "launch_now_fielding_run",
}
MATRIX = [(status, action) for status in ALLOWED for action in ACTIONS]


def transitions_url(project):
    return f"https://cint.test/v1/demand/accounts/1001/projects/{project.remote_id}/compute-target-group-transitions"


def run_url(tg, run, action):
    return tg_api(tg, f"/fielding-runs/{run.remote_id}/{action.replace('_', '-')}")


@pytest.mark.parametrize(("status", "action"), [m for m in MATRIX if m[1] in ALLOWED[m[0]]])
def test_an_allowed_action_is_sent_with_the_runs_etag(pm_client, project, wire, act, status, action):
    tg, run = make_live(project, status)
    body = {"start_fielding_at": "2030-01-01T00:00:00.000Z", "end_fielding_at": "2030-01-08T00:00:00.000Z"}
    wire.add(
        responses.POST,
        run_url(tg, run, action),
        status=200 if action == "launch_now" else 204,
        json=body if action == "launch_now" else None,
        headers={"ETag": 'W/"8"'},
    )
    response = act(pm_client.post, reverse("fielding:run_action", args=[tg.pk, action]), {"confirmed": "1"})
    assert response.status_code == 302
    change = RemoteChange.objects.get(target_group=tg)
    assert (change.kind, change.state) == (KINDS[action], "applied")
    (call,) = api_calls(wire)
    assert call.request.headers["If-Match"] == 'W/"7"'
    run.refresh_from_db()
    tg.refresh_from_db()
    assert run.status == ALLOWED[status][action]
    assert run.etag == 'W/"8"'
    assert tg.status == FieldingRun.TARGET_GROUP_STATUS[run.status]


@pytest.mark.parametrize(("status", "action"), [m for m in MATRIX if m[1] not in ALLOWED[m[0]]])
def test_an_action_the_state_does_not_allow_is_refused_and_nothing_is_sent(pm_client, project, wire, status, action):
    tg, run = make_live(project, status)
    # Asked, the supplier agrees with the cockpit's rules: nothing is possible.
    wire.add(responses.POST, transitions_url(project), json={"target_groups": [tg.remote_id]})
    response = pm_client.post(reverse("fielding:run_action", args=[tg.pk, action]), headers={"HX-Request": "true"})
    assert response.status_code == 200  # the panel, with the reason (htmx 2 swaps no 4xx)
    assert f"A {status.lower()} fielding run cannot be" in response.content.decode()
    plain = pm_client.post(reverse("fielding:run_action", args=[tg.pk, action]))
    assert plain.status_code == 302
    assert not RemoteChange.objects.exists()
    assert {call.request.url for call in api_calls(wire)} == {transitions_url(project)}  # a question, no write
    run.refresh_from_db()
    assert run.status == status


@pytest.mark.parametrize("status", list(ALLOWED))
def test_the_panel_offers_exactly_the_allowed_actions(pm, project, status):
    tg, _ = make_live(project, status)
    panel = fielding_panel_context(tg, pm)["fielding"]
    assert {a.value for a in panel["actions"]} == set(ALLOWED[status])
    assert (panel["end_form"] is not None) == (status != S.COMPLETED)


def test_the_pause_is_pending_at_once_and_its_badge_polls(pm_client, project, wire):
    tg, run = make_live(project)
    response = pm_client.post(reverse("fielding:run_action", args=[tg.pk, "pause"]), headers={"HX-Request": "true"})
    html = response.content.decode()
    change = RemoteChange.objects.get(kind="pause_fielding_run")
    assert change.state == "pending"
    assert f'id="change-{change.pk}" hx-get="{reverse("sync:change_badge", args=[change.pk])}"' in html
    assert 'hx-trigger="every 1s"' in html
    run.refresh_from_db()
    assert run.status == S.PAUSED  # the intent shows at once
    assert 'id="run-resume"' in html  # ...and what can follow it


def test_a_settled_badge_stops_polling_and_refreshes_the_panel(pm_client, project, wire, act):
    tg, run = make_live(project)
    wire.add(responses.POST, run_url(tg, run, "pause"), status=204, headers={"ETag": 'W/"8"'})
    act(pm_client.post, reverse("fielding:run_action", args=[tg.pk, "pause"]))
    change = RemoteChange.objects.get()
    response = pm_client.get(reverse("sync:change_badge", args=[change.pk]), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "every 1s" not in html
    # The panel and the header come back from fresh data, swapped in out of band: the run is paused
    # and Resume is offered, without a reload.
    assert 'id="fielding-panel"' in html and 'id="tg-header"' in html and html.count('hx-swap-oob="true"') == 2
    assert 'id="run-resume"' in html and 'id="run-pause"' not in html
    assert response["HX-Reswap"] == "none"
    assert "change-settled" in response["HX-Trigger"]


def test_a_refused_pause_shows_the_suppliers_state_again(pm_client, project, wire, act):
    tg, run = make_live(project)
    wire.add(
        responses.POST,
        run_url(tg, run, "pause"),
        status=422,
        json={"object": "invalid_state_error", "detail": "Cannot pause: the end date has passed."},
    )
    wire.add(
        responses.GET,
        tg_api(tg, f"/fielding-runs/{run.remote_id}"),
        headers={"ETag": 'W/"9"'},
        json={
            "id": run.remote_id,
            "status": "Live",
            "version": 9,
            "start_fielding_at": "2025-01-01T00:00:00Z",
            "end_fielding_at": "2025-01-02T00:00:00Z",
            "last_changed_at": "2025-01-01T00:00:00Z",
            "last_changed_by": "6f1c2d3e-0000-4000-8000-000000000001",
        },
    )
    act(pm_client.post, reverse("fielding:run_action", args=[tg.pk, "pause"]))
    change = RemoteChange.objects.get()
    assert change.state == "failed" and "the end date has passed" in change.message
    run.refresh_from_db()
    tg.refresh_from_db()
    assert (run.status, run.etag, tg.status) == (S.LIVE, 'W/"9"', "live")
    page = pm_client.get(reverse("fielding:panel", args=[tg.pk])).content.decode()
    assert "the end date has passed" in page


@pytest.mark.parametrize(("found", "state"), [("Paused", "applied"), ("Completed", "conflict")])
def test_after_a_412_the_run_is_read_again_and_the_pause_judged(pm_client, project, wire, act, found, state):
    tg, run = make_live(project)
    wire.add(
        responses.POST,
        run_url(tg, run, "pause"),
        status=412,
        json={"object": "precondition_failed_error", "detail": "wrong expected version"},
    )
    wire.add(
        responses.GET,
        tg_api(tg, f"/fielding-runs/{run.remote_id}"),
        headers={"ETag": 'W/"9"'},
        json={"id": run.remote_id, "status": found, "version": 9},
    )
    act(pm_client.post, reverse("fielding:run_action", args=[tg.pk, "pause"]))
    change = RemoteChange.objects.get()
    assert change.state == state
    assert len(api_calls(wire, "POST")) == 1
    if state == "conflict":
        assert "now completed at the supplier" in change.message


@pytest.mark.parametrize("status", [S.LIVE, S.SCHEDULED, S.PAUSED])
def test_a_new_end_date_is_sent_with_the_runs_etag_while_live_scheduled_or_paused(
    pm_client, project, wire, act, status
):
    tg, run = make_live(project, status)
    if status == S.PAUSED:  # a paused run whose end passed needs a new end before it can resume
        run.end_fielding_at = timezone.now() - timedelta(hours=2)
        run.save()
    wire.add(
        responses.PUT,
        tg_api(tg, f"/fielding-runs/{run.remote_id}"),
        status=202,
        json={"id": run.remote_id},
        headers={"ETag": 'W/"8"'},
    )
    new_end = (timezone.now() + timedelta(days=20)).replace(second=0, microsecond=0)
    act(
        pm_client.post,
        reverse("fielding:change_end", args=[tg.pk]),
        {"end_fielding_at": timezone.localtime(new_end).strftime("%Y-%m-%dT%H:%M")},
    )
    change = RemoteChange.objects.get()
    assert (change.kind, change.state) == ("update_fielding_run_end", "applied")
    (call,) = api_calls(wire)
    sent = json.loads(call.request.body)
    assert call.request.headers["If-Match"] == 'W/"7"'
    assert sent["end_fielding_at"].startswith(new_end.strftime("%Y-%m-%dT%H:%M"))
    run.refresh_from_db()
    assert (run.status, run.end_fielding_at) == (status, new_end)


def test_an_end_date_in_the_past_is_refused_next_to_the_field(pm_client, project, wire):
    tg, run = make_live(project)
    past = timezone.localtime(timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = pm_client.post(reverse("fielding:change_end", args=[tg.pk]), {"end_fielding_at": past})
    assert response.status_code == 400
    html = response.content.decode()
    block = html[html.index('id="field-end_fielding_at"') :]
    assert "The new end must be at least one hour from now" in block and past in block
    assert not RemoteChange.objects.exists() and api_calls(wire) == []


def test_a_completed_run_gets_no_new_end_date(pm_client, project, wire):
    tg, _ = make_live(project, S.COMPLETED)
    later = timezone.localtime(timezone.now() + timedelta(days=9)).strftime("%Y-%m-%dT%H:%M")
    response = pm_client.post(
        reverse("fielding:change_end", args=[tg.pk]), {"end_fielding_at": later}, headers={"HX-Request": "true"}
    )
    assert "cannot be given a new end date" in response.content.decode()
    assert not RemoteChange.objects.exists() and api_calls(wire) == []


def test_viewers_see_no_fielding_controls_and_cannot_post(viewer_client, viewer, project, wire):
    tg, run = make_live(project)
    panel = fielding_panel_context(tg, viewer)["fielding"]
    assert panel["actions"] == [] and panel["end_form"] is None
    html = viewer_client.get(reverse("fielding:panel", args=[tg.pk])).content.decode()
    assert "hx-post" not in html and 'id="run-pause"' not in html
    for action in ACTIONS:
        assert viewer_client.post(reverse("fielding:run_action", args=[tg.pk, action])).status_code == 403
    assert (
        viewer_client.post(
            reverse("fielding:change_end", args=[tg.pk]), {"end_fielding_at": "2031-01-01T00:00"}
        ).status_code
        == 403
    )
    run.refresh_from_db()
    assert run.status == S.LIVE
    assert not RemoteChange.objects.exists() and api_calls(wire) == []


@pytest.mark.parametrize("status", [S.LIVE, S.PAUSED])
def test_the_target_group_page_includes_the_fielding_panel(pm_client, project, status):
    tg, _ = make_live(project, status)
    html = pm_client.get(tg.get_absolute_url()).content.decode()
    assert 'id="fielding-panel"' in html
    assert 'id="run-complete"' in html


def test_complete_asks_first_and_sends_nothing_until_confirmed(pm_client, project, wire):
    tg, run = make_live(project)
    url = reverse("fielding:run_action", args=[tg.pk, "complete"])

    inline = pm_client.post(url, headers={"HX-Request": "true"}).content.decode()
    page = pm_client.post(url)  # without JavaScript: a page with a real form

    assert 'id="confirm-box"' in inline and "Complete fielding of “" in inline and "cannot be undone" in inline
    assert 'id="run-complete"' not in inline
    assert page.status_code == 200 and f'action="{url}"' in page.content.decode()
    assert not RemoteChange.objects.exists()
    assert [c for c in api_calls(wire) if "transitions" not in c.request.url] == []
    run.refresh_from_db()
    assert run.status == "Live"
