"""Times in the PM's zone, in one format, labelled where it matters; typed times read in that zone."""

import json
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
import responses
from django.urls import reverse
from django.utils import timezone

from fielding.conftest import make_live, tg_api
from fielding.models import FieldingRun
from preferences.models import Preference
from sync.models import RemoteChange

pytestmark = pytest.mark.django_db
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
START = datetime(2026, 12, 1, 18, 9, tzinfo=UTC)  # 19:09 in Berlin, 13:09 in New York


def choose(client, user, zone):
    Preference.objects.update_or_create(user=user, defaults={"time_zone": zone})
    client.force_login(user)  # the zone is looked up at login


def test_the_page_shows_fielding_times_in_the_chosen_zone_labelled(client, pm, project):
    choose(client, pm, "Europe/Berlin")
    tg, run = make_live(project, fielding_start_at=START, fielding_end_at=START + timedelta(days=14))
    FieldingRun.objects.filter(pk=run.pk).update(start_fielding_at=START, end_fielding_at=START + timedelta(days=14))

    html = client.get(reverse("quotas:target_group", args=[tg.pk])).content.decode()

    assert "1 Dec 2026 19:09 – 15 Dec 2026 19:09" in html and 'id="fielding-zone">(Europe/Berlin)' in html
    # The fielding panel says the same moment the same way.
    assert '<dt>Start <span class="muted small">(Europe/Berlin)</span></dt><dd>1 Dec 2026 19:09</dd>' in html
    assert "2026-12-01" not in html


def test_without_a_choice_the_browsers_zone_is_used(client, pm, project):
    client.force_login(pm)
    client.cookies["tz"] = "America/New_York"
    tg, _ = make_live(project, fielding_start_at=START)

    html = client.get(reverse("quotas:target_group", args=[tg.pk])).content.decode()

    assert "1 Dec 2026 13:09" in html and "(America/New_York)" in html


def test_a_zone_the_cockpit_does_not_know_falls_back_to_the_servers(client, pm, project):
    client.force_login(pm)
    client.cookies["tz"] = "Mars/Olympus_Mons"
    tg, _ = make_live(project, fielding_start_at=START)

    html = client.get(reverse("quotas:target_group", args=[tg.pk])).content.decode()

    assert "1 Dec 2026 18:09" in html and "(UTC)" in html


def test_a_typed_end_date_is_read_in_the_pms_zone(client, pm, project, wire, act):
    choose(client, pm, "Europe/Berlin")
    tg, run = make_live(project)
    wire.add(
        responses.PUT, tg_api(tg, f"/fielding-runs/{run.remote_id}"), status=202, json={"id": run.remote_id},
        headers={"ETag": 'W/"8"'},
    )  # fmt: skip
    day = (timezone.now() + timedelta(days=20)).astimezone(BERLIN).date()
    typed = f"{day.isoformat()}T12:00"

    act(client.post, reverse("fielding:change_end", args=[tg.pk]), {"end_fielding_at": typed})

    assert RemoteChange.objects.get().state == "applied"
    sent = json.loads(wire.calls[-1].request.body)["end_fielding_at"]
    noon_in_berlin = datetime.fromisoformat(typed).replace(tzinfo=BERLIN).astimezone(UTC)
    assert sent.startswith(noon_in_berlin.strftime("%Y-%m-%dT%H:%M"))


def test_the_end_date_field_says_its_zone(client, pm, project):
    choose(client, pm, "Asia/Tokyo")
    tg, _ = make_live(project)

    html = client.get(reverse("fielding:panel", args=[tg.pk])).content.decode()

    assert "New fielding end (Asia/Tokyo)" in html
