"""The supplier's performance figures move the target group's own counts: right after a launch the
header does not say 0 completes while the performance block says 16."""

import pytest
import responses
from django.urls import reverse

from projects.models import TargetGroup

from .conftest import make_live, tg_api

pytestmark = pytest.mark.django_db


def performance(wire, tg, completes):
    series = {"aggregated_completes_intervals": []}
    wire.add(responses.GET, tg_api(tg, "/completes-aggregated-by-interval"), json=series)
    wire.add(
        responses.GET,
        tg_api(tg, "/performance"),
        json={"entrants": 90, "prescreens": 40, "completes": completes, "incidence_rate": 0.4},
    )


def test_the_stats_move_the_headers_completes(pm_client, project, wire):
    tg, _ = make_live(project, current_completes=0, current_prescreens=0, filling_goal=300)
    performance(wire, tg, 16)

    html = pm_client.get(reverse("fielding:stats", args=[tg.pk]), headers={"HX-Request": "true"}).content.decode()

    assert "<dt>Completes</dt><dd>16</dd>" in html
    # The header's count comes back with the block, swapped in place.
    assert f'id="tg-completes-{tg.pk}" hx-swap-oob="true">16 of 300' in html
    page = pm_client.get(reverse("quotas:target_group", args=[tg.pk])).content.decode()
    assert "16 of 300" in page
    assert TargetGroup.objects.get(pk=tg.pk).current_prescreens == 40


def test_stats_that_say_what_the_header_says_swap_nothing(pm_client, project, wire):
    tg, _ = make_live(project, current_completes=16, filling_goal=300)
    performance(wire, tg, 16)

    html = pm_client.get(reverse("fielding:stats", args=[tg.pk]), headers={"HX-Request": "true"}).content.decode()

    assert "hx-swap-oob" not in html
