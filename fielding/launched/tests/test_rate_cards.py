"""Rate cards: the IR × LOI grid with the target group's cell marked, "predicted" until it has
gone live, the business unit's card for a draft; read once a minute at most."""

from decimal import Decimal

import pytest
import responses
from django.urls import reverse

from fielding.conftest import api_calls, make_draft
from fielding.launched.pricing import cell
from fielding.tests.cint_launched import LaunchedTarget, launched_tg, rate_card_data
from sync.tests.wire import BASE

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
LENGTHS, RATES = [5, 10, 15, 20], [75, 50, 30, 10]


def panel(client, tg):
    return client.get(reverse("fielding:pricing", args=[tg.pk]), headers=HTMX).content.decode()


@pytest.mark.parametrize(
    ("loi", "ir", "expected"),
    [
        (10, 50, (1, 1)),  # on a row's and a column's own value: that cell
        (Decimal("10.1"), 50, (2, 1)),  # a little longer: the next, dearer row
        (10, Decimal("49.9"), (1, 2)),  # a little less incidence: the next, dearer column
        (3, 90, (0, 0)),
        (60, 2, (3, 3)),  # beyond the card: its last row and column
    ],
)
def test_a_target_group_is_priced_by_the_dearer_neighbouring_cell(loi, ir, expected):
    assert cell(LENGTHS, RATES, loi, ir) == expected


def test_a_scheduled_target_group_shows_its_predicted_card_at_its_expected_ir_and_loi(
    pm_client, project, directory, wire
):
    tg = launched_tg(project, status="scheduled", current_completes=0, median_length_of_interview_seconds=None)
    LaunchedTarget(wire, tg, status="scheduled")

    html = panel(pm_client, tg)

    assert 'id="rate-card-kind">Predicted' in html and "may still be replaced" in html
    assert "expected incidence rate of 50% and expected length of interview of 10 min" in html
    assert '<td class="num current" id="rate-card-cell"' in html and ">1.70</td>" in html  # row 10 min, column 50%
    assert html.count("<tr><th>≤") == len(LENGTHS) and html.count('<th class="num">') == len(RATES)


def test_a_draft_shows_its_business_units_card_for_its_country(pm_client, project, directory, wire):
    draft = make_draft(project)
    url = f"{BASE}/demand/accounts/1001/business-units/10011/rate-card"
    wire.add(
        responses.GET,
        url,
        json={"country_code": "US", "token": "tok", "rate_card_data": rate_card_data()},
        match=[responses.matchers.query_param_matcher({"country_code": "US"})],
    )

    page = pm_client.get(reverse("fielding:draft", args=[draft.pk])).content.decode()
    assert f'hx-get="{reverse("fielding:pricing", args=[draft.pk])}" hx-trigger="load"' in page
    html = panel(pm_client, draft)

    assert "The latest rate card of the business unit" in html and 'id="rate-card-cell"' in html
    assert 'id="cpi-form"' not in html  # a draft's CPI is set in the draft editor
    reads = [c.request.url.split("?")[0] for c in api_calls(wire, "GET")]
    assert [read for read in reads if "/demand/questions" not in read] == [url]  # the library names the questions


def test_the_card_is_read_once_a_minute_at_most(pm_client, project, directory, wire):
    tg = launched_tg(project)
    LaunchedTarget(wire, tg)

    panel(pm_client, tg)
    panel(pm_client, tg)

    assert len([c for c in api_calls(wire) if c.request.url.endswith("/rate-card")]) == 1


def test_a_business_unit_without_a_rate_card_is_said_so(pm_client, project, directory, wire):
    tg = launched_tg(project)
    card = f"{BASE}/demand/accounts/1001/projects/{project.remote_id}/target-groups/{tg.remote_id}/rate-card"
    wire.add(responses.GET, card, status=404, json={"id": "e", "object": "not_found_error", "detail": "No rate card."})

    html = panel(pm_client, tg)

    assert "no rate card for this target group" in html and 'id="cpi-form"' in html
