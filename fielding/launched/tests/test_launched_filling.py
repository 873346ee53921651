"""The filling strategy and the Fielding Assistant of a live target group: read from the supplier,
checked like the draft editor checks them, sent through the outbox (the assignment with its ETag)."""

import pytest
from django.urls import reverse

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
    return client.get(reverse("fielding:filling", args=[tg.pk]), headers=HTMX).content.decode()


def form_data(**changes):
    data = {
        "filling-filling_strategy": "completes",
        "filling-prevent_overfill": "on",
        "filling-total_budget": "",
        "filling-maximum_cpi": "",
        "filling-minimum_cpi": "",
        "filling-pacing_type": "",
        "filling-pacing_interval": "",
    }
    data.update({f"filling-{name}": value for name, value in changes.items()})
    return {key: value for key, value in data.items() if value is not None}


def post(client, tg, data, htmx=True):
    return client.post(reverse("fielding:change_filling", args=[tg.pk]), data, headers=HTMX if htmx else {})


def error_of(html, field):
    block = html[html.index(f'id="field-filling-{field}"') :]
    return block[: block.index("</div>")]


def test_the_panel_reads_the_fielding_assistant_from_the_supplier(pm_client, tg, supplier):
    supplier.assignment = {"quota_overlay": {"prevent_overfill": False, "balance_fill": True}}

    html = panel(pm_client, tg)

    assert 'id="filling-form"' in html
    assert 'name="filling-balance_fill" id="id_filling-balance_fill" checked' in html
    assert 'name="filling-prevent_overfill" id="id_filling-prevent_overfill" checked' not in html
    assert '<option value="completes" selected>' in html
    tg.refresh_from_db()
    assert tg.details["fielding_assistant_etag"] == 'W/"1"'


def test_a_new_filling_strategy_is_sent_alone(pm_client, tg, supplier, act):
    panel(pm_client, tg)

    act(post, pm_client, tg, form_data(filling_strategy="prescreens"))

    change = RemoteChange.objects.get()
    assert (change.kind, change.state) == ("set_filling_strategy", "applied")
    assert supplier.writes == [("PUT", "/filling-strategy", {"filling_strategy": "prescreens"})]
    tg.refresh_from_db()
    assert tg.details["filling_strategy"] == "prescreens"
    assert '<option value="prescreens" selected>' in panel(pm_client, tg)


def test_fielding_assistant_settings_are_sent_whole_with_the_etag_and_the_soft_launch_kept(
    pm_client, tg, supplier, act
):
    soft_launch = {
        "end_at": "2030-01-01T00:00:00.000Z",
        "filling_goal_percentage": 10,
        "demographics_strictness_percentage": 50,
    }
    supplier.assignment = {
        "quota_overlay": {"prevent_overfill": True, "balance_fill": False},
        "soft_launch": soft_launch,
    }
    panel(pm_client, tg)

    data = form_data(
        balance_fill="on", optimize_cpi="on", maximum_cpi="4", pacing_type="linear", pacing_interval="PT12H"
    )
    act(post, pm_client, tg, data)

    change = RemoteChange.objects.get()
    assert (change.kind, change.state) == ("set_fielding_assistant", "applied")
    (call,) = [c for c in supplier.wire.calls if c.request.method == "PUT"]
    assert call.request.headers["If-Match"] == 'W/"1"'
    assert supplier.assignment == {
        "quota_overlay": {"prevent_overfill": True, "balance_fill": True},
        "pricing": {"type": "dynamic", "maximum_cpi": {"value": "4.0000", "currency_code": "USD"}},
        "pacing": {"type": "linear", "increment_interval": "PT12H"},
        "soft_launch": soft_launch,
    }
    tg.refresh_from_db()
    assert tg.details["fielding_assistant_etag"] == 'W/"2"'


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"optimize_cpi": "on", "total_budget": "900", "maximum_cpi": "4"}, "total_budget", "not both"),
        ({"optimize_cpi": "on", "total_budget": "900", "maximum_cpi": "4"}, "maximum_cpi", "not both"),
        ({"optimize_cpi": "on"}, "total_budget", "needs a total budget or a maximum CPI"),
        ({"maximum_cpi": "4"}, "optimize_cpi", "Tick this to use the budget"),
        ({"optimize_cpi": "on", "maximum_cpi": "4", "minimum_cpi": "5"}, "minimum_cpi", "lower than the maximum"),
        ({"pacing_type": "linear", "pacing_interval": "PT1.5H"}, "pacing_interval", "Decimals are not allowed"),
        ({"pacing_type": "adaptive", "pacing_interval": "P30M"}, "pacing_interval", "Put T before hours"),
        ({"pacing_type": "linear", "pacing_interval": "P400D"}, "pacing_interval", "shorter than 398 days"),
        ({"pacing_type": "linear"}, "pacing_interval", "Pacing needs an increment interval"),
        ({"pacing_interval": "P1D"}, "pacing_type", "Choose linear or adaptive pacing"),
        ({"filling_strategy": "everything"}, "filling_strategy", "Select a valid choice"),
    ],
)
def test_bad_settings_are_refused_next_to_the_field_and_nothing_is_sent(pm_client, tg, supplier, changes, field, words):
    panel(pm_client, tg)

    html = post(pm_client, tg, form_data(**changes)).content.decode()

    assert words in error_of(html, field)
    for name, value in changes.items():
        if name not in ("optimize_cpi", "filling_strategy", "pacing_type"):
            assert f'value="{value}"' in error_of(html, name)  # the input is kept
    assert not RemoteChange.objects.exists() and supplier.writes == []
    plain = post(pm_client, tg, form_data(**changes), htmx=False)
    assert plain.status_code == 400 and words in plain.content.decode()


def test_unchanged_settings_send_nothing(pm_client, tg, supplier):
    panel(pm_client, tg)

    html = post(pm_client, tg, form_data()).content.decode()

    assert "are unchanged" in html
    assert not RemoteChange.objects.exists() and supplier.writes == []


def test_viewers_see_the_settings_but_cannot_change_them(viewer_client, tg, supplier):
    html = panel(viewer_client, tg)
    assert 'id="filling-form"' not in html and "Prevent overfilling" in html

    assert post(viewer_client, tg, form_data(filling_strategy="prescreens")).status_code == 403
    assert not RemoteChange.objects.exists() and supplier.writes == []


def test_after_a_412_the_assignment_is_read_again_and_sent_once_more_with_the_new_etag(pm_client, tg, supplier, act):
    panel(pm_client, tg)
    supplier.version = 5  # changed at the supplier since the panel was drawn

    act(post, pm_client, tg, form_data(balance_fill="on"))

    change = RemoteChange.objects.get()
    assert change.state == "applied"
    puts = [c.request.headers["If-Match"] for c in supplier.wire.calls if c.request.method == "PUT"]
    assert puts == ['W/"1"', 'W/"5"']
    assert supplier.assignment["quota_overlay"]["balance_fill"] is True


def test_a_lost_answer_is_read_back_and_the_assignment_is_not_sent_twice(pm_client, tg, supplier, act):
    panel(pm_client, tg)
    supplier.lose_next.add("/fielding-assistant-assignment")

    act(post, pm_client, tg, form_data(balance_fill="on"))

    change = RemoteChange.objects.get()
    assert change.state == "applied" and "already had these Fielding Assistant settings" in change.message
    assert [w[:2] for w in supplier.writes] == [("PUT", "/fielding-assistant-assignment")]


def test_settings_that_could_not_be_read_are_not_overwritten(pm_client, tg, supplier, act):
    supplier.fail_reads.add("/fielding-assistant-assignment")
    html = panel(pm_client, tg)

    assert "could not be read from the supplier" in html and 'id="assistant-unknown"' in html
    assert "filling-prevent_overfill" not in html

    act(post, pm_client, tg, form_data(filling_strategy="prescreens", balance_fill="on"))

    assert [w[:2] for w in supplier.writes] == [("PUT", "/filling-strategy")]  # the assignment is left alone


def test_without_javascript_the_settings_are_on_a_page_of_their_own(pm_client, tg, supplier):
    html = pm_client.get(reverse("fielding:settings", args=[tg.pk])).content.decode()

    for block in ('id="pricing-panel"', 'id="cpi-form"', 'id="filling-form"', 'id="details-form"'):
        assert block in html
    assert pm_client.get(reverse("fielding:filling", args=[tg.pk])).url == reverse("fielding:settings", args=[tg.pk])


def test_a_viewer_reads_the_pacing_in_words_not_as_a_duration_code(viewer_client, tg, supplier):
    supplier.assignment = {"pacing": {"type": "linear", "increment_interval": "PT12H"}}

    html = panel(viewer_client, tg)

    assert "Linear, one step every 12 hours" in html
    assert "PT12H" not in html
