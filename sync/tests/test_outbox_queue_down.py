"""A PM's change asked while the task queue cannot take tasks (Redis down, the filesystem broker's folders
missing): the page answers with the change stored and pending, never an error page, and the stuck-change
sweep sends it once the queue is back."""

import pytest
import responses
from django.urls import reverse

from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from quotas.models import Profile
from quotas.tests.factories import ProfileFactory, QuotaFactory
from sync.models import RemoteChange
from sync.tests.wire import api_calls, profiles_url, regular_profile, wire  # noqa: F401

from .test_webhooks_queue_down import queue_without_folders

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def tg():
    return TargetGroupFactory(project__connection=ConnectionFactory(), version='W/"1"')


@pytest.fixture
def age(tg):
    profile = ProfileFactory(target_group=tg, remote_id="P-AGE", name="AGE", quotas_enabled=True)
    QuotaFactory(profile=profile, remote_id="Q-18", text="18-24")
    return profile


def test_a_change_asked_while_the_queue_is_down_is_stored_pending_and_the_sweep_sends_it(
    wire,  # noqa: F811
    pm_client,
    tg,
    age,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    from sync.tasks import recover_stuck_changes

    url = profiles_url(tg, "/P-AGE/disable-quotas")
    disabled = regular_profile("P-AGE", "AGE", enabled=False, quotas=[("Q-18", "C-18", "18-24", 100, 0)])
    wire.add(responses.POST, url, json=disabled, headers={"ETag": 'W/"2"'})

    with queue_without_folders(tmp_path), django_capture_on_commit_callbacks(execute=True):
        response = pm_client.post(reverse("quotas:toggle_quotas", args=[tg.pk, age.pk]), {"enabled": "off"}, **HTMX)

    assert response.status_code == 200
    change = RemoteChange.objects.get()
    assert change.state == RemoteChange.State.PENDING
    assert "Pending" in pm_client.get(reverse("sync:change_badge", args=[change.pk]), **HTMX).content.decode()
    assert not api_calls(wire, "POST")  # nothing sent while the queue was down

    recover_stuck_changes(idle_seconds=0)  # the beat's sweep, once the queue takes tasks again

    change.refresh_from_db()
    assert change.state == RemoteChange.State.APPLIED
    assert [call.request.url for call in api_calls(wire, "POST")] == [url]  # sent once
    assert Profile.objects.get(pk=age.pk).quotas_enabled is False


def test_a_refresh_asked_while_the_queue_is_down_says_so_in_words(wire, pm_client, tg, tmp_path):  # noqa: F811
    refresh = reverse("quotas:refresh", args=[tg.pk])
    with queue_without_folders(tmp_path):
        in_place = pm_client.post(refresh, **HTMX)
        whole_page = pm_client.post(refresh, follow=True)

    assert in_place.status_code == 200
    assert "could not be started" in in_place.content.decode()
    assert whole_page.status_code == 200
    assert "could not be started" in whole_page.content.decode()
    assert not api_calls(wire, "GET")  # nothing was read
