"""The quota grid: one table for every supplier, first on the page, with the columns its supplier fills;
its edit mode saves every goal and current target as one change; a row's lock stops its traffic."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import SupplierKind
from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from quotas.history.models import QuotaPoint
from quotas.history.reading import quota_paces
from quotas.history.row_figures import refresh_target_group
from quotas.models import Quota
from quotas.rows import day
from quotas.tests.factories import InterlockCellFactory, InterlockedProfileFactory, ProfileFactory, QuotaFactory
from sync.models import RemoteChange

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _tg(kind=SupplierKind.CINT, **fields):
    connection = ConnectionFactory(kind=kind, account_id=f"{kind}-grid")
    return TargetGroupFactory(project__connection=connection, filling_goal=400, status="live", **fields)


@pytest.fixture
def cint():
    tg = _tg()
    age = ProfileFactory(target_group=tg, name="AGE", question_id=42)
    QuotaFactory(profile=age, remote_id="q1", text="18-24", completes_goal=100, completes=112, prescreens=150)
    QuotaFactory(profile=age, remote_id="q2", text="25-34", completes_goal=300, completes=20, prescreens=31)
    gender = ProfileFactory(target_group=tg, name="GENDER", question_id=43)
    QuotaFactory(profile=gender, remote_id="q3", text="Male", completes_goal=200, completes=60)
    QuotaFactory(profile=gender, remote_id="q4", text="Female", completes_goal=200, completes=72)
    interlock = InterlockedProfileFactory(target_group=tg, name="AGE, GENDER")
    InterlockCellFactory(
        interlocked_profile=interlock, remote_id="c1", text="18-24, Male", completes_goal=50, completes=7
    )
    return tg


@pytest.fixture
def survey():
    tg = _tg(SupplierKind.PURESPECTRUM, version="")
    gender = ProfileFactory(target_group=tg, remote_id="211", question_id=211, name="Gender")
    extra = {"criteria": "Gender: Female", "remaining": 63, "currently_open": 43, "locked": False}
    QuotaFactory(profile=gender, remote_id="female", text="Female", completes_goal=100, completes=37,
                 prescreens=90, traffic_cap=80, extra=extra)  # fmt: skip
    QuotaFactory(profile=gender, remote_id="male", text="Male", completes_goal=100, completes=50, traffic_cap=50,
                 extra={"criteria": "Gender: Male", "currently_open": 0, "locked": True})  # fmt: skip
    return tg


def heads(html):
    """The grid's column heads, in order."""
    head = html.split('id="quota-grid"', 1)[1].split("</thead>", 1)[0]
    return [text for text in re.findall(r"<th(?:\s[^>]*)?>([^<]*)", head)]


def row(html, kind, pk):
    return html.split(f'<tr id="{kind}-{pk}"', 1)[1].split("</tr>", 1)[0]


def test_a_cint_grid_has_prescreens_need_and_pace_but_no_current_target(pm_client, cint):
    html = pm_client.get(cint.get_absolute_url()).content.decode()

    assert heads(html)[:9] == ["Quota", "Goal", "Achieved", "Prescreens", "Need", "Fill", "Pace", "Finish", "Last 24 h"]
    over = row(html, "quota", cint.profiles.get(name="AGE").quotas.get(remote_id="q1").pk)
    assert ">112<" in over and "12 over" in over and 'class="fill over"' in over  # paid for and not wanted
    short = row(html, "quota", cint.profiles.get(name="AGE").quotas.get(remote_id="q2").pk)
    assert '<td class="num">280</td>' in short and ">31<" in short  # need: 300 - 20
    assert "Current target" not in html and "Open now" not in html
    # The grid comes before every other section of the page.
    assert html.index('id="quota-grid"') < html.index('id="section-changes"')


def test_a_purespectrum_grid_has_current_targets_open_now_and_locks(pm_client, survey):
    html = pm_client.get(survey.get_absolute_url()).content.decode()
    female = survey.profiles.get().quotas.get(remote_id="female")
    male = survey.profiles.get().quotas.get(remote_id="male")

    assert heads(html)[:7] == ["Quota", "Goal", "Current target", "Achieved", "Starts", "Open now", "Need"]
    cells = row(html, "quota", female.pk)
    for shown in (">100<", ">80<", ">37<", ">90<", ">43<", ">63<", "Gender: Female"):
        assert shown in cells, shown
    assert "Its current target becomes 37, what it has already achieved" in cells
    assert "Locked" in row(html, "quota", male.pk) and f'id="lock-quota-{male.pk}"' not in html


def test_an_audience_align_grid_has_no_column_it_cannot_fill(pm_client):
    tg = _tg(SupplierKind.AUDIENCE_ALIGN)
    region = ProfileFactory(target_group=tg, name="Region", question_id=1)
    QuotaFactory(profile=region, text="West", completes_goal=50, completes=5, prescreens=None)

    html = pm_client.get(tg.get_absolute_url()).content.decode()

    assert heads(html)[:4] == ["Quota", "Goal", "Achieved", "Need"]
    assert "Prescreens" not in heads(html) and "Starts" not in heads(html)


def test_each_rows_pace_and_finish_are_those_of_its_history(pm_client, cint):
    now = timezone.now()
    cint.fielding_start_at, cint.fielding_end_at = now - timedelta(days=2), now + timedelta(days=5)
    cint.save()
    male = cint.profiles.get(name="GENDER").quotas.get(remote_id="q3")
    QuotaPoint.objects.bulk_create(
        QuotaPoint(quota=male, at=now - timedelta(hours=hours), completes=60 - hours) for hours in range(0, 40, 4)
    )

    refresh_target_group(cint, now)  # as the beat does after each snapshot

    html = pm_client.get(cint.get_absolute_url()).content.decode()

    pace = quota_paces(cint, now)[("quota", male.pk)]
    cells = row(html, "quota", male.pk)
    assert f"{pace.per_day:,.1f}/day" in cells and day(pace.projected_finish) in cells


def test_edit_mode_makes_every_goal_a_field_and_one_save_is_one_change(pm_client, cint):
    quotas = {q.remote_id: q for q in Quota.objects.filter(profile__target_group=cint)}
    cell = cint.interlocked_profiles.get().cells.get()
    url = reverse("quotas:grid", args=[cint.pk])

    edit = pm_client.get(url, **HTMX).content.decode()
    assert edit.count('form="grid-form"') == 5  # four quotas and a cell
    data = {f"goal-quota-{q.pk}": q.completes_goal for q in quotas.values()} | {f"goal-cell-{cell.pk}": 50}
    data |= {f"goal-quota-{quotas['q2'].pk}": 310, f"goal-quota-{quotas['q4'].pk}": 210, f"goal-cell-{cell.pk}": 60}
    # The interlock's cells add up to less than the target group's goal: said, and nothing sent yet.
    warned = pm_client.post(url, data, **HTMX).content.decode()
    assert (
        f'id="grid-total-warning-interlock-{cell.interlocked_profile_id}"' in warned and 'id="grid-confirm"' in warned
    )
    assert (
        f'name="goal-quota-{quotas["q2"].pk}" id="goal-quota-{quotas["q2"].pk}"' in warned and 'value="310"' in warned
    )
    assert not RemoteChange.objects.exists()
    response = pm_client.post(url, data | {"confirm": "yes"}, **HTMX)

    change = RemoteChange.objects.get()
    assert response.status_code == 200 and change.state == RemoteChange.State.PENDING
    assert change.payload["goals"] == {"q2": 310, "q4": 210, "c1": 60}
    assert 'id="grid-edit"' in response.content.decode()  # back to reading, with the change's badge


def test_a_wrong_goal_is_said_next_to_its_field_with_the_input_kept_and_nothing_sent(pm_client, cint):
    quota = cint.profiles.get(name="GENDER").quotas.get(remote_id="q3")
    response = pm_client.post(reverse("quotas:grid", args=[cint.pk]), {f"goal-quota-{quota.pk}": "-5"}, **HTMX)

    html = response.content.decode()
    assert f'id="goal-quota-{quota.pk}-error"' in html and 'value="-5"' in html
    assert not RemoteChange.objects.exists()


def test_a_viewer_cannot_open_the_edit_mode(viewer_client, cint):
    assert viewer_client.get(reverse("quotas:grid", args=[cint.pk]), **HTMX).status_code == 403


def test_locking_a_cint_quota_sets_its_goal_to_what_it_has_achieved(pm_client, cint):
    male = cint.profiles.get(name="GENDER").quotas.get(remote_id="q3")
    pm_client.post(reverse("quotas:lock_row", args=[cint.pk]), {"row": f"quota-{male.pk}"}, **HTMX)

    change = RemoteChange.objects.get()
    assert (change.kind, change.payload) == ("set_quota_goals", {"goals": {"q3": 60}})


def test_locking_a_purespectrum_quota_stops_its_traffic(pm_client, survey):
    female = survey.profiles.get().quotas.get(remote_id="female")
    pm_client.post(reverse("quotas:lock_row", args=[survey.pk]), {"row": f"quota-{female.pk}"}, **HTMX)

    change = RemoteChange.objects.get()
    assert change.kind == "set_traffic_cap" and change.payload == {
        "quota_id": "female",
        "traffic_cap": 37,
        "stop": True,
    }


@pytest.mark.parametrize("value", ["", "quota-", "quota-abc", "cell-99999999", "x-1", "quota-99999999999999999999"])
def test_a_lock_of_no_such_row_is_a_404_and_sends_nothing(pm_client, cint, value):
    response = pm_client.post(reverse("quotas:lock_row", args=[cint.pk]), {"row": value})
    assert response.status_code == 404 and not RemoteChange.objects.exists()


def test_each_section_has_its_own_url_that_opens_it(pm_client, cint):
    html = pm_client.get(reverse("quotas:section", args=[cint.pk, "fielding"])).content.decode()
    assert '<details class="section" id="section-fielding" open>' in html
    assert '<details class="section" id="section-launched-settings">' in html  # the others stay closed

    missing = pm_client.get(reverse("quotas:section", args=[cint.pk, "nothing-here"]))
    assert missing.status_code == 404 and "has no section called" in missing.content.decode()


def test_the_edit_mode_shows_no_polling_badge_so_nothing_typed_is_swapped_away(pm_client, cint):
    """A change still settling re-draws the grid when it settles: while the PM types, its badge is not there."""
    male = cint.profiles.get(name="GENDER").quotas.get(remote_id="q3")
    pm_client.post(reverse("quotas:lock_row", args=[cint.pk]), {"row": f"quota-{male.pk}"}, **HTMX)
    assert RemoteChange.objects.get().state == RemoteChange.State.PENDING

    reading = pm_client.get(reverse("quotas:profiles", args=[cint.pk]), **HTMX).content.decode()
    editing = pm_client.get(reverse("quotas:grid", args=[cint.pk]), **HTMX).content.decode()

    assert 'hx-trigger="every 1s"' in reading
    assert 'hx-trigger="every 1s"' not in editing and f'name="goal-quota-{male.pk}"' in editing
