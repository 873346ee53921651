"""Trying a rule on the recorded history: the moments it would have fired, one per episode, from a history
built by the history recorder as the beat builds it."""

import pytest
from django.urls import reverse

from rules.forms import RuleForm
from rules.models import Rule
from rules.trying import try_on_history

from .helpers import counts_at, purespectrum_tg, utc

pytestmark = pytest.mark.django_db


@pytest.fixture
def tg():
    """10 completes at midnight on Monday 1 June, 2 more at 10:00, none after."""
    tg = purespectrum_tg(name="Quiet survey")
    counts_at(tg, utc(2026, 6, 1, 0, 0), completes=10)
    counts_at(tg, utc(2026, 6, 1, 10, 0), completes=12)
    return tg


def unsaved(**data):
    form = RuleForm({"name": "No completes in 6 h", "action": "notify", **data})
    assert form.is_valid(), form.errors
    return form.save(commit=False)


def test_it_would_have_fired_six_hours_after_each_last_complete_once_per_episode(tg):
    rule = unsaved(condition="completes", hours="6", fire_at="1", clear_at="1")

    tried = try_on_history(rule, tg, now=utc(2026, 6, 2, 0, 0))

    # 06:00: none since midnight (the history begins then); 10:00: two came, it clears; 16:00: none again.
    assert [f.at for f in tried.firings] == [utc(2026, 6, 1, 6, 0), utc(2026, 6, 1, 16, 0)]
    assert tried.words == "Would have fired at Mon 06:00 and Mon 16:00 in the last 3 days."


def test_a_clear_threshold_above_what_came_keeps_one_episode(tg):
    rule = unsaved(condition="completes", hours="6", fire_at="1", clear_at="5")

    tried = try_on_history(rule, tg, now=utc(2026, 6, 2, 0, 0))

    assert [f.at for f in tried.firings] == [utc(2026, 6, 1, 6, 0)]  # 2 completes never re-arm it


def test_a_figure_the_history_does_not_keep_says_so(tg):
    tried = try_on_history(unsaved(condition="cpi", fire_at="3"), tg, now=utc(2026, 6, 2))

    assert tried.firings == [] and "“CPI” is not in the recorded history" in tried.words


def test_the_form_tries_the_rule_and_saves_nothing(tg, pm_client):
    data = {"name": "No completes", "condition": "completes", "hours": "6", "fire_at": "1", "action": "notify"}

    response = pm_client.post(reverse("rules:create", args=[tg.pk]), {**data, "try": "1"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200 and 'id="tried"' in html
    assert "Would have fired at" in html or "Would not have fired" in html
    assert 'value="No completes"' in html  # what was typed comes back
    assert not Rule.objects.exists()
