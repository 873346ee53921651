"""The notifications in the cockpit: the list, the unread count in the top bar, and the settings page."""

import pytest
from django.urls import reverse

from notifications.models import Notification, NotificationSetting
from projects.tests.factories import TargetGroupFactory

pytestmark = pytest.mark.django_db


def note(user, text, **extra):
    return Notification.objects.create(user=user, kind="quota_full", text=text, **extra)


def test_the_top_bar_shows_the_unread_count(pm_client, pm, viewer):
    note(pm, "One."), note(pm, "Two."), note(pm, "Read.", read_at="2030-01-01T00:00Z"), note(viewer, "Not mine.")

    html = pm_client.get(reverse("projects:dashboard")).content.decode()

    assert 'id="unread-count" title="Unread notifications">2</span>' in html


def test_no_unread_no_count(pm_client):
    html = pm_client.get(reverse("notifications:list")).content.decode()

    assert 'id="unread-count"' not in html and "No notifications yet" in html


def test_a_user_sees_only_their_own_notifications(viewer_client, pm, viewer):
    tg = TargetGroupFactory(name="Brand tracker DE")
    note(viewer, "The quota “18-24” is full.", target_group=tg, link=tg.get_absolute_url())
    note(pm, "A change of the PM failed.")

    html = viewer_client.get(reverse("notifications:list")).content.decode()

    assert "The quota “18-24” is full." in html and "Brand tracker DE" in html
    assert "A change of the PM failed." not in html


def test_the_list_costs_the_same_at_any_length(pm_client, pm, django_assert_max_num_queries):
    tg = TargetGroupFactory()
    for number in range(30):
        note(pm, f"Event {number}.", target_group=tg)
    with django_assert_max_num_queries(12) as captured:
        pm_client.get(reverse("notifications:list"))
    few = len(captured)
    Notification.objects.filter(pk__in=Notification.objects.values_list("pk", flat=True)[:28]).delete()
    with django_assert_max_num_queries(few) as captured:
        pm_client.get(reverse("notifications:list"))
    assert len(captured) == few


def test_the_list_is_paginated(pm_client, pm):
    for number in range(30):
        note(pm, f"Event {number:02d}.")

    first = pm_client.get(reverse("notifications:list")).content.decode()
    second = pm_client.get(reverse("notifications:list") + "?page=2").content.decode()

    assert "Event 29." in first and "Event 04." not in first
    assert "Event 04." in second and "Page 2 of 2" in second


def test_mark_one_read_and_open_what_it_is_about(pm_client, pm):
    tg = TargetGroupFactory()
    one = note(pm, "One.", link=tg.get_absolute_url())

    response = pm_client.post(reverse("notifications:read", args=[one.pk]), {"open": "1"})

    assert response.status_code == 302 and response["Location"] == tg.get_absolute_url()
    one.refresh_from_db()
    assert one.read_at is not None


def test_mark_all_read(pm_client, pm, viewer):
    note(pm, "One."), note(pm, "Two.")
    theirs = note(viewer, "Theirs.")

    response = pm_client.post(reverse("notifications:read_all"), follow=True)

    assert "2 notifications marked read." in response.content.decode()
    assert not Notification.objects.filter(user=pm, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_someone_elses_notification_cannot_be_marked(viewer_client, pm):
    theirs = note(pm, "Theirs.")

    assert viewer_client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_settings_are_saved(pm_client, pm, resolver):
    response = pm_client.post(
        reverse("notifications:settings"),
        {
            "scope": "all",
            "kinds": ["quota_full", "change_failed"],
            "timing": "digest",
            "digest_hour": "7",
            "email": "on",
            "webhook_url": "https://hooks.example.com/services/T1/B2/abc",
        },
    )

    assert response.status_code == 302
    setting = NotificationSetting.objects.get(user=pm)
    assert (setting.scope, setting.kinds, setting.timing, setting.digest_hour, setting.email) == (
        "all",
        ["quota_full", "change_failed"],
        "digest",
        7,
        True,
    )


@pytest.mark.parametrize(
    "url, words",
    [
        ("http://hooks.example.com/x", "must start with https://"),
        ("https://127.0.0.1/x", "this server itself"),
        ("https://intranet.example.com/x", "a private network"),
        ("https://169.254.169.254/latest/meta-data", "link-local"),
        ("not a url", "not a web address"),
    ],
)
def test_a_webhook_url_inside_the_network_is_refused_next_to_the_field(pm_client, pm, resolver, url, words):
    response = pm_client.post(
        reverse("notifications:settings"),
        {"scope": "own", "kinds": ["quota_full"], "timing": "at_once", "digest_hour": "8", "webhook_url": url},
    )

    assert response.status_code == 400
    html = response.content.decode()
    field = html[html.index('id="field-webhook_url"') :]
    assert words in field[: field.index("</div>")]
    assert f'value="{url}"' in html  # what the user typed is kept
    assert not NotificationSetting.objects.exists()
