"""Two beats evaluating the same rule at once fire it once and record one outbox change."""

import threading

import pytest
from django.db import connections

from rules.conditions import Reading
from rules.firing import evaluate_all, fire
from rules.models import RuleEpisode
from sync.models import RemoteChange

from .helpers import purespectrum_tg, rule_on, utc

NOW = utc(2026, 6, 1, 9, 0)


@pytest.mark.django_db
def test_a_second_beat_in_the_same_minute_finds_the_episode_open_and_records_nothing(pm):
    tg = purespectrum_tg(cpi="4.00")
    rule_on(tg, pm, name="CPI", condition="cpi", fire_at="3.50", action="pause")

    assert evaluate_all(now=NOW) == 1
    assert evaluate_all(now=NOW) == 0

    assert RuleEpisode.objects.count() == 1
    assert RemoteChange.objects.filter(target_group=tg).count() == 1


@pytest.mark.django_db
def test_a_beat_that_read_no_open_episode_loses_to_the_one_that_opened_it(pm):
    """The second beat read the figures before the first committed: its INSERT is refused, nothing is sent."""
    tg = purespectrum_tg(cpi="4.00")
    rule = rule_on(tg, pm, name="CPI", condition="cpi", fire_at="3.50", action="pause")
    reading = Reading(figure=rule.fire_at + 1)

    assert fire(rule, tg, reading, NOW) == 1
    assert fire(rule, tg, reading, NOW) == 0

    assert RuleEpisode.objects.count() == 1
    assert RemoteChange.objects.filter(target_group=tg).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_beats_at_once_on_postgres_fire_each_rule_once(pm, settings):
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pytest.skip("two writers at once need PostgreSQL (set DATABASE_URL)")
    from config.celery import app

    app.conf.task_always_eager = False  # the changes stay in the outbox: counted, not sent
    try:
        groups = [purespectrum_tg(cpi="4.00") for _ in range(10)]
        for tg in groups:
            rule_on(tg, pm, name="CPI", condition="cpi", fire_at="3.50", action="pause")
        start, errors, fired = threading.Barrier(2), [], []

        def beat():
            try:
                start.wait()
                fired.append(evaluate_all(now=NOW))
            except Exception as exc:  # reported by the test, not lost in the thread
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=beat) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        app.conf.task_always_eager = True

    assert errors == []
    assert sum(fired) == 10
    for tg in groups:
        assert RemoteChange.objects.filter(target_group=tg).count() == 1
        assert RuleEpisode.objects.filter(target_group=tg).count() == 1
