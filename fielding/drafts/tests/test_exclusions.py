"""A draft's exclusions are picked by searching the account's target groups, a page of matches at most: the draft
page costs the same with 5 target groups or 60, the search finds by name and by id, what is chosen is sent to the
supplier by id, and an id the draft may not exclude is refused in words with nothing sent or lost."""

import json

import pytest
import responses
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fielding.conftest import api_calls, make_draft, tg_api
from fielding.drafts.tests.test_draft_validation import field_block, post_data
from projects.models import PENDING_PREFIX
from projects.tests.factories import ConnectionFactory, ProjectFactory, TargetGroupFactory
from sync.models import RemoteChange

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
PICKED = 'name="excluded_target_group_ids"'


def waves(connection, count, start=0):
    """`count` completed target groups of the account, in projects of their own: "Wave 1 gen pop" and on."""
    made = []
    for n in range(start, start + count):
        project = ProjectFactory(connection=connection, name=f"Tracker wave {n + 1}")
        made.append(
            TargetGroupFactory(
                project=project,
                name=f"Wave {n + 1} gen pop",
                remote_id=f"01HWAVE{n + 1:019d}",
                human_readable_id=f"WAV{n + 1:04d}",
                status="completed",
            )
        )
    return made


def search(client, draft, query, *chosen):
    url = reverse("fielding:draft_exclusions", args=[draft.pk])
    return client.get(url, {"exclusion_q": query, "excluded_target_group_ids": list(chosen)}, **HTMX)


def queries(fn):
    from django.db import connection

    with CaptureQueriesContext(connection) as captured:
        response = fn()
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_the_draft_form_and_its_search_cost_the_same_at_5_and_at_60_target_groups(
    pm_client, project, draft, directory, wire
):
    edit = reverse("fielding:draft_edit", args=[draft.pk])
    waves(project.connection, 5)
    few_page, page = queries(lambda: pm_client.get(edit))
    few_search, found = queries(lambda: search(pm_client, draft, "gen pop"))
    assert found.count(PICKED) == 5 and "Only the first" not in found

    waves(project.connection, 55, start=5)
    many_page, page_60 = queries(lambda: pm_client.get(edit))
    many_search, found_60 = queries(lambda: search(pm_client, draft, "gen pop"))

    assert (many_page, many_search) == (few_page, few_search)
    assert field_block(page_60, "excluded_target_group_ids").count(PICKED) == 0  # nothing listed before a search
    assert len(page_60) - len(page) < 100
    assert found_60.count(PICKED) == 20 and "Only the first 20 are shown" in found_60


def test_the_search_finds_by_name_project_and_id_and_never_the_draft_itself_or_an_uncreated_one(
    pm_client, project, draft, directory
):
    wave_1, wave_2 = waves(project.connection, 2)
    TargetGroupFactory(project=project, name="Wave 3 gen pop", remote_id=f"{PENDING_PREFIX}abc", status="draft")
    other_account = ProjectFactory(connection=ConnectionFactory(account_id="2002"))
    TargetGroupFactory(project=other_account, name="Wave 4 gen pop", remote_id="01HOTHERACCOUNT00000000001")

    by_name = search(pm_client, draft, "wave 2").content.decode()
    assert f'value="{wave_2.remote_id}"> Wave 2 gen pop · WAV0002 (completed)</label>' in by_name
    assert '<span class="muted small">Tracker wave 2</span>' in by_name and wave_1.remote_id not in by_name
    assert wave_1.remote_id in search(pm_client, draft, wave_1.remote_id.lower()).content.decode()
    assert wave_1.remote_id in search(pm_client, draft, "WAV0001").content.decode()
    assert wave_1.remote_id in search(pm_client, draft, "tracker wave 1").content.decode()
    everything = search(pm_client, draft, "gen pop").content.decode()
    assert everything.count(PICKED) == 2  # not the draft, not the one being created, not another account's
    nothing = search(pm_client, draft, draft.remote_id).content.decode()
    assert "No other target group of this account is called" in nothing and PICKED not in nothing


def test_what_is_ticked_stays_chosen_by_name_while_the_pm_searches_on(pm_client, project, draft, directory):
    wave_1, wave_2 = waves(project.connection, 2)
    outside = "01HOUTSIDE0000000000000001"

    html = search(pm_client, draft, "wave", wave_1.remote_id, outside).content.decode()

    chosen = html[html.index('id="exclusions-chosen" hx-swap-oob="true"') :]
    assert f'value="{wave_1.remote_id}" checked> Wave 1 gen pop · WAV0001 (completed)' in chosen
    assert "Tracker wave 1" in chosen
    assert f'value="{outside}" checked> Target group {outside}' in chosen and "Not in the cockpit" in chosen
    found = html[: html.index('id="exclusions-chosen"')]
    assert wave_2.remote_id in found and wave_1.remote_id not in found  # listed once, as chosen


def test_choosing_and_removing_exclusions_through_the_form_reaches_the_supplier(
    pm_client, project, directory, wire, act
):
    wave_1, wave_2 = waves(project.connection, 2)
    outside = "01HOUTSIDE0000000000000001"
    draft = make_draft(
        project, exclusion={"enabled": True, "list": [{"entity_type": "target_group", "entity_ids": [outside]}]}
    )
    wire.add(responses.PUT, tg_api(draft), status=204)
    edit = reverse("fielding:draft_edit", args=[draft.pk])

    act(pm_client.post, edit, post_data(excluded_target_group_ids=[outside, wave_1.remote_id, wave_2.remote_id]))
    act(pm_client.post, edit, post_data(excluded_target_group_ids=[outside, wave_2.remote_id]))

    first, second = (json.loads(call.request.body) for call in api_calls(wire, "PUT"))
    assert first["exclusion"] == {
        "enabled": True,
        "list": [{"entity_type": "target_group", "entity_ids": [outside, wave_1.remote_id, wave_2.remote_id]}],
    }
    assert second["exclusion"]["list"] == [{"entity_type": "target_group", "entity_ids": [outside, wave_2.remote_id]}]
    page = pm_client.get(reverse("fielding:draft", args=[draft.pk])).content.decode()
    assert f"Excludes respondents of: Target group {outside}, Wave 2 gen pop (Tracker wave 2)." in page
    shown = field_block(pm_client.get(edit).content.decode(), "excluded_target_group_ids")
    assert shown.count(PICKED) == 2 and f'value="{wave_2.remote_id}" checked' in shown

    act(pm_client.post, edit, post_data())  # every one unticked
    assert json.loads(api_calls(wire, "PUT")[-1].request.body)["exclusion"] == {"enabled": True, "list": []}


@pytest.mark.parametrize(
    ("whose", "words"),
    [
        ("itself", "is this target group: it cannot exclude its own respondents"),
        ("other account", "belongs to another supplier account"),
        ("being created", "is not created at the supplier yet"),
        ("unknown", "No target group of this account has the id 01HNOBODY0000000000000001"),
    ],
)
def test_an_id_the_draft_may_not_exclude_is_refused_in_words_and_nothing_is_lost(
    pm_client, project, directory, wire, whose, words
):
    (wave_1,) = waves(project.connection, 1)
    draft = make_draft(
        project,
        exclusion={"enabled": True, "list": [{"entity_type": "target_group", "entity_ids": [wave_1.remote_id]}]},
    )
    bad = {
        "itself": draft.remote_id,
        "other account": TargetGroupFactory(
            project=ProjectFactory(connection=ConnectionFactory(account_id="2002")), name="Elsewhere"
        ).remote_id,
        "being created": TargetGroupFactory(
            project=project, remote_id=f"{PENDING_PREFIX}xyz", status="draft"
        ).remote_id,
        "unknown": "01HNOBODY0000000000000001",
    }[whose]

    response = pm_client.post(
        reverse("fielding:draft_edit", args=[draft.pk]),
        post_data(name="Renamed", excluded_target_group_ids=[wave_1.remote_id, bad]),
    )

    assert response.status_code == 400
    html = response.content.decode()
    block = field_block(html, "excluded_target_group_ids")
    assert words in block and "errorlist" in block
    assert f'value="{wave_1.remote_id}" checked' in block  # the PM's choice comes back as it was
    assert 'value="Renamed"' in field_block(html, "name")
    assert api_calls(wire) == [] and not RemoteChange.objects.exists()
    draft.refresh_from_db()
    assert draft.name == "UK gen pop"
    assert draft.details["draft"]["exclusion"]["list"] == [
        {"entity_type": "target_group", "entity_ids": [wave_1.remote_id]}
    ]


def test_without_javascript_the_search_button_brings_the_form_back_as_typed_and_saves_nothing(
    pm_client, project, directory, wire
):
    wave_1, wave_2 = waves(project.connection, 2)

    response = pm_client.post(
        reverse("fielding:draft_create", args=[project.pk]),
        post_data(
            name="Half typed",
            filling_goal="",
            excluded_target_group_ids=[wave_1.remote_id],
            exclusion_q="wave 2",
            exclusion_search="1",
        ),
    )

    assert response.status_code == 200
    html = response.content.decode()
    block = field_block(html, "excluded_target_group_ids")
    assert f'value="{wave_1.remote_id}" checked' in block
    assert f'value="{wave_2.remote_id}"> Wave 2 gen pop' in block and 'value="wave 2"' in block
    assert 'value="Half typed"' in field_block(html, "name")
    assert "errorlist" not in html  # a search judges nothing
    assert not project.target_groups.exists() and api_calls(wire) == []


def test_enter_in_another_field_searches_nothing_and_says_the_draft_is_not_saved_yet(
    pm_client, project, directory, wire
):
    # Enter in a field presses the form's first button, the exclusions' Search, with nothing typed in its box.
    response = pm_client.post(
        reverse("fielding:draft_create", args=[project.pk]),
        post_data(name="Half typed", exclusion_q="", exclusion_search="1"),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was saved yet: press “Create draft”" in html
    assert 'value="Half typed"' in field_block(html, "name")
    assert not project.target_groups.exists() and api_calls(wire) == []
