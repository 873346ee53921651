"""Goals a supplier takes but that will not do what the PM expects: warned next to the field, and
sent only once the PM confirms; a filling goal change that moves the quota goals says so first.
The filling goal shows its change next to the field at once."""

import re

import pytest
from django.urls import reverse

from projects.models import SupplierKind
from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from quotas.tests.factories import ProfileFactory, QuotaFactory
from sync.models import RemoteChange

pytestmark = pytest.mark.django_db
HTMX = {"headers": {"HX-Request": "true"}}


def target_group(kind=SupplierKind.CINT, **fields):
    connection = ConnectionFactory(kind=kind, account_id=f"{kind}-1")
    return TargetGroupFactory(project__connection=connection, **fields)


def gender(tg, male=(150, 40), female=(150, 30)):
    profile = ProfileFactory(target_group=tg, name="GENDER")
    QuotaFactory(profile=profile, text="Male", completes_goal=male[0], completes=male[1])
    QuotaFactory(profile=profile, text="Female", completes_goal=female[0], completes=female[1])
    return profile


def post_goals(client, tg, profile, goals, **extra):
    """The grid's form with the goals of `profile`'s quotas, in the order they were made."""
    quotas = list(profile.quotas.order_by("pk"))
    data = {f"goal-quota-{q.pk}": str(goal) for q, goal in zip(quotas, goals, strict=True)} | extra
    return client.post(reverse("quotas:grid", args=[tg.pk]), data, **HTMX)


@pytest.mark.parametrize("kind", [SupplierKind.CINT, SupplierKind.AUDIENCE_ALIGN])
def test_goals_adding_up_below_the_target_groups_goal_are_warned_and_not_sent(pm_client, kind):
    tg = target_group(kind, filling_goal=300, current_completes=70)
    profile = gender(tg, male=(150, 5), female=(150, 5))

    html = post_goals(pm_client, tg, profile, [10, 10]).content.decode()

    assert (
        f'id="grid-total-warning-profile-{profile.pk}">The goals of GENDER add up to 20, below the target '
        "group&#x27;s goal of 300" in html
    )
    assert 'value="10"' in html and "Save anyway" in html
    assert not RemoteChange.objects.exists()

    post_goals(pm_client, tg, profile, [10, 10], confirm="yes")

    change = RemoteChange.objects.get()
    assert sorted(change.payload["goals"].values()) == [10, 10]


def test_a_goal_below_what_is_achieved_is_warned_next_to_its_field(pm_client):
    tg = target_group(filling_goal=300)
    profile = gender(tg, male=(150, 40), female=(150, 30))
    male = profile.quotas.get(text="Male")

    html = post_goals(pm_client, tg, profile, [20, 280]).content.decode()

    assert f'id="goal-quota-{male.pk}-warning">Below the 40 completes it already has' in html
    assert not RemoteChange.objects.exists()


def test_without_javascript_the_warnings_come_back_on_the_page_with_the_input(pm_client):
    tg = target_group(filling_goal=300)
    profile = gender(tg)
    quotas = list(profile.quotas.order_by("pk"))
    data = {f"goal-quota-{quotas[0].pk}": "10", f"goal-quota-{quotas[1].pk}": "10"}

    response = pm_client.post(reverse("quotas:grid", args=[tg.pk]), data)

    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    assert "Nothing was sent yet" in html and "add up to 20" in html and 'name="confirm" value="yes"' in html
    for quota in quotas:  # the input comes back in its field
        assert re.search(rf'name="goal-quota-{quota.pk}"[^>]*value="10"', html)
    assert not RemoteChange.objects.exists()


def test_goals_that_reach_the_target_groups_goal_go_out_at_once(pm_client):
    tg = target_group(filling_goal=300)
    profile = gender(tg)

    post_goals(pm_client, tg, profile, [160, 140])

    assert RemoteChange.objects.get().kind == "set_quota_figures"


def test_raising_a_cint_filling_goal_says_which_quota_goals_move_before_sending(pm_client):
    tg = target_group(filling_goal=300, current_completes=70)
    gender(tg)
    url = reverse("quotas:filling_goal", args=[tg.pk])

    html = pm_client.post(url, {"filling_goal": "400"}, **HTMX).content.decode()

    assert "Cint Exchange moves every quota goal with the filling goal, 2 of them" in html
    assert "Male: 150 → 200" in html and "Female: 150 → 200" in html
    assert 'value="400"' in html and "Change anyway" in html
    assert not RemoteChange.objects.exists()

    pm_client.post(url, {"filling_goal": "400", "confirm": "yes"}, **HTMX)

    assert RemoteChange.objects.get().payload == {"filling_goal": 400}


def test_a_purespectrum_goal_change_moves_no_quota_and_goes_out_at_once(pm_client):
    tg = target_group(SupplierKind.PURESPECTRUM, filling_goal=300, current_completes=70, version="")
    gender(tg)

    html = pm_client.post(reverse("quotas:filling_goal", args=[tg.pk]), {"filling_goal": "400"}, **HTMX)

    assert "moves every quota goal" not in html.content.decode()
    assert RemoteChange.objects.get().payload == {"filling_goal": 400}


def test_a_filling_goal_below_the_completes_achieved_is_warned(pm_client):
    tg = target_group(SupplierKind.PURESPECTRUM, filling_goal=300, current_completes=120, version="")

    url = reverse("quotas:filling_goal", args=[tg.pk])
    html = pm_client.post(url, {"filling_goal": "100"}, **HTMX).content.decode()

    assert 'id="filling-goal-warning" class="warning">The target group already has 120 completes' in html
    assert not RemoteChange.objects.exists()


def test_a_purespectrum_quantity_below_what_is_achieved_is_warned(pm_client):
    tg = target_group(SupplierKind.PURESPECTRUM, filling_goal=200, version="")
    profile = gender(tg, male=(100, 40), female=(100, 37))
    female = profile.quotas.get(text="Female")
    url = reverse("quotas:grid", args=[tg.pk])

    html = pm_client.post(url, {f"goal-quota-{female.pk}": "20"}, **HTMX).content.decode()

    assert f'id="goal-quota-{female.pk}-warning">Below the 37 completes' in html
    assert "The quantities of GENDER add up to 120, below the target group&#x27;s goal of 200" in html
    assert not RemoteChange.objects.exists()


def test_the_filling_goal_shows_its_change_next_to_the_field_at_once(pm_client):
    tg = target_group(filling_goal=300)

    url = reverse("quotas:filling_goal", args=[tg.pk])
    html = pm_client.post(url, {"filling_goal": "320"}, **HTMX).content.decode()

    form = html[html.index('id="filling-goal-form"') :]
    form = form[: form.index("</form>")]
    change = RemoteChange.objects.get()
    assert f'id="change-{change.pk}"' in form and "Pending" in form
    assert "filling goal to 320" in form
