"""A target group's "updated" time is the supplier's, or when a sync saw it change: never a time still to come."""

import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from projects.inprocess import in_process_session
from projects.models import SupplierKind, TargetGroup
from sandbox.simulation import simulate_parts
from sync.adapters import adapter_for
from sync.pull import sync_connection

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.SANDBOX_JOB_SECONDS = 0
    call_command("seed_demo", stdout=StringIO())


def sync_audience_align():
    surveys = TargetGroup.objects.filter(project__connection__kind=SupplierKind.AUDIENCE_ALIGN)
    connection = surveys.first().project.connection
    sync_connection(connection, adapter=adapter_for(connection, session=in_process_session()))
    return dict(surveys.values_list("name", "remote_updated_at"))


def test_no_target_group_of_the_demo_was_updated_at_a_time_still_to_come(demo):
    now = timezone.now()
    updated = TargetGroup.objects.values_list("project__connection__kind", "name", "remote_updated_at")
    assert {kind for kind, _, _ in updated} == set(SupplierKind.values)
    assert all(when is None or when <= now for _, _, when in updated), [u for u in updated if u[2] and u[2] > now]


def test_an_audience_align_survey_reads_updated_when_a_sync_first_saw_its_row_change(demo):
    seeded = sync_audience_align()
    assert all(seeded.values())

    rng = random.Random(3)
    for _ in range(5):
        simulate_parts(rng=rng, deliver=False, suppliers=["audience_align"])
    before = timezone.now()
    moved = sync_audience_align()
    after = timezone.now()

    assert all(before <= moved[name] <= after for name in moved)  # their progress moved
    assert sync_audience_align() == moved  # nothing moved since: the times stay
