"""Rules on a study: a cell's combined fill that flaps fires once per episode, with the hysteresis shown; it
re-arms only once the fill is back at the clear threshold. Pausing every target group asks one change per
supplier, each audited as the rule's. The study's spend against its budget and its combined pace are read
from its figures. Set up on the study's page by PMs, with bad input next to its field."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from costs.models import CpiPeriod
from notifications.models import Notification
from quotas.models import Quota
from rules.conditions import Reading
from rules.firing import evaluate_all, fire
from rules.forms import RuleForm, StudyRuleForm
from rules.models import Rule, RuleEpisode
from rules.study_conditions import STUDY_CONDITIONS
from schedules.tests.study_helpers import quota
from studies.tests.builders import study_over
from sync.models import RemoteChange

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def male():
    cint = quota("cint", 60, 0)
    ps = quota("purespectrum", 60, 0)
    study, cells = study_over({"Male": (100, [cint, ps])}, name="Brand study", field_end=START + dt.timedelta(days=10))
    return study, cells["Male"], cint, ps


def rule_on_study(study, by, **data):
    form = StudyRuleForm({"action": "notify", **{k: str(v) for k, v in data.items()}})
    assert form.is_valid(), form.errors
    rule = form.save(commit=False)
    rule.study, rule.created_by = study, by
    rule.save()
    return rule


def fills(cint, ps, a, b):
    Quota.objects.filter(pk=cint.pk).update(completes=a)
    Quota.objects.filter(pk=ps.pk).update(completes=b)


def test_a_flapping_cell_fill_fires_once_per_episode_and_again_after_it_cleared(male, pm):
    study, cell, cint, ps = male
    rule = rule_on_study(study, pm, name="Male nearly full", condition="cell_fill", fire_at=90, clear_at=80)
    fired = []
    # 85%, 92% fires, 88 / 95 / 81 wobble inside the episode, 79 clears, 91 fires again.
    for minute, (a, b) in enumerate([(40, 45), (46, 46), (44, 44), (50, 45), (41, 40), (39, 40), (45, 46)]):
        fills(cint, ps, a, b)
        fired.append(evaluate_all(now=START + dt.timedelta(minutes=minute)))

    assert fired == [0, 1, 0, 0, 0, 0, 1]
    first, second = RuleEpisode.objects.filter(rule=rule).order_by("opened_at")
    assert (first.target_group, first.row, first.row_label) == (None, f"study-cell-{cell.pk}", "Male")
    assert (str(first.figure), str(first.threshold), first.opened_at) == (
        "92.00",
        "90.00",
        START + dt.timedelta(minutes=1),
    )
    assert (first.cleared_at, str(first.clear_figure)) == (START + dt.timedelta(minutes=5), "79.00")
    assert (str(second.figure), second.cleared_at) == ("91.00", None)
    assert rule.hysteresis == "fires above 90% of the study's goal for the cell, re-arms at 80 or less"
    told = Notification.objects.filter(user=pm, kind="rule_fired").order_by("created_at")
    assert told.count() == 2
    assert told[0].text.startswith("Rule ‘Male nearly full’ fired on the study “Brand study”.")
    assert "on “Male”: 92% of the study's goal for the cell > 90" in told[0].text
    assert told[0].link == study.get_absolute_url()
    assert not RemoteChange.objects.exists()  # it only notifies


def test_a_fired_rule_pauses_every_target_group_of_the_study_audited_as_the_rules(male, pm, pm_client):
    study, cell, cint, ps = male
    rule_on_study(study, pm, name="Stop at 90", condition="cell_fill", fire_at=90, action="pause_study")
    fills(cint, ps, 50, 45)

    assert evaluate_all(now=START) == 1

    # PureSpectrum's survey is asked to pause; Cint's target group has no live fielding run to pause.
    (change,) = RemoteChange.objects.all()
    assert (change.target_group_id, change.kind, change.payload["to_status"]) == (
        ps.profile.target_group_id, "change_status", "paused")  # fmt: skip
    assert change.requested_by == pm and "by rule ‘Stop at 90’ at" in change.summary
    episode = RuleEpisode.objects.get()
    assert episode.change == change
    assert episode.message.startswith("Asked the supplier: ")
    assert "Could not pause cint US (Cint Exchange): " in episode.message
    assert evaluate_all(now=START + dt.timedelta(minutes=1)) == 0  # the same episode: nothing more
    section = pm_client.get(reverse("rules:study", args=[study.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "Mon 1 Jun 09:00 “Male”: 95% of the study&#x27;s goal for the cell &gt; 90" in section


def test_the_studys_spend_and_pace_are_read_from_its_figures(male, pm):
    study, cell, cint, ps = male
    for q in (cint, ps):
        tg = q.profile.target_group
        type(tg).objects.filter(pk=tg.pk).update(cpi=Decimal("2.00"), cpi_currency="USD", current_completes=50)
        CpiPeriod.objects.create(
            target_group=tg, cpi=Decimal("2.00"), currency="USD", from_at=START, completes_before=0
        )
    study.budget, study.currency = Decimal("400.00"), "USD"
    study.save()
    spend = Rule(study=study, condition="study_spend", fire_at=40, clear_at=40)

    (reading,) = STUDY_CONDITIONS["study_spend"].read(study, spend, timezone.now())

    assert reading.figure == Decimal("50.00")  # 100 completes at 2.00 of a 400.00 budget
    assert spend.spec.comparison(reading.figure, spend) == "50% of the budget > 40"
    pace = Rule(study=study, condition="study_pace", fire_at=80, clear_at=100)
    assert STUDY_CONDITIONS["study_pace"].read(study, pace, timezone.now()) == []  # no pace measured yet: nothing


def test_the_combined_pace_is_read_against_the_field_end(male):
    study, cell, cint, ps = male
    for q in (cint, ps):  # 20 of 60 each, 5 a day each, as the quota monitor stored them
        Quota.objects.filter(pk=q.pk).update(completes=20, pace_per_day=5, pace_verdict="on_track", figures_at=START)
    pace = Rule(study=study, condition="study_pace", fire_at=80, clear_at=100)

    (reading,) = STUDY_CONDITIONS["study_pace"].read(study, pace, START)

    # 60 still needed in the 10 days left is 6 a day; the suppliers make 10 a day together.
    assert reading.figure == Decimal("166.67")
    assert STUDY_CONDITIONS["study_pace"].read(study, pace, study.field_end) == []  # the field has ended


def test_a_viewer_cannot_set_up_a_rule_on_a_study(male, viewer_client):
    study = male[0]
    data = {"name": "Overspend", "condition": "study_spend", "fire_at": "90", "clear_at": "80", "action": "notify"}
    assert viewer_client.post(reverse("rules:study_create", args=[study.pk]), data).status_code == 403
    assert not Rule.objects.exists()


def test_a_pm_sets_up_a_rule_on_the_studys_page_and_a_bad_one_comes_back_as_typed(male, pm_client, pm):
    study, cell, _, _ = male
    url = reverse("rules:study_create", args=[study.pk])
    bad = {"name": "Overspend", "condition": "study_spend", "fire_at": "90", "clear_at": "95", "action": "close_cell"}

    html = pm_client.post(url, bad, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="id_clear_at_error"' in html and "it can re-arm only at 90 or less" in html
    assert 'id="id_action_error"' in html and "Closing a cell needs “A cell&#x27;s combined fill”" in html
    assert 'value="Overspend"' in html and not Rule.objects.exists()

    assert pm_client.post(url, {**bad, "clear_at": "80", "action": "pause_study"}).status_code == 302
    rule = Rule.objects.get()
    assert (rule.study, rule.created_by, rule.action) == (study, pm, "pause_study")
    section = pm_client.get(reverse("rules:study", args=[study.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "fires above 90% of the budget, re-arms at 80 or less" in section
    assert "Pause every target group of the study" in section
    assert reverse("rules:study", args=[study.pk]) in pm_client.get(study.get_absolute_url()).content.decode()


def test_a_target_groups_rule_form_offers_no_study_action(pm_client):
    offered = {value for value, _ in RuleForm().fields["action"].choices}
    assert "close_cell" not in offered and "pause_study" not in offered and "pause" in offered


def test_a_beat_that_read_no_open_study_episode_loses_to_the_one_that_opened_it(male, pm):
    """The database refuses a second open episode of a study's rule for the same cell (its own partial unique
    index: the episode names no target group), so a late second beat pauses nothing more."""

    study, cell, cint, ps = male
    rule = rule_on_study(study, pm, name="Stop at 90", condition="cell_fill", fire_at=90, action="pause_study")
    reading = Reading(Decimal(95), f"study-cell-{cell.pk}", "Male", cell)

    assert fire(rule, None, reading, START, study=study) == 1
    assert fire(rule, None, reading, START, study=study) == 0

    assert RuleEpisode.objects.count() == 1
    assert RemoteChange.objects.count() == 1
