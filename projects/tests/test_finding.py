"""Finding target groups: search by name or id (with or without JavaScript), sortable columns that
keep the search in their links, completed target groups listed, alerts and controls only where
acting helps."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import SupplierKind
from projects.tests.factories import ConnectionFactory, ProjectFactory, TargetGroupFactory
from quotas.tests.factories import ProfileFactory, QuotaFactory

pytestmark = pytest.mark.django_db
HTMX = {"headers": {"HX-Request": "true"}}
FULL_CELLS = "Some quota cells are full while the target group is not"


def names_in_order(html, names):
    found = {name: html.find(name) for name in names}
    assert all(at >= 0 for at in found.values()), found
    return sorted(names, key=found.get)


def test_the_dashboard_finds_a_target_group_by_name_without_javascript(pm_client):
    TargetGroupFactory(name="US adults 18+")
    TargetGroupFactory(name="German parents")

    html = pm_client.get(reverse("projects:dashboard"), {"q": "german"}).content.decode()

    assert "German parents" in html and "US adults 18+" not in html
    assert 'value="german"' in html  # the search stays in its field


def test_the_dashboard_finds_a_target_group_by_its_ids(pm_client):
    TargetGroupFactory(name="Found", human_readable_id="ABC1234")
    TargetGroupFactory(name="Other", remote_id="01HOTHER")
    for q in ("abc1234", "01HOTHER"):
        html = pm_client.get(reverse("projects:dashboard"), {"q": q}).content.decode()
        assert ("Found" in html) == (q == "abc1234")


def test_live_search_answers_with_the_results_only(pm_client):
    TargetGroupFactory(name="German parents")

    html = pm_client.get(reverse("projects:dashboard"), {"q": "german"}, **HTMX).content.decode()

    assert "<html" not in html and 'id="active-target-groups"' in html and "German parents" in html


def test_dashboard_columns_sort_and_their_links_keep_the_search(pm_client):
    TargetGroupFactory(name="Survey small", current_completes=5)
    TargetGroupFactory(name="Survey large", current_completes=300)
    TargetGroupFactory(name="Survey medium", current_completes=40)
    url = reverse("projects:dashboard")

    html = pm_client.get(url, {"q": "survey", "sort": "completes"}).content.decode()
    assert names_in_order(html, ["Survey large", "Survey medium", "Survey small"]) == [
        "Survey small", "Survey medium", "Survey large",
    ]  # fmt: skip
    assert 'aria-sort="ascending"><a href="?q=survey&amp;sort=-completes">' in html

    html = pm_client.get(url, {"q": "survey", "sort": "-completes"}).content.decode()
    assert names_in_order(html, ["Survey small", "Survey large"]) == ["Survey large", "Survey small"]
    assert '<input type="hidden" name="sort" value="-completes">' in html  # a new search keeps the sort


def test_completed_target_groups_are_listed_as_recently_completed(pm_client):
    TargetGroupFactory(name="Done last week", status="completed", remote_updated_at=timezone.now())
    TargetGroupFactory(name="Still live")

    html = pm_client.get(reverse("projects:dashboard")).content.decode()

    recent = html[html.index('id="recently-completed"') :]
    assert "Done last week" in recent and "Still live" not in recent


def test_a_completed_target_group_shows_no_full_cells_alert(pm_client):
    project = ProjectFactory()
    for status in ("live", "completed"):
        tg = TargetGroupFactory(project=project, name=f"TG {status}", status=status, filling_goal=500)
        QuotaFactory(profile=ProfileFactory(target_group=tg), completes_goal=50, completes=50)

    html = pm_client.get(reverse("projects:project", args=[project.pk])).content.decode()

    assert html.count(FULL_CELLS) == 1
    row = re.search(r"TG completed.*?</tr>", html, re.S).group(0)
    assert FULL_CELLS not in row


def test_the_project_page_searches_and_sorts(pm_client):
    project = ProjectFactory()
    TargetGroupFactory(project=project, name="Wave 2 men", current_completes=10)
    TargetGroupFactory(project=project, name="Wave 1 men", current_completes=90)
    TargetGroupFactory(project=project, name="Wave 1 women", current_completes=50)
    url = reverse("projects:project", args=[project.pk])

    html = pm_client.get(url, {"q": "men", "sort": "-completes"}).content.decode()
    assert names_in_order(html, ["Wave 2 men", "Wave 1 men", "Wave 1 women"]) == [
        "Wave 1 men", "Wave 1 women", "Wave 2 men",
    ]  # fmt: skip

    html = pm_client.get(url, {"q": "women"}, **HTMX).content.decode()
    assert "Wave 1 women" in html and "Wave 1 men" not in html and "<html" not in html


@pytest.mark.parametrize("kind", [SupplierKind.CINT, SupplierKind.PURESPECTRUM, SupplierKind.AUDIENCE_ALIGN])
def test_a_completed_target_group_offers_no_quota_or_goal_controls(pm_client, kind):
    connection = ConnectionFactory(kind=kind, account_id=f"{kind}-1")
    tg = TargetGroupFactory(project__connection=connection, status="completed", version="")
    QuotaFactory(profile=ProfileFactory(target_group=tg))

    html = pm_client.get(reverse("quotas:target_group", args=[tg.pk])).content.decode()

    assert 'id="finished-notice"' in html
    assert 'id="filling-goal-form"' not in html and "Save goals" not in html and 'name="required_count"' not in html
    assert 'name="goal-' not in html


def test_a_completed_audience_align_survey_can_still_be_activated(pm_client):
    connection = ConnectionFactory(kind=SupplierKind.AUDIENCE_ALIGN, account_id="aa-1")
    tg = TargetGroupFactory(project__connection=connection, status="completed", version="")

    html = pm_client.get(reverse("quotas:target_group", args=[tg.pk])).content.decode()

    assert ">Activate</button>" in html
