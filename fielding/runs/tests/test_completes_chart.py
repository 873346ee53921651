"""Completes over time: a chart of completes so far against the goal on a time axis, the completes
of each interval, the pace needed to finish by the end date and the finish the pace kept gives, for
hourly and daily intervals, no data and one interval; its CSV; and what the suppliers that report
totals only show instead."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import responses
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from fielding.conftest import api_calls, make_live, tg_api
from fielding.runs.charts import completes_chart
from fielding.runs.views import fielding_panel_context
from projects.models import SupplierKind, TargetGroup
from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from quotas.history.reading import target_group_pace
from quotas.history.recording import record_snapshot

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
START = datetime(2030, 1, 1, tzinfo=UTC)


def day(n, hours=0):
    return START + timedelta(days=n, hours=hours)


def intervals(*counts, step=timedelta(days=1)):
    return [
        {"timestamp": (START + i * step).isoformat().replace("+00:00", "Z"), "count": count}
        for i, count in enumerate(counts)
    ]


def stub_stats(wire, tg, series, completes=None):
    wire.add(
        responses.GET,
        tg_api(tg, "/completes-aggregated-by-interval"),
        json={"aggregated_completes_intervals": series},
    )
    total = sum(item["count"] for item in series)
    wire.add(
        responses.GET,
        tg_api(tg, "/performance"),
        json={"entrants": 300, "prescreens": 120, "completes": total if completes is None else completes,
              "incidence_rate": 0.35, "conversion_rate": 0.1, "drop_off_rate": 0.05},
    )  # fmt: skip


def stats_html(client, tg, interval="P1D"):
    response = client.get(reverse("fielding:stats", args=[tg.pk]), {"interval": interval}, headers=HTMX)
    assert response.status_code == 200
    return response.content.decode()


# --- the chart's numbers -----------------------------------------------------------------


def test_a_daily_chart_has_the_goal_line_the_running_total_and_the_pace():
    chart = completes_chart(intervals(40, 60, 20), interval="P1D", goal=500, end_at=day(10), now=day(3))
    assert [bar["count"] for bar in chart["bars"]] == [40, 60, 20]
    assert [bar["cumulative"] for bar in chart["bars"]] == [40, 100, 120]
    tallest = max(chart["bars"], key=lambda bar: bar["height"])
    assert tallest["count"] == 60 and chart["bars"][2]["height"] == pytest.approx(tallest["height"] / 3, abs=0.2)
    # The time axis runs from the first interval to the end date: one tick a day or two, by date.
    assert chart["to"] == "11 Jan 2030" and chart["end"]["label"] == "end 11 Jan"
    assert [tick["label"] for tick in chart["x_ticks"]][:2] == ["1 Jan", "3 Jan"]
    # The goal line and the running total share the labelled scale of the upper panel.
    ticks = {tick["label"]: tick["y"] for tick in chart["y_ticks"]}
    assert list(ticks) == ["0", "200", "400", "600"]
    per_completes = (ticks["400"] - ticks["0"]) / 400
    assert chart["goal_y"] == pytest.approx(ticks["0"] + 500 * per_completes, abs=0.2)
    assert chart["last"]["y"] == pytest.approx(ticks["0"] + 120 * per_completes, abs=0.2)
    pace = chart["pace"]
    # The pace of the last day (20 completes), not the average since the start (40 a day).
    assert pace.per_day == 20 and pace.needed_per_day == 55  # 380 to go in 7 days
    assert pace.projected_finish == day(3 + 380 / 20) and pace.late
    assert pace.sentences == [
        "At this pace (20.0/day over the last 24 hours): finishes on 23 Jan 2030 — after the end date.",
        "Needs 55/day to finish by 11 Jan 2030 (380 to go).",
    ]
    assert chart["needed"]["x2"] == chart["end"]["x"] and chart["needed"]["y2"] == chart["goal_y"]
    assert "finish" not in chart  # the projected finish is beyond the end date, off the axis


def test_an_hourly_chart_labels_hours_and_finishes_on_time():
    step = timedelta(hours=1)
    chart = completes_chart(
        intervals(*[10] * 5, step=step), interval="PT1H", goal=100, end_at=day(0, 12), now=day(0, 5)
    )
    assert len(chart["bars"]) == 5 and chart["bars"][0]["title"] == "1 Jan 00:00–01:00: 10 completes (10 so far)"
    assert [tick["label"] for tick in chart["x_ticks"]][:2] == ["1 Jan 00:00", "02:00"]
    pace = chart["pace"]
    assert pace.per_day == 240 and pace.projected_finish == day(0, 10) and not pace.late
    assert chart["finish"]["y"] == chart["goal_y"]  # the projection meets the goal line on the axis
    assert pace.sentences == [
        # The same day as the end: times tell them apart.
        "At this pace (240.0/day over the last 5 hours): finishes on 1 Jan 2030 10:00.",
        "Needs 172/day to finish by 1 Jan 2030 12:00 (50 to go).",
    ]


def test_a_finish_on_the_end_dates_day_gives_both_times():
    chart = completes_chart(intervals(30, 30), interval="P1D", goal=100, end_at=day(3, 1), now=day(2))
    assert chart["pace"].sentences == [
        "At this pace (30.0/day over the last 24 hours): finishes on 4 Jan 2030 08:00 — after the end date.",
        "Needs 39/day to finish by 4 Jan 2030 01:00 (40 to go).",
    ]


def test_a_far_end_date_does_not_squash_hourly_bars():
    chart = completes_chart(
        intervals(3, 4, step=timedelta(hours=1)), interval="PT1H", goal=50, end_at=day(30), now=day(0, 2)
    )
    assert "end" not in chart and chart["to"] == "1 Jan 02:00"  # the axis is the data's
    assert chart["bars"][0]["width"] > 100
    assert chart["needed"]["x2"] == chart["right"]  # the needed pace runs off the edge towards the end date


def test_one_interval_is_one_bar_and_a_line_from_zero():
    chart = completes_chart(intervals(7), interval="P1D", goal=100, end_at=None, now=day(0, 12))
    assert len(chart["bars"]) == 1 and chart["line"].count(",") == 2
    assert chart["pace"].sentences[1] == "93 to go; no end date is set."


def test_no_data_and_zero_completes_say_so():
    empty = completes_chart([], interval="P1D", goal=100, end_at=day(4), now=day(0))
    assert empty["empty"] and empty["pace"].summary == (
        "No completes yet: no finish date can be projected. Needs 25/day to finish by 5 Jan 2030 (100 to go)."
    )
    zeros = completes_chart(intervals(0, 0), interval="P1D", goal=100, end_at=day(4), now=day(2))
    assert not zeros["empty"] and {bar["height"] for bar in zeros["bars"]} == {0}
    assert zeros["pace"].projected_finish is None and "projected" not in zeros and zeros["needed"]


def test_the_completes_label_early_in_fielding_is_drawn_right_of_the_axis_not_over_its_ticks():
    # 20 minutes into a fortnight: the running total's last point sits on the y-axis.
    early = completes_chart(intervals(234), interval="P1D", goal=420, end_at=day(14), now=START + timedelta(minutes=20))
    point_x = float(early["line"].split()[-1].split(",")[0])
    assert point_x - early["left"] < 1
    assert early["last"]["anchor"] == "start" and early["last"]["x"] > point_x
    later = completes_chart(intervals(100, 134), interval="P1D", goal=420, end_at=day(14), now=day(1, 12))
    assert later["last"]["anchor"] == "end"  # well inside the plot: left of its point, as before
    html = render_to_string("fielding/runs/_completes_chart.html", {"chart": early})
    assert re.search(r'id="cumulative-label" x="[\d.]+" y="[\d.-]+" text-anchor="start">234<', html)


def test_a_goal_reached_or_an_end_passed_is_said_plainly():
    reached = completes_chart(intervals(60, 50), interval="P1D", goal=100, end_at=day(5), now=day(2))
    assert reached["pace"].sentences == ["The goal of 100 is reached (110 completes)."] and "needed" not in reached
    late = completes_chart(intervals(10, 10), interval="P1D", goal=100, end_at=day(1), now=day(2))
    assert late["pace"].sentences[1] == "The end date (2 Jan 2030) has passed with 80 to go."


# --- the stats block ----------------------------------------------------------------------


def test_the_stats_block_draws_the_chart_from_the_suppliers_intervals(pm, pm_client, project, wire):
    tg, run = make_live(project, filling_goal=500, current_completes=0)
    now = timezone.now()
    run.end_fielding_at = now + timedelta(days=5)
    run.save()
    series = [
        {"timestamp": (now - timedelta(hours=6 * (3 - i))).isoformat(), "count": count}
        for i, count in enumerate([4, 10, 0])
    ]
    stub_stats(wire, tg, series)
    html = stats_html(pm_client, tg, "PT6H")
    assert "aggregation_interval=PT6H" in api_calls(wire)[0].request.url
    assert re.findall(r'<rect [^>]*data-count="(\d+)"', html) == ["4", "10", "0"]
    assert 'id="goal-line" data-goal="500"' in html and ">goal 500</text>" in html
    assert 'id="cumulative-line"' in html and 'data-last="14"' in html
    assert '<title id="completes-chart-title">' in html and '<desc id="completes-chart-desc">' in html
    end = date_format(timezone.localtime(run.end_fielding_at), "j M Y")
    assert f"Needs 98/day to finish by {end} (486 to go)." in html  # 486 in 5 days
    assert "At this pace (" in html and "— after the end date." in html
    assert "<dt>Entrants</dt><dd>300</dd>" in html and "<dt>Incidence rate</dt><dd>35%</dd>" in html
    # The interval is chosen in the stats block, which the panel loads; the panel builds no form of its own.
    assert '<option value="PT6H" selected>' in html
    assert "interval_form" not in fielding_panel_context(tg, pm)["fielding"]
    assert f'href="{reverse("fielding:completes_csv", args=[tg.pk])}?interval=PT6H"' in html


def test_the_stats_block_with_no_intervals_says_so_with_the_pace_needed(pm_client, project, wire):
    tg, _ = make_live(project, filling_goal=500, current_completes=0)
    stub_stats(wire, tg, [])
    html = stats_html(pm_client, tg)
    assert "<svg" not in html and "The supplier reports no completes over time yet." in html
    assert "No completes yet: no finish date can be projected." in html and "/day to finish by" in html


def totals_only(kind, **fields):
    connection = ConnectionFactory(kind=kind, account_id="acc", label=kind.label)
    return TargetGroupFactory(project__connection=connection, filling_goal=200, current_completes=50, **fields)


@pytest.mark.parametrize("kind", [SupplierKind.PURESPECTRUM, SupplierKind.AUDIENCE_ALIGN])
def test_suppliers_with_totals_only_have_no_chart_and_ask_nothing(pm_client, wire, kind):
    tg = totals_only(kind)
    assert f"{kind.label} reports completes as totals only, not over time." in stats_html(pm_client, tg)
    response = pm_client.get(reverse("fielding:completes_csv", args=[tg.pk]))
    assert response.status_code == 404 and "totals only" in response.content.decode()
    assert api_calls(wire) == []


def test_a_survey_with_dates_shows_its_pace_from_the_totals(pm_client):
    now = timezone.now()
    tg = totals_only(
        SupplierKind.AUDIENCE_ALIGN,
        fielding_start_at=now - timedelta(days=5),
        fielding_end_at=now + timedelta(days=2.4),
    )
    page = pm_client.get(tg.get_absolute_url()).content.decode()
    section = page[page.index('<section class="card" id="pace">') :]
    section = section[: section.index("</section>")]
    assert "50 of 200 completes" in section and "Audience-Align reports totals only" in section
    assert "At this pace (10.0/day over the last 5 days): finishes on" in section and "— after the end date." in section
    assert "Needs 63/day to finish by" in section  # 150 to go in 2.4 days


def test_a_survey_without_dates_says_no_pace_can_be_measured(pm_client):
    tg = totals_only(SupplierKind.PURESPECTRUM)
    page = pm_client.get(tg.get_absolute_url()).content.decode()
    assert "50 of 200 completes" in page
    assert "No start date is known, so no pace can be measured" in page and "150 to go; no end date is set." in page


def test_a_cint_target_group_has_its_chart_not_the_totals_block(pm_client, project):
    tg, _ = make_live(project)
    assert 'id="pace"' not in pm_client.get(tg.get_absolute_url()).content.decode()


# --- the CSV ------------------------------------------------------------------------------


def test_the_completes_csv_lists_each_interval_with_the_running_total(viewer_client, project, wire):
    tg, _ = make_live(project, filling_goal=500, name="US =parents")
    stub_stats(wire, tg, intervals(4, 10, 0, step=timedelta(hours=1)))
    response = viewer_client.get(reverse("fielding:completes_csv", args=[tg.pk]), {"interval": "PT1H"})
    assert response.status_code == 200 and 'filename="us-parents-completes-pt1h.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["Interval start", "Interval end", "Completes", "Completes so far", "Goal", "To go"]
    assert [row[2:] for row in rows[1:]] == [
        ["4", "4", "500", "496"],
        ["10", "14", "500", "486"],
        ["0", "14", "500", "486"],
    ]
    assert rows[1][0] == "2030-01-01T00:00+00:00" and rows[1][1] == "2030-01-01T01:00+00:00"


def test_a_supplier_error_on_the_csv_is_said_in_words(viewer_client, project, wire):
    tg, _ = make_live(project)
    wire.add(responses.GET, tg_api(tg, "/completes-aggregated-by-interval"), status=404,
             json={"object": "not_found_error", "detail": "Target group not found"})  # fmt: skip
    response = viewer_client.get(reverse("fielding:completes_csv", args=[tg.pk]), follow=True)
    # no file, and no server error: back on the target group's page, which says why
    assert response.redirect_chain[-1][0] == tg.get_absolute_url()
    assert response.status_code == 200 and "could not be read" in response.content.decode()


def test_the_chart_tells_the_recorded_pace_whatever_the_interval_picked(pm_client, project, wire):
    # The supplier's intervals draw the bars; once the cockpit recorded the target group's completes, the pace
    # said is the history's, the one the rest of the cockpit tells, not one that changes with the interval.
    tg, run = make_live(project, filling_goal=500, current_completes=0)
    now = timezone.now()
    assert tg.fielding_end_at is None  # the run's end date, not mirrored yet, is the one the pace needs
    for hour in range(1, 7):
        TargetGroup.objects.filter(pk=tg.pk).update(current_completes=12 * hour)
        record_snapshot(now - (6 - hour) * timedelta(hours=1))
    series = [{"timestamp": (now - timedelta(hours=6 - i)).isoformat(), "count": 12} for i in range(6)]
    stub_stats(wire, tg, series)
    tg.refresh_from_db()
    said = target_group_pace(tg, end_at=run.end_fielding_at).sentences
    assert said[0].startswith("At this pace (") and said[1].startswith("Needs ")

    for interval in ("PT1H", "P1D"):
        cache.clear()
        html = stats_html(pm_client, tg, interval)
        assert said[0] in html and said[1] in html and 'data-last="72"' in html
        assert 'id="needed-line"' in html
