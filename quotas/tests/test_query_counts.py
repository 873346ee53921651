"""Pages cost a fixed number of SQL queries, whatever the number of TGs, profiles or quotas."""

import pytest
from django.urls import reverse

from projects.tests.factories import ProjectFactory, TargetGroupFactory
from quotas.models import Profile, Quota
from quotas.tests.factories import InterlockCellFactory, InterlockedProfileFactory
from sync.models import RemoteChange

pytestmark = pytest.mark.django_db


def _tg_with(profiles, quotas):
    tg = TargetGroupFactory()
    rows = Profile.objects.bulk_create(
        Profile(target_group=tg, remote_id=f"P{i}", question_id=i, name=f"Q{i}", position=i) for i in range(profiles)
    )
    Quota.objects.bulk_create(
        Quota(profile=p, remote_id=f"{p.remote_id}-{j}", text=f"Option {j}", completes_goal=10, completes=j, position=j)
        for p in rows
        for j in range(quotas)
    )
    interlock = InterlockedProfileFactory(target_group=tg)
    InterlockCellFactory.create_batch(quotas, interlocked_profile=interlock)
    Profile.objects.filter(pk__in=[rows[0].pk, rows[1].pk]).update(interlocked_profile=interlock)
    for p in rows:
        RemoteChange.objects.create(kind="disable_quotas", connection=tg.project.connection, target_group=tg, profile=p)
    return tg


def _queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_target_group_page_queries_do_not_grow_with_profiles_and_quotas(pm_client, django_assert_max_num_queries):
    small = _tg_with(2, 2)
    large = _tg_with(20, 10)
    limit = 25
    small_url, large_url = (reverse("quotas:target_group", args=[tg.pk]) for tg in (small, large))
    small_count = _queries(pm_client, small_url, django_assert_max_num_queries, limit)
    large_count = _queries(pm_client, large_url, django_assert_max_num_queries, limit)
    assert large_count == small_count


def test_project_page_and_dashboard_queries_do_not_grow_with_target_groups(pm_client, django_assert_max_num_queries):
    few = ProjectFactory()
    TargetGroupFactory.create_batch(2, project=few)
    many = ProjectFactory()
    TargetGroupFactory.create_batch(200, project=many)
    limit = 15
    few_count = _queries(pm_client, reverse("projects:project", args=[few.pk]), django_assert_max_num_queries, limit)
    many_count = _queries(pm_client, reverse("projects:project", args=[many.pk]), django_assert_max_num_queries, limit)
    assert many_count == few_count
    _queries(pm_client, reverse("projects:dashboard"), django_assert_max_num_queries, limit)
    _queries(pm_client, reverse("projects:project_list"), django_assert_max_num_queries, limit)


def test_dashboard_search_sort_and_recently_completed_cost_the_same_for_many(pm_client, django_assert_max_num_queries):
    url = reverse("projects:dashboard")
    params = "?q=target&sort=-completes"
    TargetGroupFactory(status="completed")
    TargetGroupFactory()
    few = _queries(pm_client, url + params, django_assert_max_num_queries, 15)
    TargetGroupFactory.create_batch(60, status="completed")
    TargetGroupFactory.create_batch(60)
    many = _queries(pm_client, url + params, django_assert_max_num_queries, 15)
    assert many == few
    project = ProjectFactory()
    TargetGroupFactory.create_batch(30, project=project, status="completed")
    project_url = reverse("projects:project", args=[project.pk]) + params
    _queries(pm_client, project_url, django_assert_max_num_queries, 15)
