"""The refresh's progress, polled by the page: any moment the client sends is taken without an error."""

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.tests.factories import TargetGroupFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "since", ["9999-12-31T23:59", "2026-02-30T10:00:00Z", "not a moment", "", "2026-12-07T10:00:00+14:00"]
)
def test_any_since_is_answered_without_an_error(pm_client, since):
    tg = TargetGroupFactory(synced_at=timezone.now())

    response = pm_client.get(reverse("quotas:refresh_status", args=[tg.pk]), {"since": since}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
