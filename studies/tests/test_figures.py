"""The study's figures: per cell (allocations, achieved, need, over-quota, pace and finish per supplier and
combined), per target group (spend, CPI, currency) and for the study (spend, projected spend against the
budget, blended CPI); what cannot be known is said, never 0; the queries do not grow with the study."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from costs.models import CpiPeriod
from quotas.history.pace import Verdict
from quotas.models import InterlockCell, InterlockedProfile
from studies.figures import NO_HISTORY, NOT_COUNTED, TOO_EARLY, study_figures
from studies.models import Mapping

from .grid_builders import DAY, attach, large_study, make_cells, make_study, quota_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


def test_a_cell_adds_each_suppliers_goal_and_achieved_and_says_its_need(now):
    study = make_study(now=now)
    (male,) = make_cells(study, [("Male 18–34", 200)])
    cint, ps = attach(study, kind="cint"), attach(study, kind="purespectrum")
    quota_for(cint, male, goal=120, achieved=70, pace=10, now=now)
    quota_for(ps, male, goal=80, achieved=50, pace=5, now=now)

    (cell,) = study_figures(study, now).cells

    assert [(s.goal, s.achieved, s.pace) for s in cell.shares] == [(120, 70, 10), (80, 50, 5)]
    assert (cell.goal, cell.allocated, cell.achieved, cell.need, cell.over) == (200, 200, 120, 80, 0)
    # Combined: the paces added up (15/day); 80 to go take 5⅓ days, inside the 7 left.
    assert cell.pace == 15
    assert cell.finish == now + DAY * (80 / 15)
    assert cell.verdict == Verdict.ON_TRACK


def test_a_cell_past_its_study_goal_counts_its_over_quota_completes(now):
    study = make_study(now=now)
    (cell_row,) = make_cells(study, [("Female 55+", 100)])
    quota_for(attach(study, kind="cint"), cell_row, goal=60, achieved=60, pace=4, now=now)
    quota_for(attach(study, kind="purespectrum"), cell_row, goal=50, achieved=52, pace=4, now=now)

    (cell,) = study_figures(study, now).cells

    assert (cell.achieved, cell.need, cell.over, cell.verdict) == (112, -12, 12, Verdict.REACHED)


def test_a_combined_finish_after_the_end_date_is_at_risk_or_behind(now):
    study = make_study(now=now, days=2)
    slow, slower = make_cells(study, [("Male", 100), ("Female", 100)])
    tg = attach(study)
    quota_for(tg, slow, goal=100, achieved=10, pace=40, now=now)  # needs 45/day: 40 is at 89 % of it
    quota_for(tg, slower, goal=100, achieved=10, pace=10, now=now)

    at_risk, behind = study_figures(study, now).cells

    assert at_risk.verdict == Verdict.AT_RISK and at_risk.finish > study.field_end
    assert behind.verdict == Verdict.BEHIND


def test_a_pace_the_cockpit_cannot_know_is_none_with_why_never_zero(now):
    study = make_study(now=now)
    new, early, uncounted = make_cells(study, [("Male", 100), ("Female", 100), ("Other", 10)])
    cint, ps = attach(study, kind="cint"), attach(study, kind="purespectrum")
    quota_for(cint, new, goal=50, achieved=0, figured=False, now=now)
    quota_for(ps, new, goal=50, achieved=5, pace=6, now=now)
    quota_for(cint, early, goal=50, achieved=2, verdict=Verdict.TOO_EARLY, now=now)
    quota_for(ps, uncounted, goal=10, achieved=None, now=now)

    by_label = {cell.cell.label: cell for cell in study_figures(study, now).cells}

    never_counted, paced = by_label["Male"].shares
    assert never_counted.pace is None and never_counted.why == NO_HISTORY
    # The combined pace is Cint's unknown plus PureSpectrum's 6: it is PureSpectrum's alone, and says so.
    assert by_label["Male"].pace == 6 and "Without Cint" in by_label["Male"].pace_why
    assert by_label["Female"].shares[0].why == TOO_EARLY
    assert by_label["Female"].pace is None and by_label["Female"].finish is None
    assert by_label["Other"].shares[1].achieved is None and by_label["Other"].shares[1].why == NOT_COUNTED
    assert by_label["Other"].achieved is None and by_label["Other"].need is None
    assert "PureSpectrum does not count" in by_label["Other"].achieved_why


def test_a_quota_mapped_to_no_cell_counts_nowhere(now):
    study = make_study(now=now)
    (cell_row,) = make_cells(study, [("Male", 100)])
    tg = attach(study)
    quota = quota_for(tg, cell_row, goal=50, achieved=30, pace=5, now=now)
    Mapping.objects.filter(quota=quota).update(cell=None, reason="18–40 straddles 18–34 and 35–54")

    (cell,) = study_figures(study, now).cells

    assert cell.shares == [None] and cell.achieved == 0 and cell.need == 100


def test_spend_cpi_and_projected_spend_per_target_group_and_for_the_study(now):
    study = make_study(now=now, budget=Decimal("1000"))
    male, female = make_cells(study, [("Male", 200), ("Female", 200)])
    cint = attach(study, kind="cint", cpi="2.0000", completes=100)
    ps = attach(study, kind="purespectrum", cpi="3.0000", completes=50)
    # Cint's CPI was 1.50 for its first 40 completes, 2.00 since.
    CpiPeriod.objects.create(target_group=cint, from_at=now - 2 * DAY, cpi="1.5000", currency="USD")
    CpiPeriod.objects.create(target_group=cint, from_at=now - DAY, cpi="2.0000", currency="USD", completes_before=40)
    quota_for(cint, male, goal=120, achieved=60, pace=10, now=now)
    quota_for(cint, female, goal=100, achieved=40, pace=10, now=now)
    quota_for(ps, male, goal=80, achieved=30, pace=5, now=now)
    quota_for(ps, female, goal=100, achieved=20, pace=5, now=now)

    figures = study_figures(study, now)

    cint_column, ps_column = figures.columns
    assert (cint_column.spend, cint_column.cpi, cint_column.currency) == (Decimal("180.00"), Decimal("2"), "USD")
    assert ps_column.spend == Decimal("150.00")
    # Cint's allocations want 120 more at 2.00; PureSpectrum's 130 more at 3.00.
    assert cint_column.projected == Decimal("420.00") and ps_column.projected == Decimal("540.00")
    money = figures.money
    assert (money.spend, money.projected) == (Decimal("330.00"), Decimal("960.00"))
    assert money.blended_cpi == Decimal("2.20")  # 330.00 over 150 completes
    assert [w.text for w in money.warnings] == ["Projected spend 960.00 USD is 96% of the budget 1,000.00 USD."]


def test_spend_in_another_currency_is_said_in_words_never_added(now):
    study = make_study(now=now, currency="USD")
    (cell_row,) = make_cells(study, [("Male", 100)])
    quota_for(attach(study, kind="cint", cpi="2.0000", completes=10), cell_row, goal=50, achieved=10, now=now)
    eur = attach(study, kind="purespectrum", name="UK adults", cpi="4.0000", currency="EUR", completes=20)
    quota_for(eur, cell_row, goal=50, achieved=20, now=now)

    money = study_figures(study, now).money

    assert money.spend == Decimal("20.00") and money.blended_cpi == Decimal("2.00")
    assert any("80.00 EUR" in note and "not in the study's USD" in note for note in money.notes)


def test_no_completes_yet_leaves_the_blended_cpi_unknown_with_why(now):
    study = make_study(now=now)
    (cell_row,) = make_cells(study, [("Male", 100)])
    quota_for(attach(study, completes=0), cell_row, goal=100, achieved=0, figured=False, now=now)

    money = study_figures(study, now).money

    assert money.blended_cpi is None and money.blended_why == "No completes yet in the study's currency"


def test_the_figures_cost_the_same_queries_at_6_and_at_60_cells(now):
    def queries(study):
        with CaptureQueriesContext(connection) as captured:
            study_figures(study, now)
        return len(captured.captured_queries)

    small, large = large_study(6, 2, now=now), large_study(60, 3, now=now)
    assert queries(small) == queries(large) == 4


def test_a_stored_finish_is_shown_as_the_monitor_worked_it_out(now):
    study = make_study(now=now)
    (cell_row,) = make_cells(study, [("Male", 100)])
    finish = now + datetime.timedelta(days=3)
    quota_for(attach(study), cell_row, goal=100, achieved=40, pace=20, finish=finish, now=now)

    (share,) = study_figures(study, now).cells[0].shares

    assert share.finish == finish and share.verdict == Verdict.ON_TRACK


def test_an_interlock_cell_mapped_to_a_cell_counts_as_a_quota_does(now):
    study = make_study(now=now)
    (cell_row,) = make_cells(study, [("Male 18–34", 100)])
    tg = attach(study, kind="cint")
    interlock = InterlockedProfile.objects.create(target_group=tg, remote_id="IL", name="GENDER, AGE")
    crossed = InterlockCell.objects.create(
        interlocked_profile=interlock, remote_id="C1", text="Male, 18-34", completes_goal=60, completes=25,
        pace_per_day=7.5, pace_verdict=Verdict.ON_TRACK, finish_at=now + 5 * DAY, figures_at=now,
    )  # fmt: skip
    Mapping.objects.create(study=study, target_group=tg, interlock_cell=crossed, cell=cell_row, confidence="sure")
    quota_for(attach(study, kind="purespectrum"), cell_row, goal=40, achieved=10, figured=False, now=now)

    (cell,) = study_figures(study, now).cells

    interlocked, quota = cell.shares
    assert (interlocked.goal, interlocked.achieved, interlocked.pace, interlocked.finish) == (
        60,
        25,
        7.5,
        now + 5 * DAY,
    )
    assert (quota.goal, quota.achieved, quota.pace, quota.why) == (40, 10, None, NO_HISTORY)
    assert (cell.achieved, cell.need) == (35, 65)
