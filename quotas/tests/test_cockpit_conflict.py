"""A 412 met while sending a PM's change reaches the page as a sentence, not a code."""

import json

import pytest
import responses
from django.urls import reverse

from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from quotas.tests.factories import ProfileFactory, QuotaFactory
from sync.models import RemoteChange
from sync.tests.wire import profiles_payload, profiles_url, regular_profile, wire  # noqa: F401

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_disable_met_by_412_and_a_vanished_profile_is_shown_as_a_conflict_in_words(
    wire,  # noqa: F811
    pm_client,
    django_capture_on_commit_callbacks,
):
    tg = TargetGroupFactory(project__connection=ConnectionFactory(), version='W/"1"')
    age = ProfileFactory(target_group=tg, remote_id="P-AGE", name="AGE")
    QuotaFactory(profile=age, remote_id="Q-18", text="18-24")
    gender = regular_profile("P-GEN", "GENDER", question_id=43, quotas=[("Q-M", "C-M", "Male", 100, 3)])
    wire.add(
        responses.POST,
        profiles_url(tg, "/P-AGE/disable-quotas"),
        status=412,
        body=json.dumps({"detail": "ETag mismatch"}),
        content_type="application/json",
    )
    wire.add(responses.GET, profiles_url(tg), json=profiles_payload(gender), headers={"ETag": 'W/"7"'})

    with django_capture_on_commit_callbacks(execute=True):
        response = pm_client.post(reverse("quotas:toggle_quotas", args=[tg.pk, age.pk]), {"enabled": "off"}, **HTMX)
    assert response.status_code == 200

    change = RemoteChange.objects.get()
    assert change.state == RemoteChange.State.CONFLICT
    badge = pm_client.get(reverse("sync:change_badge", args=[change.pk]), **HTMX).content.decode()
    assert "Conflict" in badge
    assert "“AGE” no longer exists at the supplier" in badge
    assert "412" not in badge
    panel = pm_client.get(reverse("quotas:changes", args=[tg.pk]), **HTMX).content.decode()
    assert "no longer exists at the supplier" in panel
