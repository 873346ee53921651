"""Quota fills applied in sets end exactly where applying them one by one ends: every quota's, cell's and
target group's counts, each quota's moment, and the words each event is marked with."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection as db
from django.db import transaction
from django.test.utils import CaptureQueriesContext

from projects.models import TargetGroup
from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from quotas.models import InterlockCell, Quota
from quotas.tests.factories import InterlockCellFactory, ProfileFactory, QuotaFactory
from suppliers.records import QuotaFill, payload_from_json, payload_to_json
from sync.models import WebhookEvent
from sync.webhooks import apply_event, apply_pending

pytestmark = pytest.mark.django_db

START = datetime(2030, 1, 1, 10, 0, tzinfo=UTC)


def an_account():
    """Two connections; target groups with profiles, an interlock, a quota read half an hour in, and one
    target group of the second connection with the same remote id as one of the first."""
    first, second = ConnectionFactory(account_id="1001"), ConnectionFactory(account_id="2002")
    tgs = [TargetGroupFactory(project__connection=first, current_completes=5, current_prescreens=9) for _ in range(3)]
    tgs.append(TargetGroupFactory(project__connection=second, remote_id=tgs[0].remote_id, current_completes=0))
    rows = []
    for tg in tgs:
        for _ in range(2):
            profile = ProfileFactory(target_group=tg)
            rows += [QuotaFactory(profile=profile, completes=0, prescreens=0, synced_at=None) for _ in range(2)]
        rows += InterlockCellFactory.create_batch(2, interlocked_profile__target_group=tg, completes=0, prescreens=None)
    Quota.objects.filter(pk=rows[0].pk).update(synced_at=START + timedelta(minutes=30))  # read after some fills
    return [first, second], tgs, rows


def shuffled_fills(seed, connections, tgs, rows, *, falling):
    """Stored fills in a shuffled order of arrival: repeated deliveries, fills stamped alike, fills older
    than a read, fills of quotas or target groups the cockpit does not have, and no prescreens at times."""
    rng = random.Random(seed)
    targets = [(row.tg.project.connection, row.tg.remote_id, row.remote_id) for row in rows]
    targets += [(connections[0], tgs[1].remote_id, "NOT-MIRRORED"), (connections[1], "NO-SUCH-TG", rows[0].remote_id)]
    fills = []
    for _ in range(160):
        connection, tg_id, quota_id = rng.choice(targets)
        minute = rng.randrange(60)
        completes = rng.randrange(100) if falling else minute * 3  # fills stamped alike say alike when rising
        prescreens = None if rng.random() < 0.2 else completes * 2 + (rng.randrange(2) if falling else 0)
        fills.append((connection, QuotaFill(tg_id, quota_id, completes=completes, prescreens=prescreens), minute))
    fills += rng.sample(fills, 30)  # delivered twice
    rng.shuffle(fills)
    for number, (connection, fill, minute) in enumerate(fills):
        WebhookEvent.objects.create(
            connection=connection,
            event_id=f"e{number}",
            type="com.cint.quota-fill.registered",
            time=START + timedelta(minutes=minute),
            payload=payload_to_json(fill),
        )


def counts():
    return {
        "quotas": list(Quota.objects.order_by("pk").values_list("pk", "completes", "prescreens", "synced_at")),
        "cells": list(InterlockCell.objects.order_by("pk").values_list("pk", "completes", "prescreens", "synced_at")),
        "target groups": list(
            TargetGroup.objects.order_by("pk").values_list("pk", "current_completes", "current_prescreens")
        ),
    }


def one_by_one():
    """The counts and words applying each stored fill on its own, oldest first, leaves (then undone)."""
    outcomes = {}
    with transaction.atomic():
        for row in WebhookEvent.objects.select_related("connection").order_by("time", "pk"):
            with transaction.atomic():
                outcomes[row.pk] = apply_event(row.connection, payload_from_json(row.payload), row.type, row.time)
        result = counts()
        transaction.set_rollback(True)
    return result, outcomes


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("falling", [False, True], ids=["counts rising", "counts going up and down"])
def test_fills_applied_in_sets_end_where_fills_applied_one_by_one_end(seed, falling, caplog):
    connections, tgs, rows = an_account()
    for row in rows:
        row.tg = row.profile.target_group if isinstance(row, Quota) else row.interlocked_profile.target_group
    shuffled_fills(seed, connections, tgs, rows, falling=falling)
    expected, expected_outcomes = one_by_one()
    assert counts() != expected  # the fills moved something

    assert apply_pending() == WebhookEvent.objects.count()

    assert counts() == expected
    assert dict(WebhookEvent.objects.values_list("pk", "outcome")) == expected_outcomes
    assert not [record for record in caplog.records if record.levelname == "ERROR"]  # applied as a set indeed


def test_a_set_of_fills_is_applied_in_a_few_statements_whatever_its_size():
    connections, tgs, rows = an_account()
    for row in rows:
        row.tg = row.profile.target_group if isinstance(row, Quota) else row.interlocked_profile.target_group
    shuffled_fills(1, connections, tgs, rows, falling=False)

    with CaptureQueriesContext(db) as queries:
        assert apply_pending() == 190

    statements = [query["sql"] for query in queries if not query["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    # Read the events, their connections, the quotas, the cells; write them, the target groups' counts, the events'
    # marks; look for more. On PostgreSQL the target groups are locked first, in one more.
    assert len(statements) <= (11 if db.vendor == "postgresql" else 10)
