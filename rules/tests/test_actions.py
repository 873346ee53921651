"""What a rule does when it fires, through the same services as a click: a survey paused for 10 days is closed
(PureSpectrum's own rule), a quota past its fill is closed as the quota monitor's lock closes it."""

from datetime import timedelta

import pytest

from projects.models import TargetGroup
from quotas.models import Profile, Quota
from rules.firing import evaluate_all
from rules.models import RuleEpisode
from rules.presets import PRESETS
from sync.models import RemoteChange

from .helpers import counts_at, purespectrum_tg, rule_on, utc

pytestmark = pytest.mark.django_db
NOW = utc(2026, 6, 1, 9, 0)


def test_a_survey_paused_for_ten_days_is_closed_once_and_the_episode_ends_when_it_is_live_again(pm):
    tg = purespectrum_tg(name="Parked survey", status=TargetGroup.Status.PAUSED)
    PRESETS["paused_10_days"].rule(target_group=tg, by=pm).save()

    assert evaluate_all(now=NOW) == 0  # the cockpit sees it paused from now
    assert evaluate_all(now=NOW + timedelta(days=10)) == 0  # 10 days: not more than 10 yet
    assert evaluate_all(now=NOW + timedelta(days=10, minutes=1)) == 1

    (change,) = RemoteChange.objects.filter(target_group=tg)
    assert (change.kind, change.payload["action"], change.payload["to_status"]) == ("change_status", "close", "closed")
    assert "by rule ‘Paused for 10 days: close’" in change.summary and "10 days paused > 10" in change.summary
    TargetGroup.objects.filter(pk=tg.pk).update(status=TargetGroup.Status.LIVE)
    evaluate_all(now=NOW + timedelta(days=11))
    assert RuleEpisode.objects.get().cleared_at == NOW + timedelta(days=11)


def test_a_quota_past_its_fill_is_closed_at_what_it_has_achieved(pm):
    tg = purespectrum_tg()
    profile = Profile.objects.create(target_group=tg, remote_id="PR-1", question_id=42, name="Gender")
    female = Quota.objects.create(profile=profile, remote_id="female", text="Female", completes_goal=100,
                                  completes=96, traffic_cap=100)  # fmt: skip
    Quota.objects.create(
        profile=profile, remote_id="male", text="Male", completes_goal=100, completes=50, traffic_cap=100
    )
    rule_on(tg, pm, name="Nearly full", condition="quota_fill", fire_at="95", clear_at="90", action="close_quota")

    assert evaluate_all(now=NOW) == 1
    assert evaluate_all(now=NOW + timedelta(minutes=1)) == 0

    (change,) = RemoteChange.objects.filter(target_group=tg)
    assert (change.kind, change.payload) == ("set_traffic_cap", {"quota_id": "female", "traffic_cap": 96, "stop": True})
    episode = RuleEpisode.objects.get()
    assert (episode.row, episode.row_label) == (f"quota-{female.pk}", "Gender: Female")


def test_a_pace_far_below_what_the_end_date_needs_notifies(pm):
    tg = purespectrum_tg(
        filling_goal=1000, fielding_start_at=NOW - timedelta(days=3), fielding_end_at=NOW + timedelta(days=1)
    )
    counts_at(tg, NOW - timedelta(hours=30), completes=90)
    counts_at(tg, NOW - timedelta(hours=1), completes=100)  # about 10 a day; 900 needed in one
    rule = rule_on(tg, pm, name="Pace", condition="pace", fire_at="50", clear_at="90")

    assert evaluate_all(now=NOW) == 1

    episode = RuleEpisode.objects.get(rule=rule)
    assert episode.figure < 5 and not RemoteChange.objects.filter(target_group=tg).exists()
    assert rule.hysteresis == "fires below 50% of the pace needed, re-arms at 90 or more"
