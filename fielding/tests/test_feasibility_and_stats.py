"""Feasibility on drafts and live target groups (with what it was computed for), and the
completes chart and performance metrics."""

import json

import pytest
import responses
from django.urls import reverse

from fielding.charts import bar_chart
from fielding.models import SupplierLookup
from fielding.views import fielding_panel_context

from .conftest import PROJECT_ID, api_calls, make_live, tg_api

pytestmark = pytest.mark.django_db
FEASIBILITY = {
    "suggested_price": {"value": "1.027375339", "currency_code": "USD", "currency_scale": 2},
    "suggested_price_range": {
        "min": {"value": "0.667425097", "currency_code": "USD", "currency_scale": 2},
        "max": {"value": "1.284219174", "currency_code": "USD", "currency_scale": 2},
    },
    "suggested_filling_goal_range": {"min": 400, "max": 500},
}


def test_draft_feasibility_is_asked_with_the_drafts_values(pm_client, draft, wire, act):
    wire.add(
        responses.POST,
        f"https://cint.test/v1/demand/accounts/1001/projects/{PROJECT_ID}/target-groups/calculate-feasibility",
        json=FEASIBILITY,
    )
    act(pm_client.post, reverse("fielding:feasibility", args=[draft.pk]))
    lookup = SupplierLookup.objects.get()
    assert lookup.state == "done"
    sent = json.loads(api_calls(wire)[0].request.body)
    assert sent["business_unit_id"] == 10011 and sent["incidence_rate"] == 0.5 and sent["filling_goal"] == 500
    assert sent["length_of_interview"] == 10 and sent["price"] == {"value": "2.5000", "currency_code": "USD"}
    page = pm_client.get(reverse("fielding:draft", args=[draft.pk])).content.decode()
    assert '<dd id="suggested-price">1.03 USD</dd>' in page
    assert "0.67–1.28 USD" in page and "400–500" in page
    assert "<dt>Filling goal</dt><dd>500</dd>" in page  # what it was computed for


def test_live_feasibility_uses_the_target_groups_endpoint(pm_client, project, wire, act):
    tg, _ = make_live(project)
    wire.add(responses.POST, tg_api(tg, "/calculate-feasibility"), json=FEASIBILITY)
    act(pm_client.post, reverse("fielding:feasibility", args=[tg.pk]), headers={"HX-Request": "true"})
    assert SupplierLookup.objects.get().state == "done"
    sent = json.loads(api_calls(wire)[0].request.body)
    assert sent["filling_goal"] == 500 and sent["locale"] == "eng_us"


def test_a_feasibility_the_supplier_cannot_answer_says_so(pm_client, draft, wire, act):
    wire.add(
        responses.POST,
        f"https://cint.test/v1/demand/accounts/1001/projects/{PROJECT_ID}/target-groups/calculate-feasibility",
        status=422,
        json={"object": "invalid_state_error", "detail": "filling_goal must be at most 10000"},
    )
    act(pm_client.post, reverse("fielding:feasibility", args=[draft.pk]))
    lookup = SupplierLookup.objects.get()
    assert lookup.state == "failed" and "filling_goal must be at most 10000" in lookup.message


def test_a_pending_feasibility_polls_and_stops_once_answered(pm_client, draft):
    lookup = SupplierLookup.objects.create(kind="feasibility", target_group=draft, inputs={"filling_goal": 500})
    htmx = {"HX-Request": "true"}
    assert "every 1s" in pm_client.get(reverse("fielding:lookup", args=[lookup.pk]), headers=htmx).content.decode()
    lookup.state, lookup.result = "done", FEASIBILITY
    lookup.save()
    assert "every 1s" not in pm_client.get(reverse("fielding:lookup", args=[lookup.pk]), headers=htmx).content.decode()


def test_viewers_cannot_ask_for_feasibility(viewer_client, draft, wire):
    assert viewer_client.post(reverse("fielding:feasibility", args=[draft.pk])).status_code == 403
    assert not SupplierLookup.objects.exists()


def test_the_stats_show_completes_as_bars_and_the_performance(pm, pm_client, project, wire):
    tg, _ = make_live(project)
    wire.add(
        responses.GET,
        tg_api(tg, "/completes-aggregated-by-interval"),
        json={
            "aggregated_completes_intervals": [
                {"timestamp": "2030-01-01T00:00:00.000Z", "count": 4},
                {"timestamp": "2030-01-02T00:00:00.000Z", "count": 10},
                {"timestamp": "2030-01-03T00:00:00.000Z", "count": 0},
            ]
        },
    )
    wire.add(
        responses.GET,
        tg_api(tg, "/performance"),
        json={
            "entrants": 300,
            "prescreens": 120,
            "completes": 14,
            "incidence_rate": 0.35,
            "conversion_rate": 0.1,
            "drop_off_rate": 0.05,
            "completes_cost": {"value": "35.000000000", "currency_code": "USD"},
        },
    )
    html = pm_client.get(
        reverse("fielding:stats", args=[tg.pk]), {"interval": "PT6H"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "aggregation_interval=PT6H" in api_calls(wire)[0].request.url
    assert html.count("<rect ") == 3
    assert "02 Jan 00:00: 10 completes" in html
    assert "<dt>Entrants</dt><dd>300</dd>" in html and "<dt>Incidence rate</dt><dd>35%</dd>" in html
    # The interval is chosen in the stats block, which the panel loads; the panel builds no form of its own.
    assert '<option value="PT6H" selected>' in html
    assert "interval_form" not in fielding_panel_context(tg, pm)["fielding"]


def test_the_chart_scales_to_the_tallest_bar():
    chart = bar_chart(
        [{"timestamp": "2030-01-01T00:00:00Z", "count": 5}, {"timestamp": "2030-01-02T00:00:00Z", "count": 10}]
    )
    short, tall = chart["bars"]
    assert tall["height"] == chart["height"] - 18 and tall["y"] == 0
    assert short["height"] == tall["height"] / 2
    assert chart["total"] == 15 and bar_chart([]) is None


def test_a_draft_has_no_stats_and_asks_nothing(pm_client, draft, wire):
    html = pm_client.get(reverse("fielding:stats", args=[draft.pk])).content.decode()
    assert "no completes before the target group is launched" in html
    assert api_calls(wire) == []
