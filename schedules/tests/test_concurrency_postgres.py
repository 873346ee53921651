"""On PostgreSQL: two beats running the due schedules at the same moment record each due run once."""

import threading

import pytest
from django.db import connections

from schedules.models import ScheduledRun
from schedules.running import run_due
from sync.models import RemoteChange
from sync.tests.test_concurrency_postgres import workers_send  # noqa: F401  (changes stay in the outbox)

from .helpers import ask, purespectrum_tg, utc

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only(settings):
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pytest.skip("row locks are PostgreSQL's (set DATABASE_URL)")


def test_two_beats_at_once_record_one_change_per_due_run(pm, workers_send):  # noqa: F811
    schedules = []
    for _ in range(20):
        tg = purespectrum_tg()
        _, schedule = ask(tg, pm, {"action": "status:pause", "at": "2026-06-02T18:00"}, now=utc(2026, 6, 1, 9, 0))
        schedules.append(schedule)
    start, errors, ran = threading.Barrier(2), [], []

    def beat():
        try:
            start.wait()
            ran.append(run_due(now=utc(2026, 6, 2, 16, 0)))
        except Exception as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert sum(ran) == 20
    for schedule in schedules:
        assert RemoteChange.objects.filter(target_group=schedule.target_group_id).count() == 1
    assert ScheduledRun.objects.count() == 20
