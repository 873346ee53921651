"""The grid's bulk-edit form: each goal and current target checked as the per-block forms check it, the
error or warning on the field it is about with the input kept, and only what differs from what is stored
asked for."""

import pytest

from projects.models import SupplierKind
from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from quotas.forms import TOO_MANY
from quotas.forms_grid import GridForm
from quotas.models import Quota
from quotas.tests.factories import InterlockCellFactory, InterlockedProfileFactory, ProfileFactory, QuotaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cint():
    """A Cint target group of 200: AGE's two quotas (100 each, 30 and 0 achieved) and an interlock's cell."""
    tg = TargetGroupFactory(project__connection=ConnectionFactory(), filling_goal=200)
    age = ProfileFactory(target_group=tg, name="AGE")
    QuotaFactory(profile=age, remote_id="Q-18", text="18-24", completes_goal=100, completes=30)
    QuotaFactory(profile=age, remote_id="Q-25", text="25-34", completes_goal=100, completes=0)
    interlock = InterlockedProfileFactory(target_group=tg, name="AGE, GENDER")
    InterlockCellFactory(interlocked_profile=interlock, remote_id="C-1", text="18-24, Male", completes_goal=50)
    return tg


@pytest.fixture
def survey():
    """A PureSpectrum survey of 400: "Female" at 200 capped at 150, "Male" at 200 uncapped."""
    connection = ConnectionFactory(kind=SupplierKind.PURESPECTRUM, account_id="sandbox", label="PureSpectrum")
    tg = TargetGroupFactory(project__connection=connection, project__remote_id="surveys", filling_goal=400)
    gender = ProfileFactory(target_group=tg, name="Gender")
    QuotaFactory(profile=gender, remote_id="female", text="Female", completes_goal=200, completes=40, traffic_cap=150)
    QuotaFactory(profile=gender, remote_id="male", text="Male", completes_goal=200, completes=40, traffic_cap=200)
    return tg


def quotas_of(tg):
    return list(Quota.objects.filter(profile__target_group=tg).order_by("remote_id"))


def cells_of(tg):
    return [cell for interlock in tg.interlocked_profiles.all() for cell in interlock.cells.all()]


def grid(tg, data=None):
    return GridForm(data, tg=tg, quotas=quotas_of(tg), cells=cells_of(tg))


def posted(tg, **figures):
    """Every field as the grid shows it, with `figures` ({"goal_Q-18": "150"}) typed over it."""
    data = {}
    for kind, rows in (("quota", quotas_of(tg)), ("cell", cells_of(tg))):
        for row in rows:
            data[f"goal-{kind}-{row.pk}"] = str(row.completes_goal)
            if tg.capabilities.traffic_caps:
                data[f"target-{kind}-{row.pk}"] = str(row.traffic_cap)
    for key, value in figures.items():
        figure, rid = key.split("_", 1)
        row = next(r for r in quotas_of(tg) + cells_of(tg) if r.remote_id == rid)
        data[f"{figure}-{'cell' if row in cells_of(tg) else 'quota'}-{row.pk}"] = value
    return data


def name(tg, figure, rid):
    row = next(r for r in quotas_of(tg) + cells_of(tg) if r.remote_id == rid)
    return f"{figure}-{'cell' if row in cells_of(tg) else 'quota'}-{row.pk}"


def test_every_goal_is_a_field_and_only_suppliers_with_current_targets_get_target_fields(cint, survey):
    assert sorted(grid(cint).fields) == sorted(
        [name(cint, "goal", "Q-18"), name(cint, "goal", "Q-25"), name(cint, "goal", "C-1")]
    )
    assert name(survey, "target", "female") in grid(survey).fields
    assert grid(survey)[name(survey, "target", "female")].value() == 150


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "A goal cannot be negative."),
        ("lots", "Enter a whole number, such as 120."),
        ("3000000000", TOO_MANY),
        ("", "Give a goal (0 or more)."),
    ],
)
def test_a_wrong_goal_is_refused_next_to_its_field_with_the_input_kept(cint, typed, message):
    form = grid(cint, posted(cint, **{"goal_Q-25": typed, "goal_Q-18": "120"}))

    assert not form.is_valid()
    assert form.errors == {name(cint, "goal", "Q-25"): [message]}
    assert form[name(cint, "goal", "Q-25")].value() == typed
    assert form[name(cint, "goal", "Q-18")].value() == "120"


def test_a_quantity_above_the_surveys_goal_is_refused_on_its_field(survey):
    form = grid(survey, posted(survey, **{"goal_male": "401"}))

    assert not form.is_valid()
    assert form.errors == {
        name(survey, "goal", "male"): ["A quota's quantity cannot be above the survey's completes goal (400)."]
    }


def test_a_current_target_above_its_new_quantity_is_refused_on_the_target(survey):
    form = grid(survey, posted(survey, **{"goal_female": "120", "target_female": "130"}))

    assert not form.is_valid()
    assert form.errors == {
        name(survey, "target", "female"): [
            "The current target cannot be above the quota's quantity (120); raise the quantity first."
        ]
    }
    assert form[name(survey, "target", "female")].value() == "130"


def test_a_current_target_may_go_up_with_its_quantity_in_the_same_save(survey):
    form = grid(survey, posted(survey, **{"goal_female": "300", "target_female": "250"}))

    assert form.is_valid(), form.errors
    female = Quota.objects.get(remote_id="female")
    assert form.changed() == ({female: 300}, {female: 250})


def test_a_current_target_left_as_it_was_follows_a_lower_quantity(survey):
    form = grid(survey, posted(survey, **{"goal_female": "100"}))

    assert form.is_valid(), form.errors
    assert form.changed() == ({Quota.objects.get(remote_id="female"): 100}, {})


def test_nothing_changed_asks_for_nothing(cint, survey):
    for tg in (cint, survey):
        form = grid(tg, posted(tg))
        assert form.is_valid() and form.changed() == ({}, {})


def test_a_cell_goal_outside_the_suppliers_bounds_is_refused_on_the_cell():
    connection = ConnectionFactory(kind=SupplierKind.AUDIENCE_ALIGN, account_id="aa", label="Audience-Align")
    tg = TargetGroupFactory(project__connection=connection, filling_goal=100)
    InterlockCellFactory(
        interlocked_profile=InterlockedProfileFactory(target_group=tg), remote_id="7", completes_goal=10
    )

    form = grid(tg, posted(tg, **{"goal_7": "0"}))

    assert not form.is_valid()
    assert form.errors == {name(tg, "goal", "7"): ["A goal must be at least 1."]}


def test_a_goal_below_what_is_achieved_and_a_short_total_are_warnings_to_confirm(cint):
    data = posted(cint, **{"goal_Q-18": "20"})
    form = grid(cint, data)

    assert form.is_valid()
    assert not form.check() and form.needs_confirmation
    assert form.warnings == {
        name(cint, "goal", "Q-18"): "Below the 30 completes it already has: it takes no more respondents."
    }
    profile = Quota.objects.get(remote_id="Q-18").profile_id
    assert form.total_warnings == {
        f"profile-{profile}": "The goals of AGE add up to 120, below the target group's goal of 200: with these "
        "quotas on, the target group cannot reach its goal."
    }

    confirmed = grid(cint, {**data, "confirm": "yes"})
    assert confirmed.is_valid() and confirmed.check()


def test_the_goals_not_posted_count_in_the_total_as_they_are_stored(cint):
    shown = {name(cint, "goal", "Q-18"): "150"}  # a long profile's first rows only

    form = grid(cint, shown)

    assert list(form.fields) == [name(cint, "goal", "Q-18")]
    assert form.is_valid() and form.check()  # 150 + the stored 100 of 25-34: no warning
    assert form.changed() == ({Quota.objects.get(remote_id="Q-18"): 150}, {})
