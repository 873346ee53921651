"""A rule on a connection watches every fielding target group of it, thousands on a large account: the beat reads
its figure for them in a few queries whatever their number, and fires and clears exactly the episodes it would
evaluating them one by one."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext

from costs.models import TargetGroupBudget, TargetGroupFigures
from projects.models import TargetGroup
from projects.tests.factories import ConnectionFactory, ProjectFactory, TargetGroupFactory
from quotas.history.models import TargetGroupPoint
from quotas.models import InterlockCell, InterlockedProfile, Profile, Quota
from rules.conditions import CONDITIONS
from rules.firing import evaluate, evaluate_all, note_statuses, watched
from rules.models import Rule, RuleEpisode, StatusSeen

from .helpers import utc

pytestmark = pytest.mark.django_db

NOW = utc(2026, 6, 10, 12, 0)
HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)


def points(tg, *counts):
    """History points of `tg`: (hours before NOW, completes, prescreens or None)."""
    TargetGroupPoint.objects.bulk_create(
        TargetGroupPoint(target_group=tg, at=NOW - hours * HOUR, completes=completes, prescreens=prescreens)
        for hours, completes, prescreens in counts
    )


def quotas(tg, profile, *rows):
    """A profile of `tg` with quotas (text, completes, goal)."""
    owner = Profile.objects.create(target_group=tg, remote_id=f"{tg.pk}-{profile}", question_id=1, name=profile)
    return {
        text: Quota.objects.create(
            profile=owner, remote_id=f"{owner.pk}-{text}", text=text, completes=completes, completes_goal=goal
        )  # fmt: skip
        for text, completes, goal in rows
    }


def cells(tg, name, *rows):
    """An interlock of `tg` with cells (text, completes, goal)."""
    owner = InterlockedProfile.objects.create(target_group=tg, remote_id=f"{tg.pk}-{name}", name=name)
    return {
        text: InterlockCell.objects.create(
            interlocked_profile=owner,
            remote_id=f"{owner.pk}-{text}",
            text=text,
            completes=completes,
            completes_goal=goal,
        )  # fmt: skip
        for text, completes, goal in rows
    }


def money(tg, *, budget=None, spend=None):
    if budget is not None:
        TargetGroupBudget.objects.create(target_group=tg, amount=Decimal(budget))
    if spend is not None:
        TargetGroupFigures.objects.create(target_group=tg, computed_at=NOW - HOUR, spend=Decimal(spend))


RULES = {  # condition: (hours, fire_at, clear_at)
    "completes": (24, "1", "5"),
    "starts": (24, "1", "5"),
    "pace": (None, "50", "80"),
    "quota_fill": (None, "90", "80"),
    "spend": (None, "90", "80"),
    "paused_days": (None, "10", "0"),
    "cpi": (None, "3.50", "3.00"),
    "incidence_rate": (None, "10", "15"),
    "loi": (None, "20", "15"),
    "drop_off": (None, "50", "40"),
    "conversion": (None, "5", "8"),
}


@pytest.fixture
def account(pm):
    """A PureSpectrum account whose fielding target groups each show one side of a figure, a rule on the
    connection for each condition, and the episodes open before this beat."""
    connection = ConnectionFactory(kind="purespectrum", account_id="ps-1", label="PureSpectrum")
    project = ProjectFactory(connection=connection)
    rules = {
        key: Rule.objects.create(
            name=key,
            connection=connection,
            condition=key,
            hours=hours,
            fire_at=Decimal(fire),
            clear_at=Decimal(clear),
            created_by=pm,
        )  # fmt: skip
        for key, (hours, fire, clear) in RULES.items()
    }

    def tg(name, **fields):
        return TargetGroupFactory(project=project, name=name, **fields)

    def opened(key, group, row=None, label="", figure="0"):
        rule = rules[key]
        RuleEpisode.objects.create(rule=rule, target_group=group, row=row or "", row_label=label, opened_at=NOW - DAY,
                                   figure=Decimal(figure), threshold=rule.fire_at)  # fmt: skip

    # Completes and starts in the last 24 h, from the history.
    points(tg("Steady", current_completes=150, current_prescreens=500), (30, 100, 300), (2, 140, 480))  # 50, 200
    points(tg("Stalled", current_completes=80, current_prescreens=200), (30, 80, 200))  # 0 and 0: both fire
    points(tg("Young", current_completes=5, current_prescreens=9), (1, 5, 9))  # no history a day back: nothing
    recovering = tg("Recovering", current_completes=90, current_prescreens=250)
    points(recovering, (30, 80, 200))  # 10 and 50: both clear
    opened("completes", recovering)
    opened("starts", recovering)
    wobbling = tg("Wobbling", current_completes=83, current_prescreens=203)
    points(wobbling, (30, 80, 200))  # 3 and 3: between the thresholds, both stay open
    opened("completes", wobbling)
    opened("starts", wobbling)
    # A point exactly a day back counts as the count then; a point without starts is passed over for starts.
    points(tg("Boundary", current_completes=70, current_prescreens=95), (25, 60, 90), (24, 70, None))  # 0 and 5

    # Pace against the end date.
    points(tg("Behind", filling_goal=1000, current_completes=100, current_prescreens=400,
              fielding_start_at=NOW - 3 * DAY, fielding_end_at=NOW + DAY), (30, 90, 390), (1, 100, 400))  # fmt: skip
    on_track = tg("On track", filling_goal=200, current_completes=190, current_prescreens=400,
                  fielding_start_at=NOW - 3 * DAY, fielding_end_at=NOW + 5 * DAY)  # fmt: skip
    points(on_track, (30, 150, 360), (1, 188, 398))  # 40 a day where 2 a day are needed: clears
    opened("pace", on_track, figure="20")

    # A quota's fill.
    filling = tg("Quotas")
    quotas(filling, "GENDER", ("Male", 95, 100), ("Female", 50, 100), ("Other", None, 100), ("Any", 5, 0))
    cells(filling, "AGE, GENDER", ("18-34 Male", 100, 100), ("35+ Female", 20, 100))
    settling = tg("Quotas open")
    region = quotas(settling, "REGION", ("North", 85, 100), ("South", 70, 100))
    opened("quota_fill", settling, f"quota-{region['North'].pk}", "REGION: North", "95")  # 85%: stays open
    opened("quota_fill", settling, f"quota-{region['South'].pk}", "REGION: South", "95")  # 70%: clears

    # Spend against the budget.
    money(tg("Over budget"), budget="1000", spend="950")
    within = tg("Within budget")
    money(within, budget="1000", spend="500")
    opened("spend", within, figure="95")
    unbudgeted = tg("No budget")
    money(unbudgeted, spend="950")
    opened("spend", unbudgeted, figure="95")  # no budget now: no figure, the episode stays open

    # Days paused, from when the cockpit first saw it paused.
    paused = TargetGroup.Status.PAUSED
    StatusSeen.objects.create(target_group=tg("Paused long", status=paused), status=paused, since=NOW - 12 * DAY)
    StatusSeen.objects.create(target_group=tg("Paused lately", status=paused), status=paused, since=NOW - 2 * DAY)
    tg("Paused unseen", status=paused)  # first seen paused at this beat: 0 days
    resumed = tg("Resumed")
    StatusSeen.objects.create(target_group=resumed, status=paused, since=NOW - 20 * DAY)
    opened("paused_days", resumed, figure="11")

    # The target group's own figures.
    tg("Dear", cpi="4.00")
    tg("Rates", incidence_rate="0.05", median_length_of_interview_seconds=1800, drop_off_rate="0.60",
       conversion_rate="0.02")  # fmt: skip
    opened("cpi", tg("Good rates", incidence_rate="0.30", median_length_of_interview_seconds=600,
                     drop_off_rate="0.10", conversion_rate="0.20"), figure="3.80")  # fmt: skip
    tg("No answers yet", current_completes=0, current_prescreens=0, incidence_rate="0.01",
       median_length_of_interview_seconds=1800)  # fmt: skip

    # Not watched: a draft, and a target group of another connection.
    tg("Draft", status=TargetGroup.Status.DRAFT, cpi="9.00")
    TargetGroupFactory(name="Elsewhere", cpi="9.00")
    return connection


FIRED = {  # (rule, target group, quota row): figure
    ("completes", "Stalled", ""): "0.00",
    ("completes", "Boundary", ""): "0.00",
    ("starts", "Stalled", ""): "0.00",
    ("pace", "Behind", ""): None,  # about 1% of the 900 a day needed (the pace's own weighting)
    ("quota_fill", "Quotas", "GENDER: Male"): "95.00",
    ("quota_fill", "Quotas", "AGE, GENDER: 18-34 Male"): "100.00",
    ("spend", "Over budget", ""): "95.00",
    ("paused_days", "Paused long", ""): "12.00",
    ("cpi", "Dear", ""): "4.00",
    ("incidence_rate", "Rates", ""): "5.00",
    ("loi", "Rates", ""): "30.00",
    ("drop_off", "Rates", ""): "60.00",
    ("conversion", "Rates", ""): "2.00",
}
CLEARED = {
    ("completes", "Recovering", ""): "10.00",
    ("starts", "Recovering", ""): "50.00",
    ("pace", "On track", ""): None,
    ("quota_fill", "Quotas open", "REGION: South"): "70.00",
    ("spend", "Within budget", ""): "50.00",
    ("paused_days", "Resumed", ""): "0.00",
    ("cpi", "Good rates", ""): "2.50",
}
STILL_OPEN = {
    ("completes", "Wobbling", ""),
    ("starts", "Wobbling", ""),
    ("quota_fill", "Quotas open", "REGION: North"),
    ("spend", "No budget", ""),
}


def one_by_one(now):
    """The beat as it was: each rule read and decided on each target group it watches, one at a time."""
    note_statuses(now)
    return sum(evaluate(rule, tg, now) for rule in Rule.objects.filter(enabled=True) for tg in watched(rule))


@pytest.mark.parametrize(
    "beat",
    [
        pytest.param(lambda now: evaluate_all(now=now), id="in-sets"),
        pytest.param(lambda now: evaluate_all(now=now, chunk=3), id="in-chunks-of-3"),
        pytest.param(one_by_one, id="one-by-one"),
    ],
)
def test_the_beat_fires_and_clears_exactly_the_episodes_each_figure_calls_for(account, beat):
    assert beat(NOW) == len(FIRED)

    def key(episode):
        return (episode.rule.name, episode.target_group.name, episode.row_label)

    episodes = RuleEpisode.objects.select_related("rule", "target_group")
    fired = {key(e): str(e.figure) for e in episodes.filter(opened_at=NOW)}
    assert set(fired) == set(FIRED)
    assert {k: v for k, v in fired.items() if FIRED[k] is not None} == {k: v for k, v in FIRED.items() if v}
    assert Decimal(fired[("pace", "Behind", "")]) < 5
    cleared = {key(e): str(e.clear_figure) for e in episodes.filter(cleared_at=NOW)}
    assert set(cleared) == set(CLEARED)
    assert {k: v for k, v in cleared.items() if CLEARED[k] is not None} == {k: v for k, v in CLEARED.items() if v}
    assert Decimal(cleared[("pace", "On track", "")]) >= 80
    assert {key(e) for e in episodes.filter(opened_at__lt=NOW, cleared_at__isnull=True)} == STILL_OPEN
    # A quota rule's episode names the row that fired, so a quota action acts on it.
    male = Quota.objects.get(text="Male")
    assert episodes.get(rule__name="quota_fill", opened_at=NOW, row_label="GENDER: Male").row == f"quota-{male.pk}"

    assert beat(NOW + dt.timedelta(minutes=1)) == 0  # the next beat finds them open: nothing fires twice


def fielding(connection, count):
    """`count` fielding target groups of `connection` alike: history, quotas and a cell, a budget and spend,
    and one in five paused (seen paused for a day)."""
    project = ProjectFactory(connection=connection)
    for i in range(count):
        status = TargetGroup.Status.PAUSED if i % 5 == 0 else TargetGroup.Status.LIVE
        tg = TargetGroupFactory(project=project, status=status, filling_goal=1000, current_completes=100,
                                fielding_start_at=NOW - 3 * DAY, fielding_end_at=NOW + DAY, incidence_rate="0.30",
                                median_length_of_interview_seconds=600, drop_off_rate="0.10",
                                conversion_rate="0.20")  # fmt: skip
        points(tg, (30, 50, 200), (1, 100, 400))
        quotas(tg, "GENDER", ("Male", 40, 500), ("Female", 60, 500))
        cells(tg, "AGE, GENDER", ("18-34 Male", 20, 250))
        money(tg, budget="1000", spend="250")
        if status == TargetGroup.Status.PAUSED:
            StatusSeen.objects.create(target_group=tg, status=status, since=NOW - DAY)


@pytest.mark.parametrize("condition", sorted(CONDITIONS))
def test_a_connection_rule_costs_the_same_queries_over_5_and_50_target_groups(pm, condition):
    few = ConnectionFactory(kind="purespectrum", account_id="ps-few", label="Few")
    many = ConnectionFactory(kind="purespectrum", account_id="ps-many", label="Many")
    fielding(few, 5)
    fielding(many, 50)
    direction_low = CONDITIONS[condition].direction == "low"
    never = Decimal("-1") if direction_low else Decimal("999999999")  # a threshold no figure passes
    rule = Rule.objects.create(name=condition, connection=few, condition=condition, hours=24, fire_at=never,
                               clear_at=never, created_by=pm)  # fmt: skip

    counts = {}
    for connection, size in ((few, 5), (many, 50)):
        Rule.objects.filter(pk=rule.pk).update(connection=connection)
        with CaptureQueriesContext(db) as beat:
            assert evaluate_all(now=NOW) == 0
        counts[size] = len(beat.captured_queries)

    assert counts[50] == counts[5], counts
    assert counts[50] <= 10, [q["sql"] for q in beat.captured_queries]
    assert not RuleEpisode.objects.exists()
