"""The study page: one grid with a row per cell, a column group per attached target group and the combined
columns, the study's totals above, and the suggested split beside today's; its queries do not grow."""

import pytest
from django.urls import reverse
from django.utils import timezone

from quotas.history.pace import Verdict
from studies.models import PlanChange

from .grid_builders import attach, large_study, make_cells, make_study, quota_for

pytestmark = pytest.mark.django_db


def row_of(html, cell):
    return html.split(f'<tr id="cell-{cell.pk}">', 1)[1].split("</tr>", 1)[0]


def test_the_grid_has_a_column_group_per_target_group_and_a_row_per_cell(pm_client):
    now = timezone.now()
    study = make_study(now=now, budget=2000)
    male, female = make_cells(study, [("Male 18–34", 200), ("Female 55+", 100)])
    cint = attach(study, kind="cint", name="US adults Dec (Cint)", completes=190)
    ps = attach(study, kind="purespectrum", name="US adults Dec (PS)", completes=60)
    quota_for(cint, male, goal=120, achieved=70, pace=10, now=now)
    quota_for(ps, male, goal=80, achieved=45, pace=5, now=now)
    quota_for(cint, female, goal=100, achieved=108, pace=4, verdict=Verdict.REACHED, now=now)
    quota_for(ps, female, goal=20, achieved=15, figured=False, now=now)

    html = pm_client.get(study.get_absolute_url()).content.decode()

    grid = html.split('id="combined-grid"', 1)[1]
    head = grid.split("</thead>", 1)[0]
    assert head.index("Cint") < head.index("US adults Dec (Cint)") < head.index("PureSpectrum")
    assert "US adults Dec (PS)" in head and "Combined" in head
    male_row = row_of(html, male)
    assert "Male 18–34" in male_row
    # Cint 120 / 70 at 10.0/day, PureSpectrum 80 / 45 at 5.0/day; combined 115, need 85, none over, 15.0/day.
    for figure in (">120<", ">70<", "10.0/day", ">80<", ">45<", "5.0/day", ">115<", ">85<", "15.0/day"):
        assert figure in male_row
    assert male_row.index("10.0/day") < male_row.index("5.0/day") < male_row.index("15.0/day")
    female_row = row_of(html, female)
    assert "23 over" in female_row  # 108 + 15 past the study goal of 100
    # PureSpectrum's pace is not known yet: a dash that says why, never 0.
    assert 'title="No history yet: the pace is worked out after the next count">–' in female_row
    assert "0.0/day" not in female_row
    totals = html.split('id="study-totals"', 1)[1].split("</dl>", 1)[0]
    assert "500.00 USD" in totals  # 190 + 60 completes at 2.00
    assert "budget of 2,000.00 USD" in totals


def test_a_study_with_no_cells_says_so(pm_client):
    study = make_study()
    html = pm_client.get(study.get_absolute_url()).content.decode()
    assert "This study has no cells yet" in html


def test_the_page_costs_the_same_queries_at_6_and_at_60_cells(pm_client, django_assert_max_num_queries):
    def queries(study):
        with django_assert_max_num_queries(20) as captured:
            response = pm_client.get(study.get_absolute_url())
        assert response.status_code == 200
        return len(captured.captured_queries)

    small, large = large_study(6), large_study(60)
    assert queries(small) == queries(large)


def test_the_suggested_split_is_shown_beside_todays_with_its_cost_and_finish(pm_client):
    now = timezone.now()
    study = make_study(now=now, days=10)
    (cell,) = make_cells(study, [("Male 18–34", 300)])
    cheap = attach(study, kind="purespectrum", cpi="1.5000")
    dear = attach(study, kind="cint", cpi="3.0000")
    # 120 by the end at 12.05 a day (the page's clock runs a moment after this test's).
    quota_for(cheap, cell, goal=150, achieved=50, pace=12.05, now=now)
    quota_for(dear, cell, goal=150, achieved=50, pace=20, now=now)

    html = pm_client.get(reverse("studies:suggested_split", args=[study.pk])).content.decode()

    section = html.split('id="study-suggestion"', 1)[1].split("</details>", 1)[0]
    today = section.split('id="todays-split"', 1)[1].split("</tr>", 1)[0]
    suggested = section.split('id="suggested-split"', 1)[1].split("</tr>", 1)[0]
    assert "450.00 USD" in today and "420.00 USD" in suggested
    assert "after the end date" not in today + suggested
    split_row = section.split(f'id="split-{cell.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "150 →</span> <strong>170</strong>" in split_row and "150 →</span> <strong>130</strong>" in split_row
    assert reverse("studies:apply_suggestion", args=[study.pk]) in section


def test_the_study_page_works_out_the_split_only_when_its_section_is_opened(pm_client):
    now = timezone.now()
    study = make_study(now=now, days=10)
    (cell,) = make_cells(study, [("Male", 100)])
    quota_for(attach(study, cpi="1.0000"), cell, goal=50, achieved=0, pace=20, now=now)
    quota_for(attach(study, kind="purespectrum", cpi="2.0000"), cell, goal=50, achieved=0, pace=20, now=now)
    url = reverse("studies:suggested_split", args=[study.pk])

    page = pm_client.get(study.get_absolute_url()).content.decode()
    assert f'href="{url}#study-suggestion-section"' in page and f'hx-get="{url}"' in page
    assert "Finish suggested" not in page

    section = pm_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert section.lstrip().startswith("<div") and "<html" not in section
    assert "50 →</span> <strong>100</strong>" in section and "50 →</span> <strong>0</strong>" in section


def test_a_viewer_sees_the_suggestion_but_cannot_apply_it(viewer_client):
    now = timezone.now()
    study = make_study(now=now, days=10)
    (cell,) = make_cells(study, [("Male", 100)])
    quota_for(attach(study, cpi="1.0000"), cell, goal=50, achieved=0, pace=20, now=now)
    quota_for(attach(study, kind="purespectrum", cpi="2.0000"), cell, goal=50, achieved=0, pace=20, now=now)
    url = reverse("studies:apply_suggestion", args=[study.pk])

    html = viewer_client.get(reverse("studies:suggested_split", args=[study.pk])).content.decode()
    assert "420.00 USD" not in html and "Finish suggested" in html and url not in html
    assert viewer_client.post(url).status_code == 403
    assert not PlanChange.objects.exists()


def test_applying_a_split_that_changes_nothing_says_so(pm_client):
    now = timezone.now()
    study = make_study(now=now, days=10)
    (cell,) = make_cells(study, [("Male", 100)])
    quota_for(attach(study, cpi="1.0000"), cell, goal=100, achieved=0, pace=20, now=now)

    response = pm_client.post(reverse("studies:apply_suggestion", args=[study.pk]), follow=True)

    assert response.redirect_chain[-1][0] == study.get_absolute_url()
    assert "nothing to change" in response.content.decode()
    assert not PlanChange.objects.exists()


def test_applying_is_a_post_and_an_unknown_study_is_404_with_the_layout(pm_client):
    study = make_study()
    assert pm_client.get(reverse("studies:apply_suggestion", args=[study.pk])).status_code == 405
    response = pm_client.post(reverse("studies:apply_suggestion", args=[999999]))
    assert response.status_code == 404 and "Quota cockpit" in response.content.decode()


def test_the_mapping_is_a_section_drawn_when_it_is_opened(pm_client):
    now = timezone.now()
    study = make_study(now=now)
    (cell,) = make_cells(study, [("Male", 100)])
    quota_for(attach(study), cell, goal=100, achieved=0, now=now)
    url = reverse("studies:mapping", args=[study.pk])

    page = pm_client.get(study.get_absolute_url()).content.decode()
    assert f'hx-get="{url}"' in page and 'id="mapping-rows"' not in page

    opened = pm_client.get(url).content.decode()
    assert "<html" in opened and 'id="mapping-rows"' in opened and 'study-mapping-section" open' in opened
    section = pm_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in section and 'id="mapping-rows"' in section


def test_the_sections_of_a_study_that_does_not_exist_are_404_with_the_layout(pm_client):
    for name in ("studies:suggested_split", "studies:mapping"):
        response = pm_client.get(reverse(name, args=[999999]))
        assert response.status_code == 404 and "Quota cockpit" in response.content.decode()


def test_applying_the_suggestion_sends_one_plan_change_lowering_the_dearer_before_raising_the_cheaper(pm_client):
    now = timezone.now()
    study = make_study(now=now, days=10)
    (cell,) = make_cells(study, [("Male 18–34", 300)])
    cheap = attach(study, kind="purespectrum", cpi="1.5000")
    dear = attach(study, kind="cint", cpi="3.0000")
    cheap_quota = quota_for(cheap, cell, goal=150, achieved=50, pace=12.05, now=now)
    dear_quota = quota_for(dear, cell, goal=150, achieved=50, pace=20, now=now)

    response = pm_client.post(reverse("studies:apply_suggestion", args=[study.pk]), follow=True)

    assert "sent to the suppliers as one plan change" in response.content.decode()
    (plan,) = PlanChange.objects.all()
    assert plan.origin == PlanChange.Origin.SUGGESTION
    parts = {part.target_group_id: part for part in plan.parts.all()}
    assert parts[dear.pk].step == 0 and parts[dear.pk].goals == {dear_quota.remote_id: 130}
    assert parts[dear.pk].change is not None  # the lowering is on its way
    assert parts[cheap.pk].step == 1 and parts[cheap.pk].goals == {cheap_quota.remote_id: 170}
    assert parts[cheap.pk].change is None  # the raise waits for the lowering it pays for


def test_the_page_lists_plan_changes_and_guard_acts_when_there_are_some_and_reads_neither_when_none(pm_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from studies.models import GuardAct

    study = make_study()
    (cell,) = make_cells(study, [("Male", 100)])
    url = study.get_absolute_url()
    with CaptureQueriesContext(connection) as none:
        html = pm_client.get(url).content.decode()
    assert "plan-change-" not in html and "guard-act-" not in html
    plan = PlanChange.objects.create(study=study, summary="Move 20 of Male from Cint to PureSpectrum")
    act = GuardAct.objects.create(study=study, cell=cell, text="“Male” reached 100 of its 100 completes")

    with CaptureQueriesContext(connection) as some:
        html = pm_client.get(url).content.decode()

    # The plan changes (and their parts) and the guard's acts are read only where the study has them.
    assert not any("studies_guardact" in q["sql"] and "EXISTS" not in q["sql"] for q in none.captured_queries)
    assert any("studies_guardact" in q["sql"] and "EXISTS" not in q["sql"] for q in some.captured_queries)

    assert f'id="plan-change-{plan.pk}"' in html and "Move 20 of Male from Cint to PureSpectrum" in html
    assert f'id="guard-act-{act.pk}"' in html and "reached 100 of its 100 completes" in html


def test_a_suggestion_a_supplier_cannot_take_is_refused_in_words_and_nothing_is_sent(pm_client):
    from projects.models import TargetGroup

    now = timezone.now()
    study = make_study(now=now, days=10)
    (cell,) = make_cells(study, [("Male 18–34", 300)])
    cheap = attach(study, kind="purespectrum", cpi="1.5000")
    dear = attach(study, kind="cint", cpi="3.0000")
    quota_for(cheap, cell, goal=150, achieved=50, pace=12.05, now=now)
    quota_for(dear, cell, goal=150, achieved=50, pace=20, now=now)
    # The cheaper survey was closed at PureSpectrum meanwhile: the raise it would get cannot be sent.
    TargetGroup.objects.filter(pk=cheap.pk).update(status=TargetGroup.Status.COMPLETED)

    response = pm_client.post(reverse("studies:apply_suggestion", args=[study.pk]), follow=True)

    assert response.status_code == 200
    html = response.content.decode()
    assert "The suggested split was not sent, nothing was changed" in html
    assert "nothing fills there any more" in html
    assert not PlanChange.objects.exists()
