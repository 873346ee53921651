"""A whole grid's goals saved as one change (`set_quota_figures`) at Cint's wire: one request for every
profile and interlock cell, the new goals shown at once and read back from the answer, its badge on the
grid, a quota gone at the supplier named in the conflict; what a supplier cannot take refused before
anything is recorded."""

import json

import pytest
import responses

from projects.models import SupplierKind
from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from quotas import page
from quotas.models import InterlockCell, Quota
from quotas.services import request_quota_figures
from quotas.tests.factories import InterlockCellFactory, InterlockedProfileFactory, ProfileFactory, QuotaFactory
from suppliers.adapter import Unsupported
from sync.models import RemoteChange
from sync.tests.wire import (  # noqa: F401  (the `wire` fixture)
    api_calls,
    interlocked_profile,
    profiles_payload,
    profiles_url,
    regular_profile,
    wire,
)
from sync.wording import describe

pytestmark = pytest.mark.django_db


@pytest.fixture
def tg():
    return TargetGroupFactory(project__connection=ConnectionFactory(), version='W/"1"', filling_goal=500)


@pytest.fixture
def age(tg):
    profile = ProfileFactory(target_group=tg, remote_id="P-AGE", name="AGE", question_id=42)
    QuotaFactory(profile=profile, remote_id="Q-18", text="18-24", completes_goal=100)
    QuotaFactory(profile=profile, remote_id="Q-25", text="25-34", completes_goal=100)
    return profile


@pytest.fixture
def cell(tg):
    interlock = InterlockedProfileFactory(target_group=tg, remote_id="IL-1", name="AGE, GENDER")
    return InterlockCellFactory(
        interlocked_profile=interlock, remote_id="CELL-1", text="18-24, Male", completes_goal=10
    )


def supplier_profiles(goals):
    """Cint's profiles answer with these goals: AGE's two quotas and the interlock's cell."""
    age = regular_profile(
        "P-AGE",
        "AGE",
        quotas=[("Q-18", "C-18", "18-24", goals["Q-18"], 1), ("Q-25", "C-25", "25-34", goals["Q-25"], 2)],
    )
    gender = regular_profile("P-GEN", "GENDER", question_id=43, quotas=[("Q-M", "C-M", "Male", 100, 3)])
    interlock = interlocked_profile("IL-1", [age, gender], cells=[("CELL-1", "18-24, Male", goals["CELL-1"], 0)])
    return profiles_payload(age, gender, interlock=interlock)


def ask(tg, goals, targets=None, *, capture, by=None):
    rows = {**{q.remote_id: q for q in Quota.objects.all()}, **{c.remote_id: c for c in InterlockCell.objects.all()}}
    with capture(execute=True):
        change = request_quota_figures(
            tg,
            {rows[rid]: n for rid, n in goals.items()},
            {rows[rid]: n for rid, n in (targets or {}).items()},
            by=by,
        )
    change.refresh_from_db()
    return change


def goals_of(tg):
    quotas = Quota.objects.filter(profile__target_group=tg).values_list("remote_id", "completes_goal")
    cells = InterlockCell.objects.filter(interlocked_profile__target_group=tg).values_list(
        "remote_id", "completes_goal"
    )
    return dict(quotas) | dict(cells)


def test_three_goals_go_in_one_request_and_are_read_back_from_the_answer(
    wire,  # noqa: F811
    tg,
    age,
    cell,
    django_capture_on_commit_callbacks,
):
    url = profiles_url(tg, "/filling-goal")
    wanted = {"Q-18": 150, "Q-25": 80, "CELL-1": 20}
    wire.add(responses.PUT, url, json=supplier_profiles(wanted), status=201, headers={"ETag": 'W/"2"'})

    change = ask(tg, wanted, capture=django_capture_on_commit_callbacks)

    assert change.state == RemoteChange.State.APPLIED
    puts = api_calls(wire, "PUT")
    assert len(puts) == 1 and puts[0].request.headers["If-Match"] == 'W/"1"'
    assert json.loads(puts[0].request.body) == {
        "profiles": [
            {"profile_id": "IL-1", "quotas": [{"quota_id": "CELL-1", "filling_goal": 20}]},
            {
                "profile_id": "P-AGE",
                "quotas": [{"quota_id": "Q-18", "filling_goal": 150}, {"quota_id": "Q-25", "filling_goal": 80}],
            },
        ]
    }
    assert goals_of(tg) == {"Q-18": 150, "Q-25": 80, "Q-M": 100, "CELL-1": 20}
    assert describe(change) == "Change 3 goals"


def test_the_new_goals_show_at_once_and_the_badge_is_on_the_grid(tg, age, cell, pm):
    rows = {q.remote_id: q for q in Quota.objects.all()}
    change = request_quota_figures(tg, {rows["Q-18"]: 150, cell: 20}, {}, by=pm)

    assert change.state == RemoteChange.State.PENDING and change.payload == {
        "goals": {"Q-18": 150, "CELL-1": 20},
        "targets": {},
    }
    assert goals_of(tg) == {"Q-18": 150, "Q-25": 100, "CELL-1": 20}
    assert page.latest_changes(tg) == {"grid": change}
    assert page.profiles_context(tg)["grid_change"] == change


def test_a_quota_gone_at_the_supplier_is_a_conflict_that_names_it(
    wire, tg, age, cell, django_capture_on_commit_callbacks
):  # noqa: F811
    wire.add(responses.PUT, profiles_url(tg, "/filling-goal"), status=412, json={"detail": "Precondition failed"})
    regrouped = regular_profile("P-AGE", "AGE", quotas=[("Q-NEW", "C-18", "18-34", 200, 0)])
    wire.add(responses.GET, profiles_url(tg), json=profiles_payload(regrouped), headers={"ETag": 'W/"3"'})

    change = ask(tg, {"Q-18": 150, "Q-25": 80}, capture=django_capture_on_commit_callbacks)

    assert change.state == RemoteChange.State.CONFLICT
    assert "The quotas “18-24”, “25-34” no longer exist at the supplier" in change.message
    assert "None of these goals and current targets were changed" in change.message
    assert len(api_calls(wire, "PUT")) == 1


def test_goals_already_at_the_supplier_after_a_412_are_applied_without_a_resend(
    wire,  # noqa: F811
    tg,
    age,
    cell,
    django_capture_on_commit_callbacks,
):
    wanted = {"Q-18": 150, "Q-25": 80, "CELL-1": 20}
    wire.add(responses.PUT, profiles_url(tg, "/filling-goal"), status=412, json={"detail": "Precondition failed"})
    wire.add(responses.GET, profiles_url(tg), json=supplier_profiles(wanted), headers={"ETag": 'W/"3"'})

    change = ask(tg, wanted, capture=django_capture_on_commit_callbacks)

    assert change.state == RemoteChange.State.APPLIED
    assert "already had these goals and current targets" in change.message
    assert len(api_calls(wire, "PUT")) == 1


def test_current_targets_are_refused_where_the_supplier_has_none(tg, age, pm):
    quota = Quota.objects.get(remote_id="Q-18")

    with pytest.raises(Unsupported, match="has no current targets"):
        request_quota_figures(tg, {quota: 150}, {quota: 90}, by=pm)

    assert not RemoteChange.objects.exists()
    assert Quota.objects.get(remote_id="Q-18").completes_goal == 100


def test_a_cell_goal_outside_the_suppliers_bounds_is_refused_in_words(pm):
    connection = ConnectionFactory(kind=SupplierKind.AUDIENCE_ALIGN, account_id="aa", label="Audience-Align")
    survey = TargetGroupFactory(project__connection=connection, filling_goal=500)
    interlock = InterlockedProfileFactory(target_group=survey, remote_id="interlock")
    cell = InterlockCellFactory(interlocked_profile=interlock, remote_id="7", text="Male, 18-24", completes_goal=10)

    with pytest.raises(Unsupported, match="“Male, 18-24”"):
        request_quota_figures(survey, {cell: 0}, {}, by=pm)

    assert not RemoteChange.objects.exists()
