"""A rule fires once per episode: a figure that crosses the fire threshold, wobbles between the two thresholds
and crosses back fires once, and fires again only after it has cleared the other threshold."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import Notification
from rules.firing import evaluate_all
from rules.models import RuleEpisode
from sync.models import RemoteChange

from .helpers import counts_at, purespectrum_tg, rule_on, set_cpi, utc

pytestmark = pytest.mark.django_db


@pytest.fixture
def reachable_pm(pm):
    pm.email = "pat@example.com"
    pm.save()
    return pm


def test_a_flapping_cpi_fires_once_per_episode_and_again_after_it_cleared(
    reachable_pm, django_capture_on_commit_callbacks
):
    tg = purespectrum_tg(name="Brand tracker", cpi="3.20")
    rule = rule_on(tg, reachable_pm, name="CPI too high", condition="cpi", fire_at="3.50", clear_at="3.00")
    start = utc(2026, 6, 1, 9, 0)
    fired = []
    for minute, cpi in enumerate(["3.20", "3.80", "3.40", "3.70", "3.30", "3.60", "2.90", "3.45", "3.60"]):
        set_cpi(tg, cpi)
        with django_capture_on_commit_callbacks(execute=True):
            fired.append(evaluate_all(now=start + dt.timedelta(minutes=minute)))

    # 3.80 fires; 3.40 / 3.70 / 3.30 / 3.60 wobble inside the episode; 2.90 clears; 3.60 fires again.
    assert fired == [0, 1, 0, 0, 0, 0, 0, 0, 1]
    first, second = RuleEpisode.objects.filter(rule=rule).order_by("opened_at")
    assert (str(first.figure), str(first.threshold), first.opened_at) == ("3.80", "3.50", utc(2026, 6, 1, 9, 1))
    assert (first.cleared_at, str(first.clear_figure)) == (utc(2026, 6, 1, 9, 6), "2.90")
    assert (str(second.figure), second.cleared_at) == ("3.60", None)
    told = Notification.objects.filter(user=reachable_pm, kind="rule_fired").order_by("created_at")
    assert told.count() == 2
    assert "Rule ‘CPI too high’ fired on “Brand tracker”" in told[0].text
    assert "3.8 CPI > 3.5" in told[0].text
    assert len(mail.outbox) == 2 and "CPI too high" in mail.outbox[0].body
    assert rule.hysteresis == "fires above 3.5 CPI, re-arms at 3 or less"


def test_the_hysteresis_and_the_episodes_are_shown_on_the_target_groups_page(pm_client, pm):
    tg = purespectrum_tg(current_prescreens=0)
    rule_on(tg, pm, name="No starts in 24 h", condition="starts", hours=24, fire_at=1, clear_at=5)
    counts_at(tg, utc(2026, 6, 1, 9, 0), starts=0)
    evaluate_all(now=utc(2026, 6, 2, 9, 30))

    html = pm_client.get(reverse("quotas:section", args=[tg.pk, "rules"])).content.decode()

    assert "fires below 1 start in 24 h, re-arms at 5 or more" in html
    assert "Tue 2 Jun 09:30: 0 starts in 24 h &lt; 1" in html and "open" in html


def test_a_windowed_count_stays_fired_between_the_thresholds_and_clears_at_the_clear_one(pm):
    tg = purespectrum_tg(current_prescreens=100)
    rule = rule_on(tg, pm, name="No starts", condition="starts", hours=24, fire_at=1, clear_at=5, action="pause")
    counts_at(tg, utc(2026, 6, 1, 9, 0), starts=100)

    assert evaluate_all(now=utc(2026, 6, 2, 9, 1)) == 1  # 0 starts in the last 24 h
    counts_at(tg, utc(2026, 6, 2, 10, 0), starts=103)  # 3 starts: between the thresholds
    assert evaluate_all(now=utc(2026, 6, 2, 10, 1)) == 0
    assert RuleEpisode.objects.get(rule=rule).cleared_at is None
    counts_at(tg, utc(2026, 6, 2, 11, 0), starts=106)  # 6: cleared
    evaluate_all(now=utc(2026, 6, 2, 11, 1))
    assert RuleEpisode.objects.get(rule=rule).cleared_at == utc(2026, 6, 2, 11, 1)
    # One pause asked, audited as the rule's.
    (change,) = RemoteChange.objects.filter(target_group=tg)
    assert change.kind == "change_status" and change.requested_by == pm
    assert "by rule ‘No starts’ at 09:01: 0 starts in 24 h < 1" in change.summary


def test_a_switched_off_rule_does_not_fire(pm):
    tg = purespectrum_tg(cpi="9.00")
    rule = rule_on(tg, pm, name="CPI", condition="cpi", fire_at="3.50")
    rule.enabled = False
    rule.save()

    assert evaluate_all(now=utc(2026, 6, 1, 9, 0)) == 0
    assert not RuleEpisode.objects.exists()
