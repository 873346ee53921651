"""A launched target group's details (name, manager, LOI, IR, lock-out, CPI note, links): checked
next to the fields, re-read before sending (the supplier keeps no version of them), so what
changed at the supplier since the page was drawn is kept, or the change stops if both changed."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from fielding.models import AccountUser
from fielding.tests.cint_launched import OTHER_MANAGER, LaunchedTarget, launched_tg
from sync.models import RemoteChange

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
LIVE = "https://survey.example.com/s?RID=[%RID%]"
TEST = "https://survey.example.com/t?RID=[%RID%]"
DRAWN = {
    "name": "US gen pop",
    "project_manager_id": "6f1c2d3e-0000-4000-8000-000000000001",
    "expected_length_of_interview_minutes": "10",
    "expected_incidence_rate": "50",
    "industry_lockout_code": "no_lockout",
    "client_cpi": "",
    "live_url": LIVE,
    "test_url": TEST,
}


@pytest.fixture
def tg(project, directory):
    now = timezone.now()
    AccountUser.objects.create(connection=project.connection, remote_id=OTHER_MANAGER, name="Sam Other", fetched_at=now)
    return launched_tg(project)


@pytest.fixture
def supplier(wire, tg):
    return LaunchedTarget(wire, tg)


def form_data(**changes):
    """What the form posts: the values as drawn in hidden inputs, and the PM's in the fields."""
    data = {f"initial-details-{name}": value for name, value in DRAWN.items()}
    data.update({f"details-{name}": value for name, value in DRAWN.items()})
    data.update({f"details-{name}": value for name, value in changes.items()})
    return data


def post(client, tg, data, htmx=True):
    return client.post(reverse("fielding:change_details", args=[tg.pk]), data, headers=HTMX if htmx else {})


def error_of(html, field):
    block = html[html.index(f'id="field-details-{field}"') :]
    return block[: block.index("</div>")]


def test_the_form_shows_the_details_with_the_values_drawn_kept_aside(pm_client, tg, supplier):
    html = pm_client.get(reverse("fielding:details", args=[tg.pk]), headers=HTMX).content.decode()

    assert 'id="details-form"' in html
    assert 'name="details-name" value="US gen pop"' in html
    assert 'type="hidden" name="initial-details-name" value="US gen pop"' in html
    assert 'name="details-expected_incidence_rate" value="50"' in html
    assert '<option value="6f1c2d3e-0000-4000-8000-000000000002">Sam Other</option>' in html
    assert supplier.writes == []  # the panel needs nothing from the supplier


def test_only_what_the_pm_changed_is_sent_after_reading_the_supplier_again(pm_client, tg, supplier, act):
    act(post, pm_client, tg, form_data(name="US gen pop, wave 2", expected_incidence_rate="35"))

    change = RemoteChange.objects.get()
    assert change.state == "applied" and change.message == ""
    assert change.summary == "Change the name, expected incidence rate of “US gen pop”"
    methods = [(c.request.method, c.request.url.rsplit("/", 1)[-1]) for c in supplier.wire.calls[1:]]
    assert methods == [("GET", "details"), ("PUT", "details")]  # re-read, then sent
    (_, _, body) = supplier.writes[0]
    assert body == {
        "name": "US gen pop, wave 2",
        "project_manager_id": "6f1c2d3e-0000-4000-8000-000000000001",
        "expected_length_of_interview_minutes": 10,
        "expected_incidence_rate": 0.35,
        "industry_lockout_code": "no_lockout",
        "live_url": LIVE,
        "test_url": TEST,
    }
    tg.refresh_from_db()
    assert (tg.name, tg.expected_incidence_rate) == ("US gen pop, wave 2", Decimal("0.35"))


def test_a_value_changed_at_the_supplier_since_the_page_was_drawn_is_kept_and_said(pm_client, tg, supplier, act):
    supplier.details["test_url"] = "https://survey.example.com/t2?RID=[%RID%]"  # changed in the supplier's site

    act(post, pm_client, tg, form_data(name="US gen pop, wave 2"))

    change = RemoteChange.objects.get()
    assert change.state == "applied"
    assert "the supplier's test link (now “https://survey.example.com/t2?RID=[%RID%]”) had changed" in change.message
    assert "only your changes were sent" in change.message
    body = supplier.writes[0][2]
    assert body["name"] == "US gen pop, wave 2" and body["test_url"] == "https://survey.example.com/t2?RID=[%RID%]"


def test_a_value_both_the_pm_and_the_supplier_changed_stops_the_change(pm_client, tg, supplier, act):
    supplier.details["live_url"] = "https://other.example.com/s?RID=[%RID%]"

    act(post, pm_client, tg, form_data(live_url="https://survey.example.com/s2?RID=[%RID%]"))

    change = RemoteChange.objects.get()
    assert change.state == "conflict"
    assert (
        "the supplier's live link (now “https://other.example.com/s?RID=[%RID%]”) changed, and you changed it too"
        in change.message
    )
    assert supplier.writes == []
    tg.refresh_from_db()
    assert tg.live_url == "https://other.example.com/s?RID=[%RID%]"  # the supplier's value is shown


def test_details_the_supplier_already_has_are_not_sent(pm_client, tg, supplier, act):
    supplier.details["name"] = "Renamed"

    act(post, pm_client, tg, form_data(name="Renamed"))

    change = RemoteChange.objects.get()
    assert change.state == "applied" and "already had these details" in change.message
    assert supplier.writes == []


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"live_url": "https://survey.example.com/s"}, "live_url", "Add [%RID%] to the link"),
        ({"test_url": "http://survey.example.com/t?RID=[%RID%]"}, "test_url", "only accepts secure links"),
        ({"name": ""}, "name", "This field is required."),
        (
            {"expected_length_of_interview_minutes": "60"},
            "expected_length_of_interview_minutes",
            "less than or equal to 45",
        ),
        ({"expected_incidence_rate": "120"}, "expected_incidence_rate", "less than or equal to 100"),
        ({"project_manager_id": "somebody"}, "project_manager_id", "Select a valid choice"),
        ({"client_cpi": "abc"}, "client_cpi", "Enter a number."),
    ],
)
def test_bad_details_are_refused_next_to_the_field_and_nothing_is_sent(pm_client, tg, supplier, changes, field, words):
    html = post(pm_client, tg, form_data(**changes)).content.decode()

    assert words in error_of(html, field)
    value = changes[field]
    if value and field != "project_manager_id":
        assert f'value="{value}"' in error_of(html, field)  # the input is kept
    assert not RemoteChange.objects.exists() and supplier.writes == []
    plain = post(pm_client, tg, form_data(**changes), htmx=False)
    assert plain.status_code == 400 and words in plain.content.decode()


def test_unchanged_details_send_nothing(pm_client, tg, supplier):
    html = post(pm_client, tg, form_data()).content.decode()

    assert "The details are unchanged." in html
    assert not RemoteChange.objects.exists() and supplier.wire.calls[1:] == []


def test_viewers_cannot_change_details(viewer_client, tg, supplier):
    html = viewer_client.get(reverse("fielding:details", args=[tg.pk]), headers=HTMX).content.decode()
    assert 'id="details-form"' not in html and "US gen pop" in html

    assert post(viewer_client, tg, form_data(name="Mine now")).status_code == 403
    assert not RemoteChange.objects.exists() and supplier.writes == []


def test_a_rate_card_target_group_has_no_cpi_note(pm_client, project, directory, wire):
    tg = launched_tg(project, pricing_model="rate_card")
    LaunchedTarget(wire, tg, pricing_model="ratecard")

    html = pm_client.get(reverse("fielding:details", args=[tg.pk]), headers=HTMX).content.decode()

    assert 'id="details-form"' in html and "details-client_cpi" not in html


def test_study_type_industry_and_lockout_are_named_not_coded(pm_client, viewer, tg, supplier):
    tg.study_type_code, tg.industry_code, tg.industry_lockout_code = "diary", "politics", "past_30_days"
    tg.save()
    html = pm_client.get(reverse("fielding:settings", args=[tg.pk])).content.decode()
    fixed = html[html.index('id="fixed-details"') :]
    assert "<dd>Diary</dd>" in fixed and "<dd>Politics</dd>" in fixed
    assert '<option value="past_30_days" selected>Past 30 days</option>' in error_of(html, "industry_lockout_code")
    pm_client.force_login(viewer)
    shown = pm_client.get(reverse("fielding:details", args=[tg.pk]), headers=HTMX).content.decode()
    assert "<dd>Past 30 days</dd>" in shown and "past_30_days" not in shown
