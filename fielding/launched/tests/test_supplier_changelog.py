"""The supplier's changelog beside the cockpit's own changes: who changed what and when, in words,
with the changes made outside the cockpit told apart, one page at a time."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fielding.models import AccountUser
from fielding.tests.cint_launched import MANAGER, OTHER_MANAGER, LaunchedTarget, launched_tg, money
from sync.models import RemoteChange

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def tg(project, directory):
    AccountUser.objects.create(
        connection=project.connection, remote_id=OTHER_MANAGER, name="Sam Other", fetched_at=timezone.now()
    )
    return launched_tg(project)


@pytest.fixture
def supplier(wire, tg):
    return LaunchedTarget(wire, tg)


def changelog(client, tg, after=None):
    url = reverse("fielding:changelog", args=[tg.pk]) + (f"?after={after}" if after else "")
    return client.get(url, headers=HTMX).content.decode()


def test_changes_are_told_in_words_with_who_and_when(viewer_client, tg, supplier):
    supplier.log(("name_change", "Tpyo Fix", "Typo Fix"), ("cpi_change", money("5"), money("1")), user=OTHER_MANAGER)
    supplier.log(
        ("project_manager_change", {"las_user_id": MANAGER}, {"las_user_id": OTHER_MANAGER}),
        ("test_url_change", None, "https://example.com/test"),
        ("expected_incidence_rate_change", 0.5, 0.35),
        user=MANAGER,
    )
    supplier.log(("status_change", "live", "paused"), ("pacing_assistance_change", "linear", None))

    html = changelog(viewer_client, tg)

    assert html.index("The supplier (automatic)") < html.index("Pat Manager") < html.index("Sam Other")  # newest first
    for line in [
        "Name changed from “Tpyo Fix” to “Typo Fix”",
        "CPI changed from 5.00 USD to 1.00 USD",
        "Project manager changed from Pat Manager to Sam Other",
        "Test link set to “https://example.com/test”",
        "Expected incidence rate changed from 50% to 35%",
        "Status changed from “live” to “paused”",
        "Pacing switched off (was “linear”)",
    ]:
        assert f"<div>{line}</div>" in html
    assert "2 Jun 2025 10:00" in html and 'title="2025-06-02T10:00:00+00:00"' in html
    assert html.count('class="badge paused outside"') == 2  # the two users' batches; the supplier's own is automatic


def test_a_value_that_only_looks_like_a_moment_is_shown_as_the_supplier_wrote_it(viewer_client, tg, supplier):
    supplier.log(("name_change", "Wave 2030-13-45T10:00:00", "2030-13-45T10:00:00"), user=OTHER_MANAGER)

    html = changelog(viewer_client, tg)

    assert "<div>Name changed from “Wave 2030-13-45T10:00:00” to “2030-13-45T10:00:00”</div>" in html


def test_the_cockpits_own_writes_are_told_apart_from_those_made_outside_it(pm_client, tg, supplier):
    supplier.log(("cpi_change", money("2.5"), money("2.75")), user=MANAGER)
    at = timezone.make_aware(datetime(2025, 6, 2, 10, 0), timezone.get_current_timezone())
    RemoteChange.objects.create(
        kind="set_cost_per_interview",
        connection=tg.project.connection,
        target_group=tg,
        state="applied",
        payload={"value": "2.7500", "currency_code": "USD"},
        sent_at=at - timedelta(seconds=1),
        finished_at=at + timedelta(seconds=1),
    )

    html = changelog(pm_client, tg)

    assert "through the cockpit" in html and 'class="badge paused outside"' not in html


def test_older_changes_come_a_page_at_a_time(pm_client, tg, supplier):
    for i in range(12):
        supplier.log(("filling_goal_change", 100 + i, 101 + i), user=MANAGER)

    first = changelog(pm_client, tg)
    assert first.count('class="changelog-entry') == 10 and "Filling goal changed from 111 to 112" in first
    cursor = supplier.changelog[9]["id"]
    assert f"?after={cursor}" in first and "Newest changes" not in first

    older = changelog(pm_client, tg, after=cursor)
    assert older.count('class="changelog-entry') == 2 and "Filling goal changed from 100 to 101" in older
    assert "Older changes" not in older and "Newest changes" in older


def test_a_changelog_the_supplier_cannot_give_is_said_in_words(pm_client, tg, wire):
    html = changelog(pm_client, tg)  # nothing answers at the wire

    assert "changelog could not be read" in html and "Reload the page to try again." in html


def test_the_cockpit_page_shows_the_changelog_beside_its_own_changes(pm_client, tg):
    html = pm_client.get(tg.get_absolute_url()).content.decode()

    changes, supplier_log = html.index('id="changes"'), html.index('id="supplier-changelog"')
    assert changes < supplier_log
    assert f'hx-get="{reverse("fielding:changelog", args=[tg.pk])}" hx-trigger="load"' in html
