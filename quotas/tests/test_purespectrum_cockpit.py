"""The cockpit page of a PureSpectrum survey: quotas in words with quantity, current target, achieved,
remaining, open and locked; the quantity, current target and CPI forms checked next to their fields;
"Stop traffic" as one confirmed click; each change recorded pending in the outbox."""

import pytest
from django.urls import reverse

from projects.models import SupplierKind
from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from quotas.tests.factories import InterlockCellFactory, InterlockedProfileFactory, ProfileFactory, QuotaFactory
from sync.models import RemoteChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    connection = ConnectionFactory(kind=SupplierKind.PURESPECTRUM, account_id="sandbox", label="PureSpectrum")
    details = {"field_time_days": 14, "qualifications": [{"code": 211, "words": "Gender: Male or Female"}]}
    return TargetGroupFactory(
        project__connection=connection, project__remote_id="surveys", remote_id="7654", filling_goal=200,
        version="", details=details,
    )  # fmt: skip


@pytest.fixture
def female(survey):
    profile = ProfileFactory(target_group=survey, remote_id="211", question_id=211, name="Gender")
    extra = {"criteria": "Gender: Female", "achieved": 37, "remaining": 63, "currently_open": 43, "locked": False}
    return QuotaFactory(
        profile=profile,
        remote_id="female",
        text="Female",
        completes_goal=100,
        completes=37,
        traffic_cap=80,
        extra=extra,
    )


def page(client, survey):
    return client.get(survey.get_absolute_url()).content.decode()


def cap_url(survey, quota, kind="quota"):
    return reverse(f"quotas:{kind}_traffic_cap", args=[survey.pk, quota.pk])


def test_a_quota_shows_its_criteria_in_words_and_purespectrums_counts(pm_client, survey, female):
    html = page(pm_client, survey)

    assert "Gender: Female" in html and "211: 112" not in html
    for shown in ('value="100"', 'value="80"', ">37<", ">63<", ">43<", "Field time", "14 days"):
        assert shown in html, shown
    assert "Gender: Male or Female" in html  # the survey's qualifications
    assert f'id="stop-quota-{female.pk}"' in html
    assert "Its current target becomes 37, what it has already achieved" in html


def test_a_locked_quota_says_so(pm_client, survey, female):
    female.extra = {**female.extra, "locked": True, "currently_open": 0}
    female.save()

    assert "Locked" in page(pm_client, survey)


def test_a_viewer_sees_the_numbers_but_no_form(viewer_client, survey, female):
    html = page(viewer_client, survey)

    assert "Gender: Female" in html and "Stop traffic" not in html and 'name="traffic_cap"' not in html


def test_a_lower_current_target_is_recorded_pending_and_shown_at_once(pm_client, survey, female):
    response = pm_client.post(cap_url(survey, female), {"traffic_cap": "50"}, headers={"HX-Request": "true"})

    change = RemoteChange.objects.get()
    assert (change.kind, change.payload) == (
        "set_traffic_cap",
        {"quota_id": "female", "traffic_cap": 50, "stop": False},
    )
    assert change.state == "pending"
    female.refresh_from_db()
    assert female.traffic_cap == 50
    assert (
        "Pending" in response.content.decode()
        and "Set the current target of “Female” to 50" in response.content.decode()
    )


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("101", "The current target cannot be above the quota&#x27;s quantity (100); raise the quantity first."),
        ("-1", "A current target cannot be negative."),
        ("4.5", "Enter a whole number, such as 40."),
        ("", "Give the current target (0 or more)."),
    ],
)
def test_a_bad_current_target_is_refused_next_to_the_field_with_the_input_kept(pm_client, survey, female, value, error):
    response = pm_client.post(cap_url(survey, female), {"traffic_cap": value}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert error in html
    assert f'id="target-quota-{female.pk}-error"' in html
    assert f'value="{value}"' in html
    assert not RemoteChange.objects.exists()


def test_stop_traffic_sets_the_current_target_to_what_is_achieved(pm_client, survey, female):
    pm_client.post(cap_url(survey, female), {"stop": "1"}, headers={"HX-Request": "true"})

    change = RemoteChange.objects.get()
    assert change.payload == {"quota_id": "female", "traffic_cap": 37, "stop": True}
    assert change.summary == "Stop traffic to “Female” (current target 37, what it has achieved)"


def test_a_new_quantity_goes_out_as_a_quota_goal(pm_client, survey, female):
    url = reverse("quotas:quota_quantity", args=[survey.pk, female.pk])

    pm_client.post(url, {"required_count": "120", "confirm": "yes"}, headers={"HX-Request": "true"})  # 120 of 200

    change = RemoteChange.objects.get()
    assert (change.kind, change.payload) == ("set_quota_goals", {"goals": {"female": 120}})


def test_a_quantity_above_the_survey_goal_is_refused_with_the_input_kept(pm_client, survey, female):
    url = reverse("quotas:quota_quantity", args=[survey.pk, female.pk])

    html = pm_client.post(url, {"required_count": "250"}, headers={"HX-Request": "true"}).content.decode()

    assert "A quota&#x27;s quantity cannot be above the survey&#x27;s completes goal (200)." in html
    assert 'value="250"' in html and not RemoteChange.objects.exists()


def test_nested_cells_have_the_same_forms(pm_client, survey):
    interlock = InterlockedProfileFactory(target_group=survey, remote_id="nested-211-212", name="Gender × Age")
    extra = {"criteria": "Gender: Female, Age: 18–34"}
    cell = InterlockCellFactory(
        interlocked_profile=interlock, remote_id="f-18", text="Female, 18–34", completes_goal=40, traffic_cap=40,
        extra=extra,
    )

    assert "Gender: Female, Age: 18–34" in page(pm_client, survey)
    pm_client.post(cap_url(survey, cell, "cell"), {"traffic_cap": "30"}, headers={"HX-Request": "true"})

    assert RemoteChange.objects.get().payload["quota_id"] == "f-18"


def test_the_cpi_changes_through_the_outbox_and_refuses_a_bad_amount(pm_client, survey):
    url = reverse("quotas:cpi", args=[survey.pk])

    bad = pm_client.post(url, {"cpi": "0"}, headers={"HX-Request": "true"}).content.decode()
    pm_client.post(url, {"cpi": "3.10"}, headers={"HX-Request": "true"})

    assert "The CPI must be at least 0.01." in bad and 'value="0"' in bad
    change = RemoteChange.objects.get()
    assert (change.kind, change.payload, change.summary) == ("set_cpi", {"cpi": "3.10"}, "Set the CPI to 3.10")


def test_a_cint_target_group_offers_no_current_target(pm_client):
    tg = TargetGroupFactory()
    quota = QuotaFactory(profile=ProfileFactory(target_group=tg))

    response = pm_client.post(cap_url(tg, quota), {"traffic_cap": "5"}, follow=True)

    assert "Cint Exchange does not take this change; nothing was sent." in response.content.decode()
    assert not RemoteChange.objects.exists()
    assert 'name="traffic_cap"' not in page(pm_client, tg)


def test_a_closed_survey_offers_no_change_and_refuses_one(pm_client, survey, female):
    survey.status = "closed"
    survey.save()

    html = page(pm_client, survey)
    response = pm_client.post(cap_url(survey, female), {"traffic_cap": "5"}, follow=True)

    assert 'name="traffic_cap"' not in html and 'id="cpi-form"' not in html and 'id="filling-goal-form"' not in html
    assert "A closed survey cannot be changed any more; nothing was sent." in response.content.decode()
    assert not RemoteChange.objects.exists()
