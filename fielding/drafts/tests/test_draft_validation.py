"""Every rule the supplier would enforce is checked before anything is sent: the message
sits next to its field, what the PM typed comes back, and nothing reaches the wire."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from fielding.conftest import MANAGER, api_calls
from fielding.drafts.forms import DraftTargetGroupForm
from fielding.drafts.validators import parse_increment_interval, validate_hour_ahead
from projects.models import TargetGroup
from projects.tests.factories import ProjectFactory, TargetGroupFactory
from sync.models import RemoteChange

pytestmark = pytest.mark.django_db


def local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def post_data(**overrides):
    start = timezone.now() + timedelta(hours=3)
    data = {
        "name": "UK gen pop",
        "business_unit": "10011",
        "project_manager": MANAGER,
        "study_type_code": "adhoc",
        "industry_code": "other",
        "locale": "eng_us",
        "filling_goal": "500",
        "expected_length_of_interview_minutes": "10",
        "expected_incidence_rate": "35",
        "fielding_start_at": local(start),
        "fielding_end_at": local(start + timedelta(days=7)),
        "pricing_model": "dynamic",
        "cpi": "2.50",
        "cpi_currency": "USD",
        "live_url": "https://survey.example.com/s?RID=[%RID%]",
        "test_url": "https://survey.example.com/s?RID=[%RID%]&test=1",
        "prevent_overfill": "on",
        "exclusion_enabled": "on",
        "alloc-TOTAL_FORMS": "3",
        "alloc-INITIAL_FORMS": "0",
        "alloc-MIN_NUM_FORMS": "0",
        "alloc-MAX_NUM_FORMS": "8",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def field_block(html, name):
    """The markup of one field: from its wrapper to the next field's."""
    start = html.index(f'id="field-{name}"')
    end = html.find('id="field-', start + 1)
    return html[start : end if end != -1 else None]


INVALID = [
    pytest.param(
        {"fielding_start_at": local(timezone.now() + timedelta(minutes=59))},
        "fielding_start_at",
        "at least one hour from now",
        id="start-59-minutes-ahead",
    ),
    pytest.param(
        {"fielding_start_at": local(timezone.now() - timedelta(days=1))},
        "fielding_start_at",
        "at least one hour from now",
        id="start-yesterday",
    ),
    pytest.param(
        {"fielding_end_at": local(timezone.now() + timedelta(hours=2))},
        "fielding_end_at",
        "must be after the start",
        id="end-before-start",
    ),
    pytest.param(
        {"live_url": "https://survey.example.com/s?RID=123"},
        "live_url",
        "Add [%RID%] to the link",
        id="live-url-without-rid",
    ),
    pytest.param(
        {"test_url": "https://survey.example.com/s"}, "test_url", "Add [%RID%] to the link", id="test-url-without-rid"
    ),
    pytest.param(
        {"live_url": "http://survey.example.com/s?RID=[%RID%]"},
        "live_url",
        "start the address with https",
        id="live-url-not-https",
    ),
    pytest.param(
        {"pacing_type": "linear", "pacing_interval": "PT1.5H"},
        "pacing_interval",
        "Decimals are not allowed",
        id="pacing-decimals",
    ),
    pytest.param(
        {"pacing_type": "linear", "pacing_interval": "1D"},
        "pacing_interval",
        "Start the interval with P",
        id="pacing-without-p",
    ),
    pytest.param(
        {"pacing_type": "adaptive", "pacing_interval": "P30M"},
        "pacing_interval",
        "Put T before hours, minutes or seconds",
        id="pacing-without-t",
    ),
    pytest.param(
        {"pacing_type": "adaptive", "pacing_interval": "P2W"},
        "pacing_interval",
        "days, hours, minutes and seconds only",
        id="pacing-weeks",
    ),
    pytest.param(
        {"pacing_type": "linear", "pacing_interval": ""},
        "pacing_interval",
        "Pacing needs an increment interval",
        id="pacing-missing-interval",
    ),
    pytest.param(
        {"optimize_cpi": "on", "total_budget": "1000", "maximum_cpi": "4"},
        "total_budget",
        "either a total budget or a maximum CPI, not both",
        id="budget-and-max-cpi",
    ),
    pytest.param(
        {"optimize_cpi": "on", "total_budget": "1000", "maximum_cpi": "4"},
        "maximum_cpi",
        "either a total budget or a maximum CPI, not both",
        id="max-cpi-and-budget",
    ),
    pytest.param(
        {"optimize_cpi": "on"}, "total_budget", "needs a total budget or a maximum CPI", id="optimise-without-limit"
    ),
    pytest.param(
        {"optimize_cpi": "on", "maximum_cpi": "3", "minimum_cpi": "3.5"},
        "minimum_cpi",
        "lower than the maximum",
        id="minimum-above-maximum",
    ),
    pytest.param({"filling_goal": "12.5"}, "filling_goal", "Enter a whole number", id="goal-not-integer"),
    pytest.param(
        {"expected_incidence_rate": "35.5"}, "expected_incidence_rate", "Enter a whole number", id="ir-not-integer"
    ),
    pytest.param(
        {"expected_length_of_interview_minutes": "60"},
        "expected_length_of_interview_minutes",
        "less than or equal to 45",
        id="loi-too-long",
    ),
    pytest.param({"cpi_currency": "EUR"}, "cpi_currency", "works in USD", id="currency-not-the-units"),
    pytest.param({"pricing_model": "rate_card", "cpi": "2.50"}, "cpi", "leave the CPI empty", id="rate-card-cpi"),
    pytest.param(
        {"business_unit": "10012", "cpi_currency": "EUR"},
        "pricing_model",
        "uses rate card pricing",
        id="unit-without-dynamic",
    ),
    pytest.param(
        {"excluded_target_group_ids": "01HQ8Z6V3K2J9X4M5N6P7Q8R9S"},
        "excluded_target_group_ids",
        "No target group of this account has the id 01HQ8Z6V3K2J9X4M5N6P7Q8R9S",
        id="exclusions-not-a-target-group-of-the-account",
    ),
]


@pytest.mark.parametrize(("overrides", "field", "message"), INVALID)
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_sent(
    pm_client, project, directory, wire, overrides, field, message
):
    data = post_data(**overrides)
    response = pm_client.post(reverse("fielding:draft_create", args=[project.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    block = field_block(html, field)
    assert escape(message) in block or message in block, block
    assert 'aria-invalid="true"' in block or "errorlist" in block
    value = overrides.get(field)
    if value and field not in ("pricing_model", "business_unit"):
        assert escape(value) in block, f"the input {value!r} was not kept"
    assert "UK gen pop" in field_block(html, "name")  # the other fields keep their input too
    assert api_calls(wire) == []
    assert not TargetGroup.objects.filter(project=project).exists()
    assert not RemoteChange.objects.exists()


def test_an_exchange_allocation_is_required_with_a_group(pm_client, project, directory, wire):
    data = post_data(
        **{
            "alloc-0-type": "group",
            "alloc-0-name": "Panel A",
            "alloc-0-percentage_max": "60",
            "alloc-0-suppliers": "980, 981",
        }
    )
    response = pm_client.post(reverse("fielding:draft_create", args=[project.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    section = html[html.index('id="allocations"') :]
    assert "Add an exchange allocation too" in section
    assert 'value="Panel A"' in section and 'value="980, 981"' in section
    assert api_calls(wire) == []


def test_blocked_suppliers_take_no_percentages(pm_client, project, directory, wire):
    data = post_data(
        **{
            "alloc-0-type": "blocked",
            "alloc-0-suppliers": "12",
            "alloc-0-percentage_max": "10",
            "alloc-1-type": "exchange",
            "alloc-1-percentage_max": "100",
        }
    )
    response = pm_client.post(reverse("fielding:draft_create", args=[project.pk]), data)
    assert response.status_code == 400
    assert "Blocked suppliers take no percentages" in response.content.decode()
    assert api_calls(wire) == []


@pytest.mark.parametrize(
    ("minutes_ahead", "valid"),
    [(59, False), (60 + 1, True), (24 * 60, True)],
    ids=["59-minutes", "61-minutes", "a-day"],
)
def test_the_start_must_be_an_hour_ahead(connection, directory, minutes_ahead, valid):
    start = timezone.now() + timedelta(minutes=minutes_ahead)
    form = DraftTargetGroupForm(
        post_data(fielding_start_at=local(start), fielding_end_at=local(start + timedelta(days=2))),
        connection=connection,
    )
    assert form.is_valid() is valid, form.errors
    assert ("fielding_start_at" in form.errors) is not valid


@pytest.mark.parametrize("what", ["fielding start", "fielding end", "new end"])
@pytest.mark.parametrize(
    ("ahead", "valid"),
    [(timedelta(minutes=60, seconds=-1), False), (timedelta(minutes=60), True), (timedelta(minutes=61), True)],
    ids=["a-second-short-of-an-hour", "exactly-an-hour", "61-minutes"],
)
def test_a_time_exactly_an_hour_ahead_is_accepted(what, ahead, valid):
    now = timezone.now().replace(second=30, microsecond=0)
    if valid:
        validate_hour_ahead(now + ahead, what, now=now)
    else:
        with pytest.raises(ValidationError) as refused:
            validate_hour_ahead(now + ahead, what, now=now)
        earliest = timezone.localtime(now + timedelta(minutes=61)).strftime("%Y-%m-%d %H:%M")
        assert refused.value.messages == [f"The {what} must be at least one hour from now. Choose {earliest} or later."]


@pytest.mark.parametrize("value", ["P1D", "PT30M", "PT1H30M", "PT90M", "P1DT12H", "PT45S", "P397D"])
def test_pacing_intervals_the_supplier_takes(value):
    assert parse_increment_interval(value).total_seconds() > 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("PT0M", "longer than zero"),
        ("P398D", "shorter than 398 days"),
        ("PT", "Add a time after T"),
        ("pt30m", "capitals"),
        ("P1Y", "days, hours, minutes and seconds only"),
        ("P2H", "Put T before"),
        ("P1,5D", "Decimals"),
    ],
)
def test_pacing_intervals_the_supplier_refuses(value, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        parse_increment_interval(value)
    assert message in " ".join(caught.value.messages)


def test_a_valid_form_gives_the_contracts_body(connection, directory):
    earlier = ProjectFactory(connection=connection, remote_id="01HEARLIERPROJECT000000001")
    TargetGroupFactory(project=earlier, remote_id="01HQ8Z6V3K2J9X4M5N6P7Q8R9S", status="completed")
    data = post_data(
        optimize_cpi="on",
        maximum_cpi="4",
        minimum_cpi="2",
        pacing_type="adaptive",
        pacing_interval="PT30M",
        excluded_target_group_ids=["01HQ8Z6V3K2J9X4M5N6P7Q8R9S"],
        **{
            "alloc-0-type": "group",
            "alloc-0-name": "Panel A",
            "alloc-0-percentage_max": "60",
            "alloc-0-suppliers": "980",
            "alloc-1-type": "exchange",
            "alloc-1-percentage_max": "100",
        },
    )
    form = DraftTargetGroupForm(data, connection=connection)
    assert form.is_valid(), (form.errors, form.allocations.errors, form.allocations.non_form_errors())
    body = form.body()
    assert body["expected_incidence_rate"] == 0.35
    assert body["business_unit_id"] == "10011"
    assert body["cost_per_interview"] == {"value": "2.5000", "currency_code": "USD"}
    assert body["fielding_assistant_assignment"] == {
        "quota_overlay": {"prevent_overfill": True, "balance_fill": False},
        "pricing": {
            "type": "dynamic",
            "maximum_cpi": {"value": "4.0000", "currency_code": "USD"},
            "minimum_cpi": {"value": "2.0000", "currency_code": "USD"},
        },
        "pacing": {"type": "adaptive", "increment_interval": "PT30M"},
    }
    assert body["exclusion"] == {
        "enabled": True,
        "list": [{"entity_type": "target_group", "entity_ids": ["01HQ8Z6V3K2J9X4M5N6P7Q8R9S"]}],
    }
    assert body["supply_allocations"] == [
        {"type": "group", "name": "Panel A", "percentage_max": 60, "percentage_min": 0, "suppliers": [{"id": 980}]},
        {"type": "exchange", "percentage_max": 100, "percentage_min": 0},
    ]
    assert body["fielding_specification"]["start_at"].endswith("Z")
