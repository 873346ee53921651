"""Completes over time of the suppliers that report totals only (PureSpectrum, Audience-Align), drawn from the
counts the cockpit recorded: the chart on the target group's page with the goal, the end date and the
projected finish, the history's pace in words, and the recorded points as a CSV on the PM's clock."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fielding.runs.charts import completes_chart
from fielding.runs.recorded import recorded_chart, recorded_intervals, step_for
from projects.models import SupplierKind, TargetGroup
from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from quotas.history.reading import target_group_pace
from quotas.history.recording import record_snapshot, slot_of

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)
TOTALS_ONLY = [SupplierKind.PURESPECTRUM, SupplierKind.AUDIENCE_ALIGN]


def survey(kind, **fields):
    connection = ConnectionFactory(kind=kind, account_id=f"{kind}-1", label=kind.label)
    defaults = {"status": TargetGroup.Status.LIVE, "filling_goal": 200, "current_completes": 0, "current_prescreens": 0}
    return TargetGroupFactory(project__connection=connection, **{**defaults, **fields})


def fielded(kind, hours=8, per_hour=20):
    """A survey fielded for `hours`, gaining `per_hour` completes (and 2.5 times as many prescreens) an hour,
    its counts recorded by the snapshot every hour. Returns it and ``[(recorded at, completes, prescreens)]``."""
    now = timezone.now()
    tg = survey(kind, fielding_start_at=now - hours * HOUR, fielding_end_at=now + timedelta(days=2))
    recorded = []
    for hour in range(1, hours + 1):
        completes, prescreens = per_hour * hour, per_hour * hour * 5 // 2
        TargetGroup.objects.filter(pk=tg.pk).update(current_completes=completes, current_prescreens=prescreens)
        when = now - (hours - hour) * HOUR
        record_snapshot(when)
        recorded.append((slot_of(when), completes, prescreens))
    tg.refresh_from_db()
    return tg, recorded


def pace_section(client, tg):
    page = client.get(tg.get_absolute_url()).content.decode()
    section = page[page.index('<section class="card" id="pace">') :]
    return section[: section.index("</section>")]


def csv_rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


@pytest.mark.parametrize("kind", TOTALS_ONLY)
def test_the_page_draws_the_recorded_completes_against_the_goal_end_date_and_projected_finish(pm_client, kind):
    tg, _ = fielded(kind)

    section = pace_section(pm_client, tg)

    assert 'id="completes-chart"' in section and 'data-total="160"' in section
    bars = [int(count) for count in re.findall(r'<rect [^>]*data-count="(-?\d+)"', section)]
    assert sum(bars) == 160 and min(bars) >= 0  # what the count gained, interval by interval
    assert 'id="cumulative-line"' in section and 'data-last="160"' in section
    assert 'id="goal-line" data-goal="200"' in section
    assert f">end {timezone.localtime(tg.fielding_end_at):%-d %b}</text>" in section
    assert '<circle class="finish"' in section  # 40 to go at 20 an hour: in two hours, long before the end
    # The words are the history's pace, the one every page of the cockpit tells.
    pace = target_group_pace(tg)
    assert pace.sentences[0].startswith("At this pace (") and pace.sentences[0] in section
    assert f"Needs {pace.needed_per_day}/day to finish by " in section
    assert "reports totals only" in section
    assert f'href="{reverse("fielding:recorded_csv", args=[tg.pk])}"' in section


@pytest.mark.parametrize("kind", TOTALS_ONLY)
def test_the_csv_lists_each_recorded_point_on_the_pms_clock(viewer_client, viewer, kind):
    tg, recorded = fielded(kind)
    viewer_client.post(reverse("preferences:preferences"), {"time_zone": "Asia/Kolkata"})

    response = viewer_client.get(reverse("fielding:recorded_csv", args=[tg.pk]))

    assert response.status_code == 200
    assert f'filename="{tg.name.lower().replace(" ", "-")}-completes-recorded.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == ["At", "Completes", "Prescreens"]
    kolkata = timezone.get_fixed_timezone(330)
    assert rows[1:] == [
        [at.astimezone(kolkata).isoformat(timespec="minutes"), str(completes), str(prescreens)]
        for at, completes, prescreens in recorded
    ]
    assert rows[-1][1:] == [str(tg.current_completes), str(tg.current_prescreens)]


def test_a_survey_with_no_point_says_no_completes_yet_and_offers_no_file(pm_client):
    tg = survey(SupplierKind.PURESPECTRUM, fielding_start_at=timezone.now() - HOUR)

    section = pace_section(pm_client, tg)

    assert "<svg" not in section and "No completes yet." in section
    assert reverse("fielding:recorded_csv", args=[tg.pk]) not in section
    response = pm_client.get(reverse("fielding:recorded_csv", args=[tg.pk]))
    assert response.status_code == 404
    html = response.content.decode()
    assert 'class="topbar"' in html and "are recorded yet, so there is no file" in html and tg.name in html


def test_the_csv_of_a_target_group_that_does_not_exist_is_a_404_in_the_layout(pm_client):
    response = pm_client.get(reverse("fielding:recorded_csv", args=[987654]))

    assert response.status_code == 404 and 'class="topbar"' in response.content.decode()


def test_the_chart_ends_at_the_count_now_before_the_next_snapshot(pm_client):
    tg, _ = fielded(SupplierKind.AUDIENCE_ALIGN)
    TargetGroup.objects.filter(pk=tg.pk).update(current_completes=171)  # a sync read it a moment ago
    tg.refresh_from_db()

    chart = recorded_chart(tg)

    assert chart["total"] == 171 and sum(bar["count"] for bar in chart["bars"]) == 171
    assert "unplaced" not in chart


def test_the_chart_costs_three_queries_however_long_the_history(django_assert_num_queries):
    short, _ = fielded(SupplierKind.PURESPECTRUM, hours=2)
    long, _ = fielded(SupplierKind.PURESPECTRUM, hours=60, per_hour=3)

    for tg in (short, long):
        with django_assert_num_queries(3):
            chart = recorded_chart(tg)
        assert not chart["empty"]
    assert chart["interval"] == "PT3H"  # 60 hours in 20 bars, not 60 thin ones


def test_what_the_count_gained_in_each_interval():
    start = datetime(2030, 1, 1, 9, 30, tzinfo=UTC)
    points = [(start, 5), (start + HOUR, 12), (start + timedelta(hours=1, minutes=45), 12), (start + 2 * HOUR, 10)]
    now = start + timedelta(hours=3)

    intervals = recorded_intervals(points, step=HOUR, now=now, total=14, start=start - timedelta(minutes=30))

    assert [item["timestamp"][11:16] for item in intervals] == ["09:00", "10:00", "11:00", "12:00"]
    # 5 by the first point; 12 by 11:00; 10 by noon (two reconciled away); 14 now.
    assert [item["count"] for item in intervals] == [5, 7, -2, 4]
    assert recorded_intervals([], step=HOUR, now=now, total=3) == []
    # Drawn, the lowered count takes the line down and leaves no bar below the axis.
    chart = completes_chart(intervals, interval="PT1H", goal=50, now=now, total=14)
    assert [bar["cumulative"] for bar in chart["bars"]] == [5, 12, 10, 14] and chart["bars"][2]["height"] == 0


@pytest.mark.parametrize(
    ("span", "interval"),
    [(HOUR * 30, "PT1H"), (HOUR * 49, "PT3H"), (timedelta(days=10), "PT6H"), (timedelta(days=40), "P1D")],
)
def test_the_interval_keeps_the_chart_to_a_few_dozen_bars(span, interval):
    assert step_for(span)[0] == interval
