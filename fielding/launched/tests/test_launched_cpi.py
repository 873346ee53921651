"""The CPI of a launched target group: shown with what the rate card would charge, changed
through the outbox in the business unit's currency on dynamic pricing only, never twice."""

from decimal import Decimal

import pytest
from django.urls import reverse

from fielding.conftest import api_calls
from fielding.tests.cint_launched import LaunchedTarget, launched_tg
from sync.models import RemoteChange

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def tg(project, directory):
    return launched_tg(project)


@pytest.fixture
def supplier(wire, tg):
    return LaunchedTarget(wire, tg)


def panel(client, tg):
    return client.get(reverse("fielding:pricing", args=[tg.pk]), headers=HTMX).content.decode()


def post_cpi(client, tg, value, **extra):
    data = {"cpi-cpi": value, "cpi-currency_code": "USD", **extra}
    return client.post(reverse("fielding:change_cpi", args=[tg.pk]), data, headers=HTMX)


def test_the_panel_shows_the_cpi_and_what_the_rate_card_charges_at_the_actual_ir_and_loi(pm_client, tg, supplier):
    html = panel(pm_client, tg)

    assert 'id="cpi-form"' in html and 'name="cpi-cpi"' in html
    assert "New CPI (USD)" in html
    assert '<dd id="current-cpi">2.50 USD</dd>' in html
    # Actual IR 37% and LOI 12 min fall in the 30% column and the 15-minute row.
    assert "actual incidence rate of 37% and actual length of interview of 12 min" in html
    assert '<dd id="rate-card-price">2.40 USD</dd>' in html
    assert 'id="rate-card-cell" aria-current="true" title="This target group\'s cell">2.40</td>' in html
    assert html.count('aria-current="true"') == 1
    assert "Bound" in html and "Predicted" not in html  # a live target group's card is bound to it


def test_a_new_cpi_is_sent_through_the_outbox_and_shown_applied(pm_client, tg, supplier, act):
    response = act(post_cpi, pm_client, tg, "2.75")

    html = response.content.decode()
    change = RemoteChange.objects.get(target_group=tg)
    assert f'id="change-{change.pk}"' in html and "every 1s" in html  # pending, its badge polling
    change.refresh_from_db()
    assert (change.kind, change.state) == ("set_cost_per_interview", "applied")
    assert change.summary == "Set the CPI of “US gen pop” to 2.75 USD"
    sent = {"target_group_cpi": {"value": "2.7500", "currency_code": "USD"}}
    assert supplier.writes == [("PUT", "/cost-per-interview", sent)]
    tg.refresh_from_db()
    assert (tg.cpi, tg.cpi_currency) == (Decimal("2.7500"), "USD")

    badge = pm_client.get(reverse("sync:change_badge", args=[change.pk]), headers=HTMX).content.decode()
    assert 'id="pricing-panel" hx-swap-oob="true"' in badge and 'id="tg-header"' in badge
    assert badge.count('hx-swap-oob="true"') == 2
    assert '<dd id="current-cpi">2.75 USD</dd>' in badge and "Applied" in badge and "every 1s" not in badge


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("", "This field is required."),
        ("0", "greater than or equal to 0.01"),
        ("-1", "greater than or equal to 0.01"),
        ("two", "Enter a number."),
        ("2.50", "The CPI is already 2.50 USD."),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_sent(pm_client, tg, supplier, value, words):
    html = post_cpi(pm_client, tg, value).content.decode()

    block = html[html.index('id="field-cpi-cpi"') :]
    block = block[: block.index("</div>")]
    assert words in block and f'value="{value}"' in (block if value else 'value=""')
    assert not RemoteChange.objects.exists() and supplier.writes == []
    data = {"cpi-cpi": value, "cpi-currency_code": "USD"}
    plain = pm_client.post(reverse("fielding:change_cpi", args=[tg.pk]), data)
    assert plain.status_code == 400 and words in plain.content.decode()  # the settings page, input kept
    assert not RemoteChange.objects.exists()


def test_a_cpi_in_another_currency_than_the_business_units_is_refused(pm_client, tg, supplier):
    html = post_cpi(pm_client, tg, "2.75", **{"cpi-currency_code": "EUR"}).content.decode()

    assert "business unit works in USD; give the CPI in USD" in html
    assert not RemoteChange.objects.exists() and supplier.writes == []


def test_a_rate_card_target_group_shows_its_price_but_no_cpi_form(pm_client, project, directory, wire):
    tg = launched_tg(project, pricing_model="rate_card")
    supplier = LaunchedTarget(wire, tg, pricing_model="ratecard")

    html = panel(pm_client, tg)
    assert 'id="cpi-form"' not in html and "its CPI cannot be set here" in html
    assert 'id="rate-card-cell"' in html

    refused = post_cpi(pm_client, tg, "2.75").content.decode()
    assert "priced by its rate card; its CPI cannot be set" in refused
    assert not RemoteChange.objects.exists() and supplier.writes == []


def test_viewers_see_the_cpi_but_cannot_change_it(viewer_client, tg, supplier):
    html = panel(viewer_client, tg)
    assert '<dd id="current-cpi">2.50 USD</dd>' in html and 'id="cpi-form"' not in html

    assert post_cpi(viewer_client, tg, "2.75").status_code == 403
    assert not RemoteChange.objects.exists() and supplier.writes == []


def test_a_lost_answer_is_read_back_and_the_cpi_is_not_sent_twice(pm_client, tg, supplier, act):
    supplier.lose_next.add("/cost-per-interview")

    act(post_cpi, pm_client, tg, "2.75")

    change = RemoteChange.objects.get()
    assert change.state == "applied" and change.attempts == 2
    assert "already had a CPI of 2.75 USD" in change.message
    assert [w[:2] for w in supplier.writes] == [("PUT", "/cost-per-interview")]
    tg.refresh_from_db()
    assert tg.cpi == Decimal("2.7500")


def test_a_refused_cpi_shows_the_suppliers_words_and_its_cpi_again(pm_client, tg, supplier, act):
    supplier.fail_next["/cost-per-interview"] = 400

    act(post_cpi, pm_client, tg, "2.75")

    change = RemoteChange.objects.get()
    assert change.state == "failed" and "Refused (400)." in change.message
    tg.refresh_from_db()
    assert tg.cpi == Decimal("2.5000")  # read again from the supplier
    assert "Refused (400)." in panel(pm_client, tg)
    assert [c.request.method for c in api_calls(supplier.wire)].count("PUT") == 1
