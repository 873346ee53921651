"""The target group page and the PM's actions on it, on the htmx and the plain path."""

import pytest
from django.urls import reverse

from quotas.tests.factories import InterlockCellFactory, InterlockedProfileFactory, ProfileFactory, QuotaFactory
from sync.models import RemoteChange

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def tg(db):
    from projects.tests.factories import TargetGroupFactory

    return TargetGroupFactory(name="US adults", filling_goal=400)


@pytest.fixture
def age(tg):
    profile = ProfileFactory(target_group=tg, name="AGE", question_id=42)
    QuotaFactory(profile=profile, text="18-24", completes_goal=100, completes=100)
    QuotaFactory(profile=profile, text="25-34", completes_goal=300, completes=20)
    return profile


@pytest.fixture
def gender(tg):
    profile = ProfileFactory(target_group=tg, name="GENDER", question_id=43)
    QuotaFactory(profile=profile, text="Male", completes_goal=200)
    QuotaFactory(profile=profile, text="Female", completes_goal=200)
    return profile


@pytest.fixture
def interlock(tg, age, gender):
    interlock = InterlockedProfileFactory(target_group=tg, name="AGE, GENDER")
    InterlockCellFactory(interlocked_profile=interlock, text="18-24, Male", completes_goal=50, completes=7)
    age.interlocked_profile = interlock
    age.save()
    gender.interlocked_profile = interlock
    gender.save()
    return interlock


def page(client, tg):
    return client.get(reverse("quotas:target_group", args=[tg.pk]))


def grid_url(tg):
    return reverse("quotas:grid", args=[tg.pk])


def goals(rows, kind="quota", **typed):
    """The grid's goal fields of `rows` as stored, with `typed` ({pk as str: value}) typed over them."""
    return {f"goal-{kind}-{row.pk}": typed.get(str(row.pk), str(row.completes_goal)) for row in rows}


def test_page_shows_header_profiles_cells_and_fills(pm_client, tg, age, gender, interlock):
    response = page(pm_client, tg)
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("US adults", "AGE", "GENDER", "18-24", "25-34", "Interlock: AGE, GENDER", "18-24, Male"):
        assert text in html
    assert "Joins AGE, GENDER." in html
    assert "Disable quotas" in html and "Remove interlock" in html and 'id="grid-edit"' in html


def test_viewer_sees_no_mutating_controls(viewer_client, tg, age, gender, interlock):
    html = page(viewer_client, tg).content.decode()
    assert "AGE" in html and "18-24, Male" in html
    for control in ("Disable quotas", "Remove interlock", 'id="grid-edit"', 'id="lock-', "Refresh from supplier"):
        assert control not in html


def _action_urls(tg, profile, interlock):
    return [
        (reverse("quotas:toggle_quotas", args=[tg.pk, profile.pk]), {"enabled": "off"}),
        (reverse("quotas:create_interlock", args=[tg.pk]), {"profiles": [profile.pk], "filling_goal": 10}),
        (reverse("quotas:remove_interlock", args=[tg.pk, interlock.pk]), {}),
        (reverse("quotas:grid", args=[tg.pk]), {f"goal-quota-{profile.quotas.first().pk}": 5, "confirm": "yes"}),
        (reverse("quotas:lock_row", args=[tg.pk]), {"row": f"quota-{profile.quotas.last().pk}"}),
        (reverse("quotas:filling_goal", args=[tg.pk]), {"filling_goal": 900}),
        (reverse("quotas:refresh", args=[tg.pk]), {}),
    ]


def test_viewer_post_is_forbidden_and_changes_nothing(viewer_client, tg, age, gender, interlock):
    for url, data in _action_urls(tg, age, interlock):
        for extra in ({}, HTMX):
            response = viewer_client.post(url, data, **extra)
            assert response.status_code == 403, url
    assert not RemoteChange.objects.exists()
    age.refresh_from_db()
    tg.refresh_from_db()
    assert age.quotas_enabled and tg.filling_goal == 400


def test_disable_quotas_htmx_returns_the_block_with_a_polling_badge(pm_client, pm, tg, age):
    response = pm_client.post(reverse("quotas:toggle_quotas", args=[tg.pk, age.pk]), {"enabled": "off"}, **HTMX)
    html = response.content.decode()
    change = RemoteChange.objects.get()
    assert (change.kind, change.profile, change.requested_by, change.state) == ("disable_quotas", age, pm, "pending")
    assert f'id="profile-{age.pk}"' in html
    assert reverse("sync:change_badge", args=[change.pk]) in html and 'hx-trigger="every 1s"' in html
    assert "changes-updated" in response["HX-Trigger"]


def test_disable_quotas_plain_post_redirects_with_a_message(pm_client, tg, age):
    response = pm_client.post(reverse("quotas:toggle_quotas", args=[tg.pk, age.pk]), {"enabled": "off"}, follow=True)
    assert response.redirect_chain[-1][0] == tg.get_absolute_url()
    assert "sent to the supplier" in response.content.decode()
    assert RemoteChange.objects.get().kind == "disable_quotas"


def test_disabling_asks_for_confirmation_in_words(pm_client, tg, age):
    html = page(pm_client, tg).content.decode()
    assert "Respondents will no longer be screened on this profile." in html


def test_enable_quotas_of_a_disabled_profile(pm_client, tg, age):
    age.quotas_enabled = False
    age.save()
    pm_client.post(reverse("quotas:toggle_quotas", args=[tg.pk, age.pk]), {"enabled": "on"}, **HTMX)
    assert RemoteChange.objects.get().kind == "enable_quotas"


def test_interlock_two_profiles_records_one_change_with_the_goal(pm_client, tg, age, gender):
    url = reverse("quotas:create_interlock", args=[tg.pk])
    response = pm_client.post(url, {"profiles": [age.pk, gender.pk], "filling_goal": "350"}, **HTMX)
    change = RemoteChange.objects.get()
    assert change.kind == "create_interlock"
    assert change.payload["target_group_filling_goal"] == 350
    assert sorted(change.payload["profile_ids"]) == sorted([age.remote_id, gender.remote_id])
    assert 'id="profiles"' in response.content.decode()


def test_interlock_form_prefills_the_tg_filling_goal(pm_client, tg, age, gender):
    html = page(pm_client, tg).content.decode()
    assert 'id="id_interlock_goal" class="inline" value="400"' in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"filling_goal": "300"}, "Choose at least two profiles to interlock."),
        ({"profiles": ["AGE"], "filling_goal": "300"}, "Choose at least two profiles to interlock."),
        ({"profiles": ["AGE", "GENDER"], "filling_goal": "0"}, "The filling goal must be at least 1."),
        ({"profiles": ["AGE", "GENDER"], "filling_goal": "12.5"}, "Enter a whole number of completes"),
    ],
)
def test_interlock_bad_input_is_refused_next_to_the_field_and_kept(pm_client, tg, age, gender, data, message):
    ids = {"AGE": age.pk, "GENDER": gender.pk}
    data = {**data, "profiles": [ids[name] for name in data.get("profiles", [])]}
    for extra in ({}, HTMX):
        response = pm_client.post(reverse("quotas:create_interlock", args=[tg.pk]), data, **extra)
        html = response.content.decode()
        assert message in html
        assert f'value="{data["filling_goal"]}"' in html  # the typed value comes back
    assert not RemoteChange.objects.exists()


def test_interlock_refuses_profiles_already_interlocked_in_words(pm_client, tg, age, gender, interlock):
    region = ProfileFactory(target_group=tg, name="REGION")
    response = pm_client.post(
        reverse("quotas:create_interlock", args=[tg.pk]), {"profiles": [age.pk, region.pk], "filling_goal": 5}, **HTMX
    )
    assert "AGE is already in an interlock; remove that interlock first." in response.content.decode()
    assert not RemoteChange.objects.exists()


def test_remove_interlock_asks_for_confirmation_and_records_the_change(pm_client, tg, age, gender, interlock):
    html = page(pm_client, tg).content.decode()
    assert "The individual profile quotas stay, and stay enabled." in html
    members = sorted(interlock.profiles.values_list("remote_id", flat=True))
    response = pm_client.post(reverse("quotas:remove_interlock", args=[tg.pk, interlock.pk]), follow=True)
    change = RemoteChange.objects.get()
    assert change.kind == "remove_interlock"
    assert sorted(change.payload["profile_ids"]) == members
    assert change.payload["interlocked_profile_id"] == interlock.remote_id
    assert response.status_code == 200


def test_quota_goals_send_only_the_goals_that_changed(pm_client, tg, age):
    q1, q2 = age.quotas.order_by("pk")
    data = {f"goal-quota-{q1.pk}": "100", f"goal-quota-{q2.pk}": "320"}
    pm_client.post(grid_url(tg), data, **HTMX)
    change = RemoteChange.objects.get()
    assert change.kind == "set_quota_figures"
    assert change.payload == {"goals": {q2.remote_id: 320}, "targets": {}}


@pytest.fixture
def states(tg):
    """A long profile: 30 states, more than the block shows at first."""
    profile = ProfileFactory(target_group=tg, name="STATE", question_id=96)
    for n in range(30):
        QuotaFactory(profile=profile, text=f"State {n:02}", completes_goal=10, position=n)
    return profile


def test_a_long_profile_shows_its_first_quotas_and_the_rest_on_demand(pm_client, tg, states):
    html = page(pm_client, tg).content.decode()
    assert "State 24" in html and "State 25" not in html
    assert "Show all 30 quotas" in html

    whole = pm_client.get(reverse("quotas:profile", args=[tg.pk, states.pk]), {"rows": "all"}, **HTMX)

    html = whole.content.decode()
    assert html.count('<tr id="quota-') == 30 and "State 29" in html
    assert "Show all" not in html
    # The grid's edit mode shows every goal of a long profile as a field.
    edit = pm_client.get(grid_url(tg), **HTMX).content.decode()
    assert edit.count('name="goal-quota-') == 30 and "Show all" not in edit


def test_saving_the_goals_shown_leaves_the_goals_not_shown_as_they_are(pm_client, tg, states):
    shown = list(states.quotas.order_by("position")[:25])
    data = goals(shown, **{str(shown[0].pk): "12"}) | {"confirm": "yes"}  # small goals

    pm_client.post(grid_url(tg), data, **HTMX)

    assert RemoteChange.objects.get().payload["goals"] == {shown[0].remote_id: 12}


def test_goals_saved_from_the_whole_profile_come_back_whole(pm_client, tg, states):
    last = states.quotas.order_by("position").last()
    data = goals(states.quotas.all(), **{str(last.pk): "15"})

    warned = pm_client.post(grid_url(tg), data, **HTMX).content.decode()  # 30 small goals: a short total
    assert warned.count('name="goal-quota-') == 30 and 'id="grid-confirm"' in warned and 'value="15"' in warned
    assert not RemoteChange.objects.exists()
    saved = pm_client.post(grid_url(tg), data | {"confirm": "yes"}, **HTMX).content.decode()

    change = RemoteChange.objects.get()
    assert change.payload["goals"] == {last.remote_id: 15}
    assert saved.count('<tr id="quota-') == 30 and "Show all" not in saved and 'id="grid-edit"' in saved
    # Once applied, the grid the badge brings back is whole too.
    RemoteChange.objects.filter(pk=change.pk).update(state=RemoteChange.State.APPLIED)
    settled = pm_client.get(reverse("sync:change_badge", args=[change.pk]), **HTMX).content.decode()
    assert 'id="profiles" class="card grid-card" hx-swap-oob="true"' in settled
    assert settled.count('<tr id="quota-') == 30


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-3", "A goal cannot be negative."),
        ("lots", "Enter a whole number"),
        ("99999999999999999999999999", "That is more completes than the cockpit can record: at most 2,147,483,647."),
    ],
)
def test_quota_goal_bad_input_is_shown_next_to_the_field(pm_client, tg, age, typed, message):
    q1, q2 = age.quotas.order_by("pk")
    data = {f"goal-quota-{q1.pk}": "100", f"goal-quota-{q2.pk}": typed}
    for extra in ({}, HTMX):
        html = pm_client.post(grid_url(tg), data, **extra).content.decode()
        assert f'id="goal-quota-{q2.pk}-error">{message}' in html
        assert f'value="{typed}"' in html
    assert not RemoteChange.objects.exists()
    q2.refresh_from_db()
    assert q2.completes_goal == 300


def test_tg_filling_goal_change_and_its_validation(pm_client, tg):
    url = reverse("quotas:filling_goal", args=[tg.pk])
    html = pm_client.post(url, {"filling_goal": "-1"}, **HTMX).content.decode()
    assert "The filling goal must be at least 1." in html and 'value="-1"' in html
    assert not RemoteChange.objects.exists()
    response = pm_client.post(url, {"filling_goal": "650"}, **HTMX)
    change = RemoteChange.objects.get()
    assert (change.kind, change.payload) == ("set_target_group_filling_goal", {"filling_goal": 650})
    assert 'id="tg-header"' in response.content.decode()


def test_a_filling_goal_past_what_the_cockpit_records_is_refused_next_to_the_field(pm_client, tg):
    url = reverse("quotas:filling_goal", args=[tg.pk])
    for extra in ({}, HTMX):
        html = pm_client.post(url, {"filling_goal": "99999999999999999999999999"}, **extra).content.decode()

        assert "That is more completes than the cockpit can record: at most 2,147,483,647." in html
        assert 'value="99999999999999999999999999"' in html
    assert not RemoteChange.objects.exists()
    tg.refresh_from_db()
    assert tg.filling_goal == 400


def test_settled_badge_stops_polling_and_tells_the_page(pm_client, tg, age):
    change = RemoteChange.objects.create(
        kind="disable_quotas",
        connection=tg.project.connection,
        target_group=tg,
        profile=age,
        state=RemoteChange.State.CONFLICT,
        message="The profile was removed at the supplier.",
    )
    response = pm_client.get(reverse("sync:change_badge", args=[change.pk]), **HTMX)
    html = response.content.decode()
    assert "every 1s" not in html
    assert "The profile was removed at the supplier." in html and "Conflict" in html
    assert "change-settled" in response["HX-Trigger"]
    # Only the block the change touched comes back (out of band), not the whole profiles section.
    assert f'<tbody id="profile-{age.pk}" class="profile-rows" hx-swap-oob="true">' in html
    assert 'id="profiles"' not in html and 'id="tg-header"' not in html


def test_asking_for_what_is_already_so_answers_in_words_without_a_change(pm_client, tg, age, gender, interlock):
    cell = interlock.cells.get()
    cases = [
        (
            reverse("quotas:toggle_quotas", args=[tg.pk, age.pk]),
            {"enabled": "on"},
            f'id="profile-{age.pk}"',
            "Quotas on AGE are already enabled.",
        ),
        (
            reverse("quotas:filling_goal", args=[tg.pk]),
            {"filling_goal": "400"},
            'id="tg-header"',
            "The filling goal is unchanged.",
        ),
        (
            grid_url(tg),
            {f"goal-cell-{cell.pk}": "50"},
            'id="profiles"',
            "Nothing to save: every goal and target is as it was.",
        ),
    ]
    for url, data, part, words in cases:
        response = pm_client.post(url, data, **HTMX)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert part in html and words in html
        assert "<html" not in html  # the part only, not a page swapped into it
    assert not RemoteChange.objects.exists()


def test_a_profile_gone_at_the_supplier_cannot_be_changed_from_a_stale_page(pm_client, tg, age):
    from django.utils import timezone

    age.vanished_at = timezone.now()
    age.save()
    response = pm_client.post(reverse("quotas:toggle_quotas", args=[tg.pk, age.pk]), {"enabled": "off"}, **HTMX)
    assert response.status_code == 404
    assert not RemoteChange.objects.exists()


def test_a_cell_goal_change_is_shown_on_the_grid_not_the_header(pm_client, tg, age, gender, interlock):
    cell = interlock.cells.get()
    data = {f"goal-cell-{cell.pk}": "70", "confirm": "yes"}  # one cell of 70 on a goal of 400, confirmed
    pm_client.post(grid_url(tg), data, **HTMX)
    change = RemoteChange.objects.get()
    html = page(pm_client, tg).content.decode()
    profiles_part = html[html.index('id="profiles"') :]
    header_part = html[html.index('id="tg-header"') : html.index('id="profiles"')]
    assert f'id="change-{change.pk}"' in profiles_part
    assert f'id="change-{change.pk}"' not in header_part


def test_bad_goals_without_javascript_show_the_whole_page_with_the_error_in_its_block(pm_client, tg, age, gender):
    q1, q2 = age.quotas.order_by("pk")
    data = {f"goal-quota-{q1.pk}": "-5", f"goal-quota-{q2.pk}": "300"}
    response = pm_client.post(grid_url(tg), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert f'id="goal-quota-{q1.pk}-error">A goal cannot be negative.' in html
    assert 'value="-5"' in html and "GENDER" in html


@pytest.fixture
def hobby(tg):
    profile = ProfileFactory(target_group=tg, name="HOBBY", question_id=77)
    QuotaFactory(profile=profile, text='<b>Golf</b> & "tennis"', completes_goal=20)
    return profile


@pytest.mark.parametrize("persona", ["pm_client", "viewer_client"])
def test_supplier_text_is_shown_as_text_never_as_markup(request, persona, tg, hobby):
    html = page(request.getfixturevalue(persona), tg).content.decode()
    assert "&lt;b&gt;Golf&lt;/b&gt; &amp; &quot;tennis&quot;" in html and "<b>Golf</b>" not in html


def test_a_typed_goal_comes_back_as_text_never_as_markup(pm_client, tg, hobby):
    quota = hobby.quotas.get()
    typed = '"><script>alert(1)</script>'
    data = {f"goal-quota-{quota.pk}": typed}
    html = pm_client.post(grid_url(tg), data, **HTMX).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html  # what was typed comes back, as text


@pytest.mark.parametrize(
    ("completes", "prescreens", "shown"),
    [
        (0, 0, "expected 40% · actual –</dd>"),  # the supplier's 50% is its expectation: no one has answered
        (0, 12, "expected 40% · actual 50%</dd>"),
        (30, 60, "expected 40% · actual 50%</dd>"),
    ],
)
def test_the_actual_incidence_rate_is_shown_once_respondents_measured_it(pm_client, tg, completes, prescreens, shown):
    from decimal import Decimal

    tg.expected_incidence_rate, tg.incidence_rate = Decimal("0.40"), Decimal("0.5")
    tg.expected_length_of_interview_minutes, tg.median_length_of_interview_seconds = 10, 720
    tg.current_completes, tg.current_prescreens = completes, prescreens
    tg.save()
    html = pm_client.get(reverse("quotas:target_group", args=[tg.pk])).content.decode()
    assert shown in html
    length = "expected 10 min · actual 12 min" if completes else "expected 10 min · actual –"
    assert length in html
