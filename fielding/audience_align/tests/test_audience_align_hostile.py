"""Every Audience-Align form and URL of a survey, sent hostile values by a PM: numbers out of every
range, NUL bytes, 1 MB strings, unicode, markup, lists where one value goes, missing and duplicated
fields. None answers 5xx, and a form that refuses its input leaves everything stored as it was:
the cockpit's rows, the outbox, the cached master data and the supplier's survey."""

import pytest
from django.urls import reverse

from fielding.models import AudienceAlignFeasibility, AudienceAlignMasterData
from fielding.tests.aa_sandbox import form_data, new_url, sandbox, today  # noqa: F401  (fixtures)
from projects.models import TargetGroup
from quotas.models import InterlockCell, Profile, Quota
from sandbox.models import AaSurvey, AppliedRequest
from sync.adapters import adapter_for
from sync.models import RemoteChange
from sync.pull import sync_connection

pytestmark = pytest.mark.django_db(transaction=True)

MEGABYTE = "x" * 1_000_000
HOSTILE = [
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "\x00",
    "1\x00",
    MEGABYTE,
    "ünïcödé 🎉 日本語",
    "²",
    "<b>&amp;</b>",
    "",
]
MISSING = object()
SELECTION, RANGE = "selection_conditions_details_template", "range_conditions_details_template"


def stored():
    """What a refused form must leave as it was."""
    return {
        "target_groups": list(TargetGroup.objects.order_by("pk").values()),
        "profiles": list(Profile.objects.order_by("pk").values()),
        "quotas": list(Quota.objects.order_by("pk").values()),
        "cells": list(InterlockCell.objects.order_by("pk").values()),
        "master_data": list(AudienceAlignMasterData.objects.order_by("pk").values_list("kind", "key", "fetched_at")),
        "surveys": list(AaSurvey.objects.order_by("pk").values()),
        "supplier_writes": AppliedRequest.objects.count(),
    }


def asked():
    return RemoteChange.objects.count(), AudienceAlignFeasibility.objects.count()


def variants(base, hostile=HOSTILE):
    """(what, payload): `base` with one field at a time replaced by each hostile value, a list of two
    values, or left out; and with an unknown field added."""
    for field, good in base.items():
        for number, value in enumerate([*hostile, [good, hostile[-2]], MISSING]):
            payload = {k: v for k, v in base.items() if k != field}
            if value is not MISSING:
                payload[field] = value
            yield f"{field}={str(value)[:30]!r} #{number}", payload
    yield "an unknown field", {**base, "unknown\x00": MEGABYTE}


def all_at_once(base, hostile=HOSTILE):
    """(what, payload): every field of `base` given the same hostile value (one post per value)."""
    for number, value in enumerate(hostile):
        yield f"every field={value[:30]!r} #{number}", {**dict.fromkeys(base, value), "create": "1"}


def walk(client, url, base, *, get=False, hostile=HOSTILE, each=variants):
    """Send every variant of `base` to `url`, half of them as htmx; check no 5xx and no change when refused."""
    for number, (what, payload) in enumerate(each(base, hostile)):
        before, counts = stored(), asked()
        headers = {"HX-Request": "true"} if number % 2 else {}
        response = (client.get if get else client.post)(url, payload, headers=headers)
        assert response.status_code < 500, f"{url} with {what}: {response.status_code}"
        if asked() == counts:  # refused, or nothing to do: nothing stored moved
            assert stored() == before, f"{url} with {what} changed what was stored"


@pytest.fixture
def surveys(sandbox):  # noqa: F811
    """At the sandbox and synced: a live survey with GENDER × AGE interlocked and REGION, a live one
    without an interlocking, and a completed one."""
    adapter = adapter_for(sandbox)
    gender = {"question_id": 43, "conditions_kind": SELECTION, "conditions": [{"id": "1"}, {"id": "2"}]}
    age = {"question_id": 42, "conditions_kind": RANGE, "conditions": [{"id": "18-34", "min": 18, "max": 34}]}
    region = {"question_id": 96, "conditions_kind": SELECTION, "conditions": [{"id": "1"}, {"id": "4"}]}
    made = {}
    for name, status, interlock in (("Live", "1", True), ("Plain", "1", False), ("Finished", "4", False)):
        spec = {
            "name": name, "country_id": "229", "language_id": "5", "audience": "b2c", "incidence_rate": 40,
            "loi": 10, "cpi": "2.50", "completes": 100, "start": today(), "end": today(20),
            "live_url": "https://s.example.com/?uid=[identifier]", "test_url": "https://s.example.com/?uid=[identifier]",
            "qualifications": [gender, age, region],
        }  # fmt: skip
        remote_id = adapter.create_survey(spec).target_group.remote_id
        adapter.client.set_survey_status(remote_id, status)
        if interlock:
            adapter.client.create_interlocking(remote_id, [43, 42])
        made[name] = remote_id
    adapter.close()
    assert sync_connection(sandbox).error_count == 0
    return {name: TargetGroup.objects.get(remote_id=remote_id) for name, remote_id in made.items()}


def test_the_new_survey_form_its_qualifications_and_feasibility_take_no_hostile_value(sandbox, pm_client):  # noqa: F811
    base = {
        k: v
        for k, v in form_data().items()
        if k in ("name", "country", "language", "incidence_rate", "cpi", "q_42", "q_43")
    }
    rest = {k: v for k, v in form_data().items() if k not in base}
    for button in ("choose", "feasibility", "create"):
        walk(pm_client, new_url(sandbox), {**base, button: "1"})
    walk(pm_client, new_url(sandbox), rest, each=all_at_once)  # the other fields, all of them at once


def test_a_survey_s_settings_qualifications_and_exclusions_take_no_hostile_value(surveys, pm_client):
    live, finished = surveys["Live"], surveys["Finished"]
    region = Profile.objects.get(target_group=live, remote_id="96")

    walk(pm_client, reverse("fielding:aa_settings", args=[live.pk]), {"loi": "14", "cpi": "3.25"})
    add = reverse("fielding:aa_qualification_add", args=[live.pk])
    live.profiles.filter(remote_id="96").update(vanished_at=live.synced_at)  # REGION can be added again
    walk(pm_client, add, {"question": "96", "q_96": ["1", "4"]})
    walk(pm_client, add, {"question": "96", "choose": "1"})
    walk(pm_client, reverse("fielding:aa_qualification_answers", args=[live.pk]), {"question": "96"}, get=True)
    Profile.objects.filter(pk=region.pk).update(vanished_at=None)
    change = reverse("fielding:aa_qualification_change", args=[live.pk, region.pk])
    walk(pm_client, change, {f"p{region.pk}-q_96": ["1"]})
    walk(pm_client, reverse("fielding:aa_exclusions_add", args=[live.pk]), {"surveys": [str(finished.pk)]})


def test_a_survey_s_quota_goals_interlock_and_status_take_no_hostile_value(surveys, pm_client):
    live, plain = surveys["Live"], surveys["Plain"]
    region = Profile.objects.get(target_group=live, remote_id="96")
    goals = {f"goal-quota-{q.pk}": str(q.completes_goal) for q in region.quotas.all()}
    interlock = live.interlocked_profiles.get()
    cells = {f"goal-cell-{c.pk}": str(c.completes_goal) for c in interlock.cells.all()}
    walk(pm_client, reverse("quotas:grid", args=[live.pk]), {**goals, **cells, "confirm": "yes"})
    walk(pm_client, reverse("quotas:lock_row", args=[live.pk]), {"row": f"quota-{region.quotas.first().pk}"})
    members = [str(p.pk) for p in plain.profiles.filter(remote_id__in=["42", "43"])]
    walk(pm_client, reverse("quotas:create_interlock", args=[plain.pk]), {"profiles": members})
    walk(pm_client, reverse("fielding:status_action", args=[plain.pk, "deactivate"]), {"confirmed": "1"})


def test_hostile_ids_in_audience_align_urls_answer_without_an_error(surveys, pm_client):
    live = surveys["Live"]
    before = stored()

    for survey_id in ("%00", "x" * 5000, "ünïcödé", surveys["Plain"].remote_id):
        url = reverse("fielding:aa_exclusion_remove", args=[live.pk, "placeholder"]).replace("placeholder", survey_id)
        assert pm_client.post(url).status_code < 500
    for url in (
        reverse("fielding:aa_qualification_delete", args=[live.pk, 99999999999999999999]),
        reverse("fielding:aa_qualification_change", args=[live.pk, 99999999999999999999]),
        reverse("fielding:aa_survey_create", args=[99999999999999999999]),
    ):
        assert pm_client.post(url).status_code == 404 and pm_client.get(url).status_code in (404, 405)
    assert pm_client.get(reverse("fielding:aa_feasibility", args=[99999999999999999999])).status_code == 404
    assert stored() == before and not RemoteChange.objects.exists()
