"""The dashboard and the project page show a page at a time: the same number of SQL queries whatever
the account's size, the right rows on page 2, under a search, a filter and a sort, and those needing
attention first."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.listing import PAGE_SIZE
from projects.models import TargetGroup
from projects.tests.factories import ConnectionFactory, ProjectFactory, TargetGroupFactory

pytestmark = pytest.mark.django_db
HTMX = {"headers": {"HX-Request": "true"}}


def _names(html):
    """The target groups' names in the order the active list (or the project's table) shows them."""
    return re.findall(r'<a href="/target-groups/\d+/">(Target group [^<]+)</a>', html)


def _queries(client, url, django_assert_max_num_queries, params=None):
    with django_assert_max_num_queries(20) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured.captured_queries)


def _account(target_groups, project=None):
    project = project or ProjectFactory()
    TargetGroup.objects.bulk_create(
        TargetGroup(project=project, remote_id=f"{project.pk}-{i}", name=f"Target group {project.pk}-{i:03d}",
                    status="live", locale="eng_us", filling_goal=100, current_completes=i)
        for i in range(target_groups)
    )  # fmt: skip
    return project


@pytest.mark.parametrize("params", [{}, {"q": "target", "sort": "-completes"}, {"status": "live", "attention": "on"}])
def test_the_dashboard_costs_the_same_queries_for_10_and_200_target_groups(
    pm_client, django_assert_max_num_queries, params
):
    url = reverse("projects:dashboard")
    _account(10)
    TargetGroupFactory(status="paused")  # needs attention: paused by the supplier
    few = _queries(pm_client, url, django_assert_max_num_queries, params)
    for _ in range(4):
        _account(50)
    TargetGroupFactory(status="paused", sync_error="Timed out")
    many = _queries(pm_client, url, django_assert_max_num_queries, params)
    assert many == few
    assert _queries(pm_client, url, django_assert_max_num_queries, {**params, "page": 3}) == few


def test_the_project_page_costs_the_same_queries_for_10_and_200_target_groups(pm_client, django_assert_max_num_queries):
    small, large = _account(10), _account(200)
    for params in ({}, {"q": "target", "sort": "-completes"}, {"attention": "on", "sort": "attention"}):
        few = _queries(pm_client, reverse("projects:project", args=[small.pk]), django_assert_max_num_queries, params)
        many = _queries(pm_client, reverse("projects:project", args=[large.pk]), django_assert_max_num_queries, params)
        assert many == few, params


def test_the_project_list_costs_the_same_queries_for_few_and_many_projects(pm_client, django_assert_max_num_queries):
    _account(3)
    few = _queries(pm_client, reverse("projects:project_list"), django_assert_max_num_queries)
    for _ in range(40):
        _account(2)
    assert _queries(pm_client, reverse("projects:project_list"), django_assert_max_num_queries) == few


def test_the_dashboard_shows_a_page_at_a_time_and_page_2_the_next_ones(pm_client):
    project = _account(PAGE_SIZE + 5)
    url = reverse("projects:dashboard")

    first = pm_client.get(url).content.decode()
    second = pm_client.get(url, {"page": 2}).content.decode()

    expected = [f"Target group {project.pk}-{i:03d}" for i in range(PAGE_SIZE + 5)]
    assert _names(first) == expected[:PAGE_SIZE]
    assert _names(second) == expected[PAGE_SIZE:]
    assert f"1–{PAGE_SIZE} of {PAGE_SIZE + 5}" in first
    assert 'href="?page=2"' in first and 'hx-get="?page=2"' in first  # works with and without JavaScript


def test_needing_attention_comes_first_across_pages(pm_client):
    project = _account(PAGE_SIZE + 5)
    TargetGroup.objects.filter(name=f"Target group {project.pk}-029").update(sync_error="Timed out")
    TargetGroup.objects.filter(name=f"Target group {project.pk}-028").update(status="paused")

    html = pm_client.get(reverse("projects:dashboard")).content.decode()

    assert _names(html)[:3] == [f"Target group {project.pk}-{i}" for i in ("028", "029", "000")]
    assert "2 need attention" in html


def test_page_2_keeps_the_search_the_filters_and_the_sort(pm_client):
    project = _account(PAGE_SIZE + 5)
    other = ConnectionFactory(kind="purespectrum", label="PS")
    _account(3, ProjectFactory(connection=other, name="Elsewhere"))
    TargetGroup.objects.filter(project=project, current_completes__lt=3).update(status="paused")
    url = reverse("projects:dashboard")
    params = {"q": str(project.pk), "supplier": "cint", "status": "live", "sort": "-completes"}

    first = pm_client.get(url, params).content.decode()
    second = pm_client.get(url, {**params, "page": 2}, **HTMX).content.decode()

    live = [f"Target group {project.pk}-{i:03d}" for i in range(PAGE_SIZE + 4, 2, -1)]  # most completes first
    assert _names(first) == live[:PAGE_SIZE]
    assert _names(second) == live[PAGE_SIZE:]
    assert "<html" not in second  # htmx gets the results only
    assert "page=2" in first and "q=" in first and "status=live" in first and "sort=-completes" in first


def test_the_dashboard_filters_those_needing_attention(pm_client):
    project = _account(5)
    TargetGroup.objects.filter(name=f"Target group {project.pk}-003").update(sync_error="Timed out")

    html = pm_client.get(reverse("projects:dashboard"), {"attention": "on"}).content.decode()

    assert _names(html) == [f"Target group {project.pk}-003"]


def test_the_project_page_pages_searches_filters_and_sorts_in_the_database(pm_client):
    project = _account(PAGE_SIZE + 10)
    TargetGroup.objects.filter(project=project, current_completes=7).update(status="paused")
    url = reverse("projects:project", args=[project.pk])

    second = pm_client.get(url, {"page": 2}).content.decode()
    assert _names(second) == [f"Target group {project.pk}-{i:03d}" for i in range(PAGE_SIZE, PAGE_SIZE + 10)]

    by_completes = pm_client.get(url, {"sort": "-completes", "page": 2}, **HTMX).content.decode()
    assert _names(by_completes) == [f"Target group {project.pk}-{i:03d}" for i in range(9, -1, -1)]

    attention = pm_client.get(url, {"sort": "attention"}).content.decode()
    assert _names(attention)[0] == f"Target group {project.pk}-007"
    only = pm_client.get(url, {"attention": "on", "q": "target"}).content.decode()
    assert _names(only) == [f"Target group {project.pk}-007"]


def test_the_dashboard_pages_its_projects_with_their_totals(pm_client):
    for i in range(PAGE_SIZE + 2):
        _account(2, ProjectFactory(name=f"Project {i:03d}"))

    second = pm_client.get(reverse("projects:dashboard"), {"projects_page": 2}).content.decode()

    projects = re.findall(r'<a href="/projects/\d+/">(Project \d+)</a>', second.split("<h2>Projects</h2>")[1])
    assert projects == [f"Project {i:03d}" for i in (PAGE_SIZE, PAGE_SIZE + 1)]
    assert "1 / 200" in second  # completes 0 + 1 of goals 100 + 100


def test_the_dashboard_says_how_far_a_first_sync_has_come(pm_client):
    from sync.models import SyncRun

    connection = ConnectionFactory(label="Agency account")
    SyncRun.objects.create(connection=connection, parts_total=80, parts_done=12, projects_total=2000, projects_done=300)

    page = pm_client.get(reverse("projects:dashboard")).content.decode()

    assert "First sync of Agency account (" in page and "under way:" in page and "300 of 2000 projects read" in page
    SyncRun.objects.update(finished_at=timezone.now())
    assert "under way" not in pm_client.get(reverse("projects:dashboard")).content.decode()
