"""The cockpit page of a PureSpectrum survey: quotas in words with quantity, current target, achieved,
remaining, open and locked; the quantity, current target and CPI fields checked next to them;
a row's lock as one confirmed click; each change recorded pending in the outbox. Quantities and
current targets are fields of the quota grid's edit mode (`quotas:grid`), saved as one change."""

import pytest
from django.urls import reverse

from projects.models import SupplierKind
from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from quotas.tests.factories import InterlockCellFactory, InterlockedProfileFactory, ProfileFactory, QuotaFactory
from sync.models import RemoteChange

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


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


def edit_mode(client, survey):
    return client.get(reverse("quotas:grid", args=[survey.pk]), **HTMX).content.decode()


def save(client, survey, data, **extra):
    """The grid's form posted with `data` ({field name: value}), as the edit mode sends it."""
    return client.post(reverse("quotas:grid", args=[survey.pk]), data, **(extra or HTMX))


def test_a_quota_shows_its_criteria_in_words_and_purespectrums_counts(pm_client, survey, female):
    html = page(pm_client, survey)

    assert "Gender: Female" in html and "211: 112" not in html
    cells = html.split(f'<tr id="quota-{female.pk}"', 1)[1].split("</tr>", 1)[0]
    for shown in (">100<", ">80<", ">37<", ">63<", ">43<"):  # quantity, current target, achieved, need, open now
        assert shown in cells, shown
    for shown in ("Field time", "14 days", "Gender: Male or Female"):  # the survey's details and qualifications
        assert shown in html, shown
    assert f'id="lock-quota-{female.pk}"' in html
    assert "Its current target becomes 37, what it has already achieved" in html
    edit = edit_mode(pm_client, survey)
    assert f'name="goal-quota-{female.pk}" id="goal-quota-{female.pk}" form="grid-form"' in edit
    assert 'value="100"' in edit and 'value="80"' in edit


def test_a_locked_quota_says_so(pm_client, survey, female):
    female.extra = {**female.extra, "locked": True, "currently_open": 0}
    female.save()

    html = page(pm_client, survey)

    assert "Locked" in html and f'id="lock-quota-{female.pk}"' not in html


def test_a_viewer_sees_the_numbers_but_no_form(viewer_client, survey, female):
    html = page(viewer_client, survey)

    assert "Gender: Female" in html and ">80<" in html
    assert 'id="grid-edit"' not in html and 'form="grid-form"' not in html
    assert f'id="lock-quota-{female.pk}"' not in html


def test_a_lower_current_target_is_recorded_pending_and_shown_at_once(pm_client, survey, female):
    response = save(pm_client, survey, {f"target-quota-{female.pk}": "50"})

    change = RemoteChange.objects.get()
    assert (change.kind, change.payload) == ("set_quota_figures", {"goals": {}, "targets": {"female": 50}})
    assert change.state == "pending"
    female.refresh_from_db()
    assert female.traffic_cap == 50
    html = response.content.decode()
    assert "Pending" in html and "Change 1 current target" in html
    assert html.split(f'<tr id="quota-{female.pk}"', 1)[1].split("</tr>", 1)[0].count(">50<") == 1


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
    response = save(pm_client, survey, {f"goal-quota-{female.pk}": "100", f"target-quota-{female.pk}": value})

    html = response.content.decode()
    assert f'id="target-quota-{female.pk}-error">{error}' in html
    assert f'name="target-quota-{female.pk}" id="target-quota-{female.pk}" form="grid-form"' in html
    assert f'value="{value}"' in html
    assert not RemoteChange.objects.exists()


def test_locking_a_quota_sets_its_current_target_to_what_is_achieved(pm_client, survey, female):
    pm_client.post(reverse("quotas:lock_row", args=[survey.pk]), {"row": f"quota-{female.pk}"}, **HTMX)

    change = RemoteChange.objects.get()
    assert change.payload == {"quota_id": "female", "traffic_cap": 37, "stop": True}
    assert change.summary == "Stop traffic to “Female” (current target 37, what it has achieved)"


def test_a_new_quantity_goes_out_as_a_quota_goal(pm_client, survey, female):
    save(pm_client, survey, {f"goal-quota-{female.pk}": "120", f"target-quota-{female.pk}": "80", "confirm": "yes"})

    change = RemoteChange.objects.get()
    assert (change.kind, change.payload) == ("set_quota_figures", {"goals": {"female": 120}, "targets": {}})


def test_a_quantity_above_the_survey_goal_is_refused_with_the_input_kept(pm_client, survey, female):
    html = save(pm_client, survey, {f"goal-quota-{female.pk}": "250"}).content.decode()

    assert (
        f'id="goal-quota-{female.pk}-error">A quota&#x27;s quantity cannot be above the survey&#x27;s completes '
        "goal (200)." in html
    )
    assert 'value="250"' in html and not RemoteChange.objects.exists()


def test_nested_cells_have_the_same_fields(pm_client, survey):
    interlock = InterlockedProfileFactory(target_group=survey, remote_id="nested-211-212", name="Gender × Age")
    extra = {"criteria": "Gender: Female, Age: 18–34"}
    cell = InterlockCellFactory(
        interlocked_profile=interlock, remote_id="f-18", text="Female, 18–34", completes_goal=40, traffic_cap=40,
        extra=extra,
    )  # fmt: skip

    assert "Gender: Female, Age: 18–34" in page(pm_client, survey)
    assert f'name="target-cell-{cell.pk}"' in edit_mode(pm_client, survey)
    save(pm_client, survey, {f"target-cell-{cell.pk}": "30"})

    assert RemoteChange.objects.get().payload == {"goals": {}, "targets": {"f-18": 30}}


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

    response = save(pm_client, tg, {f"target-quota-{quota.pk}": "5"}, follow=True)

    # A current target posted to Cint's grid has no field to land in: nothing is asked of the supplier.
    assert "Nothing to save" in response.content.decode()
    assert not RemoteChange.objects.exists()
    edit = edit_mode(pm_client, tg)
    assert f'name="goal-quota-{quota.pk}"' in edit and 'name="target-' not in edit


def test_a_closed_survey_offers_no_change_and_refuses_one(pm_client, survey, female):
    survey.status = "closed"
    survey.save()

    html = page(pm_client, survey)
    edit = pm_client.get(reverse("quotas:grid", args=[survey.pk]))
    response = save(pm_client, survey, {f"target-quota-{female.pk}": "5"}, follow=True)
    lock = pm_client.post(reverse("quotas:lock_row", args=[survey.pk]), {"row": f"quota-{female.pk}"})

    assert 'id="grid-edit"' not in html and f'id="lock-quota-{female.pk}"' not in html
    assert 'id="cpi-form"' not in html and 'id="filling-goal-form"' not in html
    for answer in (edit, response, lock):
        assert answer.status_code == 404
        assert "is closed: its quotas are shown, not changed." in answer.content.decode()
    assert not RemoteChange.objects.exists()
