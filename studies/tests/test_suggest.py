"""The suggested split: each cell's remaining need shared so that every cell finishes by the study's end at the
least cost, from each supplier's pace in the cell and its CPI; never below achieved; a supplier without a pace
gets no more than it has; a cell that cannot finish says by how much."""

from decimal import Decimal

import pytest
from django.utils import timezone

from quotas.history.pace import Verdict
from studies.figures import study_figures
from studies.suggest import suggest_split

from .grid_builders import attach, make_cells, make_study, quota_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


def split_of(study, now):
    suggestion = suggest_split(study_figures(study, now))
    assert not suggestion.refused, suggestion.refused
    return suggestion, {split.label: [p and p.suggested for p in split.parts] for split in suggestion.cells}


def test_the_cheaper_supplier_takes_what_it_can_finish_in_time_and_the_dearer_one_the_rest(now):
    study = make_study(now=now, days=10)
    (cell,) = make_cells(study, [("Male 18–34", 300)])
    cheap = attach(study, kind="purespectrum", cpi="1.5000")
    dear = attach(study, kind="cint", cpi="3.0000")
    # 200 to go. The cheaper one brings in 12 a day: 120 by the end; the dearer one 20 a day.
    quota_for(cheap, cell, goal=150, achieved=50, pace=12, now=now)
    quota_for(dear, cell, goal=150, achieved=50, pace=20, now=now)

    suggestion, goals = split_of(study, now)

    assert goals["Male 18–34"] == [50 + 120, 50 + 80]
    assert suggestion.shortfalls == []
    assert suggestion.suggested_cost == Decimal("420.00")  # 120 × 1.50 + 80 × 3.00
    assert suggestion.today_cost == Decimal("450.00")  # 100 × 1.50 + 100 × 3.00
    assert suggestion.suggested_finishes
    assert suggestion.goals() == {(cell.pk, cheap.pk): 170, (cell.pk, dear.pk): 130}


def test_a_cell_that_cannot_finish_in_time_says_by_how_much(now):
    study = make_study(now=now, days=5)
    male, female = make_cells(study, [("Male", 100), ("Female 55+", 200)])
    a, b = attach(study, kind="cint", cpi="2.0000"), attach(study, kind="purespectrum", cpi="2.5000")
    quota_for(a, male, goal=50, achieved=0, pace=20, now=now)
    quota_for(b, male, goal=50, achieved=0, pace=20, now=now)
    # 200 to go; at 10 + 22 a day the two bring in 50 + 110 = 160 by the end: 40 short.
    quota_for(a, female, goal=100, achieved=0, pace=10, now=now)
    quota_for(b, female, goal=100, achieved=0, pace=22, now=now)

    suggestion, goals = split_of(study, now)

    assert suggestion.shortfalls == ["Female 55+: 40 short at today's pace"]
    # The goals still add up to the cell's: the 40 go to the faster supplier, which finishes late.
    assert goals["Female 55+"] == [50, 110 + 40]
    assert not suggestion.suggested_finishes
    (female_split,) = [split for split in suggestion.cells if split.label == "Female 55+"]
    assert female_split.suggested_finish > study.field_end
    assert goals["Male"] == [100, 0]  # cheaper first, it can take the whole 100


def test_a_supplier_with_no_pace_gets_no_more_than_it_has(now):
    study = make_study(now=now, days=10)
    (cell,) = make_cells(study, [("Male", 300)])
    unknown = attach(study, kind="cint", cpi="1.0000")  # the cheapest, but no pace measured yet
    stalled = attach(study, kind="audience_align", cpi="1.2000")
    paced = attach(study, kind="purespectrum", cpi="3.0000")
    quota_for(unknown, cell, goal=100, achieved=10, verdict=Verdict.TOO_EARLY, now=now)
    quota_for(stalled, cell, goal=100, achieved=40, pace=0.0, verdict=Verdict.BEHIND, now=now)
    quota_for(paced, cell, goal=100, achieved=20, pace=10, now=now)

    suggestion, goals = split_of(study, now)

    # 230 to go; the paced supplier finishes 100 by the end; the other two keep at most what they have.
    no_pace, zero_pace, taking = goals["Male"]
    assert no_pace <= 100 and zero_pace <= 100
    assert taking == 20 + 100
    assert no_pace + zero_pace + taking == 300
    assert suggestion.shortfalls == ["Male: 130 short at today's pace"]


def test_no_goal_goes_below_what_is_achieved(now):
    study = make_study(now=now, days=10)
    full, open_cell = make_cells(study, [("Male", 100), ("Female", 100)])
    cheap, dear = attach(study, kind="cint", cpi="1.0000"), attach(study, kind="purespectrum", cpi="5.0000")
    quota_for(cheap, full, goal=60, achieved=55, pace=10, now=now)
    quota_for(dear, full, goal=60, achieved=50, pace=10, now=now)  # 105 achieved: the cell is full
    quota_for(cheap, open_cell, goal=20, achieved=10, pace=50, now=now)
    quota_for(dear, open_cell, goal=80, achieved=70, pace=50, now=now)  # all 20 to go would be cheaper at Cint

    suggestion, goals = split_of(study, now)

    assert goals["Male"] == [55, 50]  # a full cell buys nothing more: each keeps what it achieved
    assert goals["Female"] == [30, 70]  # the dear one never drops below its 70
    for split in suggestion.cells:
        for part in split.parts:
            assert part.suggested >= part.achieved


def test_the_suggestion_costs_no_more_than_todays_split_when_both_finish(now):
    study = make_study(now=now, days=10)
    cells = make_cells(study, [("Male 18–34", 200), ("Male 35+", 150), ("Female 18–34", 180), ("Female 35+", 120)])
    prices = (("cint", "2.2000"), ("purespectrum", "1.8000"), ("audience_align", "2.9000"))
    tgs = [attach(study, kind=kind, cpi=cpi) for kind, cpi in prices]
    for i, cell in enumerate(cells):
        for j, tg in enumerate(tgs):
            # Today's split: a third each; every supplier is fast enough to finish its third in time.
            quota_for(tg, cell, goal=cell.goal // 3 + (cell.goal % 3 if j == 0 else 0), achieved=5 * j, pace=8 + i + j)

    suggestion, _ = split_of(study, now)

    assert suggestion.today_finishes and suggestion.suggested_finishes
    assert suggestion.suggested_cost <= suggestion.today_cost
    assert suggestion.suggested_cost < suggestion.today_cost  # the cheapest one had room: it is cheaper


def test_target_groups_priced_in_different_currencies_get_no_suggestion(now):
    study = make_study(now=now)
    (cell,) = make_cells(study, [("Male", 100)])
    quota_for(attach(study, kind="cint", cpi="2.0000", currency="USD"), cell, goal=50, achieved=0, pace=10)
    quota_for(attach(study, kind="purespectrum", cpi="2.0000", currency="EUR"), cell, goal=50, achieved=0, pace=10)

    suggestion = suggest_split(study_figures(study, now))

    assert "different currencies (EUR, USD)" in suggestion.refused
    assert suggestion.goals() == {}


def test_a_study_past_its_end_or_without_target_groups_gets_an_answer_in_words(pm_client, now):
    from django.urls import reverse

    bare = make_study(now=now)
    make_cells(bare, [("Male", 100)])
    late = make_study(now=now, days=-1)
    (cell,) = make_cells(late, [("Female", 100)])
    quota_for(attach(late), cell, goal=100, achieved=40, pace=30, now=now)

    for study, said in (
        (bare, "Male: 100 short at today&#x27;s pace"),
        (late, "Female: 60 short at today&#x27;s pace"),
    ):
        response = pm_client.get(reverse("studies:suggested_split", args=[study.pk]))
        assert response.status_code == 200
        html = response.content.decode()
        assert said in html
