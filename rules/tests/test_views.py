"""The rules section and a connection's rules page: set up, switched on ready-made, edited, switched off and
deleted by PMs; bad input next to its field with what was typed; viewers change nothing."""

import pytest
from django.urls import reverse

from projects.tests.factories import ConnectionFactory
from rules.models import Rule

from .helpers import purespectrum_tg, rule_on

pytestmark = pytest.mark.django_db

GOOD = {"name": "No starts in 24 h", "condition": "starts", "hours": "24", "fire_at": "1", "clear_at": "5",
        "action": "pause"}  # fmt: skip


@pytest.fixture
def tg():
    return purespectrum_tg(name="Brand tracker")


def test_a_pm_sets_up_a_rule_and_reads_its_hysteresis(tg, pm_client, pm):
    response = pm_client.post(reverse("rules:create", args=[tg.pk]), GOOD, HTTP_HX_REQUEST="true")

    rule = Rule.objects.get()
    assert (rule.target_group, rule.created_by, rule.hours, rule.action) == (tg, pm, 24, "pause")
    assert "fires below 1 start in 24 h, re-arms at 5 or more" in response.content.decode()


def test_a_clear_threshold_on_the_wrong_side_is_said_next_to_it_and_the_input_is_kept(tg, pm_client):
    response = pm_client.post(reverse("rules:create", args=[tg.pk]), {**GOOD, "clear_at": "0"})

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_clear_at_error"' in html and "it can re-arm only at 1 or more" in html
    assert 'value="No starts in 24 h"' in html and 'value="0"' in html
    assert not Rule.objects.exists()


def test_a_count_without_its_window_and_a_quota_action_without_a_quota_are_refused(tg, pm_client):
    data = {**GOOD, "hours": "", "action": "close_quota"}

    html = pm_client.post(reverse("rules:create", args=[tg.pk]), data, HTTP_HX_REQUEST="true").content.decode()

    assert 'id="id_hours_error"' in html and 'id="id_action_error"' in html
    assert not Rule.objects.exists()


def test_a_ready_made_rule_is_switched_on_with_one_click(tg, pm_client):
    response = pm_client.post(reverse("rules:preset", args=[tg.pk]), {"preset": "paused_10_days"}, follow=True)

    assert response.redirect_chain == [(reverse("quotas:section", args=[tg.pk, "rules"]), 302)]
    assert "Switched on: ‘Paused for 10 days: close’, fires above 10 days paused, re-arms at 0 or less." in (
        response.content.decode()
    )

    rule = Rule.objects.get()
    assert (rule.condition, rule.action, rule.fire_at, rule.preset) == ("paused_days", "complete", 10, "paused_10_days")


def test_the_maximum_cpi_rule_asks_for_its_maximum(tg, pm_client):
    response = pm_client.post(reverse("rules:preset", args=[tg.pk]), {"preset": "max_cpi", "threshold": ""})
    assert response.status_code == 400 and "Give the maximum CPI." in response.content.decode()

    pm_client.post(reverse("rules:preset", args=[tg.pk]), {"preset": "max_cpi", "threshold": "4.25"})
    assert str(Rule.objects.get().fire_at) == "4.25"


def test_a_rule_is_edited_switched_off_and_deleted(tg, pm_client, pm):
    rule = rule_on(tg, pm, **GOOD)

    pm_client.post(reverse("rules:edit", args=[rule.pk]), {**GOOD, "fire_at": "2", "clear_at": "6"})
    rule.refresh_from_db()
    assert (rule.fire_at, rule.clear_at) == (2, 6)
    pm_client.post(reverse("rules:switch", args=[rule.pk]))
    rule.refresh_from_db()
    assert rule.enabled is False
    pm_client.post(reverse("rules:delete", args=[rule.pk]))
    assert not Rule.objects.exists()


def test_a_connection_rule_is_set_up_on_its_page_and_listed_on_each_target_group(tg, pm_client):
    connection = tg.project.connection
    pm_client.post(reverse("rules:connection_create", args=[connection.pk]), GOOD)

    rule = Rule.objects.get()
    assert rule.connection == connection and rule.target_group is None
    page = pm_client.get(reverse("rules:connection", args=[connection.pk])).content.decode()
    assert "No starts in 24 h" in page
    section = pm_client.get(reverse("rules:list", args=[tg.pk])).content.decode()
    assert "every target group of" in section


def test_a_viewer_sees_the_rules_and_changes_nothing(tg, viewer_client, pm):
    rule = rule_on(tg, pm, **GOOD)

    assert "No starts in 24 h" in viewer_client.get(reverse("rules:list", args=[tg.pk])).content.decode()
    for url, data in (
        (reverse("rules:create", args=[tg.pk]), GOOD),
        (reverse("rules:preset", args=[tg.pk]), {"preset": "no_starts_24h"}),
        (reverse("rules:edit", args=[rule.pk]), {**GOOD, "fire_at": "9", "clear_at": "9"}),
        (reverse("rules:switch", args=[rule.pk]), {}),
        (reverse("rules:delete", args=[rule.pk]), {}),
    ):
        assert viewer_client.post(url, data).status_code == 403
    rule.refresh_from_db()
    assert (Rule.objects.count(), rule.enabled, rule.fire_at) == (1, True, 1)


def test_unknown_rules_and_connections_are_404_with_the_layout(pm_client):
    ConnectionFactory()
    for url in (reverse("rules:edit", args=[999]), reverse("rules:connection", args=[999]),
                reverse("rules:list", args=[999])):  # fmt: skip
        response = pm_client.get(url)
        assert response.status_code == 404 and 'class="topbar"' in response.content.decode()
