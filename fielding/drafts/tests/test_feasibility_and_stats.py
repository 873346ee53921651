"""Feasibility on drafts and live target groups (with what it was computed for); a draft has no
stats (the completes chart is tested in `test_completes_chart`)."""

import json

import pytest
import responses
from django.urls import reverse

from fielding.conftest import PROJECT_ID, api_calls, make_live, tg_api
from fielding.models import SupplierLookup

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


def test_a_draft_has_no_stats_and_asks_nothing(pm_client, draft, wire):
    html = pm_client.get(reverse("fielding:stats", args=[draft.pk])).content.decode()
    assert "no completes before the target group is launched" in html
    assert api_calls(wire) == []
