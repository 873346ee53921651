"""Changes one outbox worker settles per second, against the same supplier requests made raw, per second.

Both measured in one run on the same database, against the same in-process sandbox with no
faults. A Cint account gets a few launched target groups; half of them take outbox changes
(quota toggles, quota goals, filling goals, in the order a PM asks them), the other half the
very same requests made with the supplier's raw client: same endpoints, bodies, a fresh
idempotency key each and the target group's latest ETag in If-Match, with no outbox and no
database of the cockpit's. The floor is that raw client; the ratio says what the outbox (claim,
send, record the outcome, keep the target group's order) costs on top of the supplier's own
time. Each round asks for a burst of changes as a PM's clicks do (ten per target group), then one
worker takes the tasks the cockpit published until none is left: the first change of each target
group's queue, whose task goes on with the ones behind it. Rounds are taken in turns, so whatever
else the machine does weighs on both alike.

It also counts the SQL statements the cockpit runs per change (the sandbox's own statements
left out): those of the worker (claiming to settling, handing over to the next), and those of
recording the change (the PM's request).

    python bench/outbox_throughput.py            # on SQLite, and on PostgreSQL too when DATABASE_URL is set
    python bench/outbox_throughput.py --changes 320 --rounds 8   # a quicker, noisier reading
"""

import argparse
import collections
import threading
import time
import uuid

from _django import IN_PROCESS_SANDBOX, SITE_URL, in_each_database, setup

ACCOUNT_ID = "6301"
TARGET_GROUPS = 4  # per side (outbox, raw client)

KINDS = ("disable_quotas", "enable_quotas", "set_quota_goals", "set_target_group_filling_goal")


def setup_django():
    # A worker's queue is somewhere else: what the outbox enqueues goes to an in-memory broker here,
    # and the bench calls the task's body itself, one change after another, as one worker does.
    setup(
        CELERY_TASK_ALWAYS_EAGER="false",
        CELERY_BROKER_URL="memory://",
        CONN_MAX_AGE="60",
        **IN_PROCESS_SANDBOX,
    )


class Statements:
    """Counts the SQL statements run outside the sandbox (the cockpit's own)."""

    def __init__(self):
        self.local = threading.local()
        self.count = 0

    @property
    def in_sandbox(self):
        return getattr(self.local, "depth", 0) > 0

    def __call__(self, execute, sql, params, many, context):
        if not self.in_sandbox:
            self.count += 1
        return execute(sql, params, many, context)


def counted_session(statements):
    """An in-process session to the sandbox whose requests' statements are not the cockpit's."""
    import requests
    from django.core.handlers.wsgi import WSGIHandler

    from projects.inprocess import InProcessAdapter

    class SandboxAdapter(InProcessAdapter):
        def send(self, request, *args, **kwargs):
            statements.local.depth = getattr(statements.local, "depth", 0) + 1
            try:
                return super().send(request, *args, **kwargs)
            finally:
                statements.local.depth -= 1

    session = requests.Session()
    session.mount(SITE_URL + "/", SandboxAdapter(WSGIHandler()))
    return session


def prepare(statements):
    from projects.models import SupplierConnection, TargetGroup
    from sandbox.faults import set_faults
    from sandbox.seed import ensure_account
    from sync.adapters import adapter_for
    from sync.pull import sync_connection
    from sync.tests.sandbox import launch_target_groups

    ensure_account(ACCOUNT_ID)
    set_faults(error_rate=0, rate_limit_rate=0, stale_etag_rate=0, lost_response_rate=0, latency_ms=0)
    connection = SupplierConnection.objects.create(kind="cint", account_id=ACCOUNT_ID, label="Throughput bench")
    adapter = adapter_for(connection, session=counted_session(statements))
    launch_target_groups(adapter.client, 2 * TARGET_GROUPS, per_project=2 * TARGET_GROUPS)
    run = sync_connection(connection, adapter=adapter)
    assert run.error_count == 0, run.errors
    tgs = list(TargetGroup.objects.filter(project__connection=connection).select_related("project").order_by("pk"))
    return connection, adapter, tgs[:TARGET_GROUPS], tgs[TARGET_GROUPS:]


def plan(tgs, count, start):
    """[(kind, tg, number)]: the changes of one round, the target groups in turns."""
    return [(KINDS[(start + n) // len(tgs) % len(KINDS)], tgs[n % len(tgs)], start + n) for n in range(count)]


class Targets:
    """What a change is about, per target group: the AGE profile and the first GENDER quota."""

    def __init__(self, tgs):
        from quotas.models import Profile, Quota

        self.age = {tg.pk: Profile.objects.get(target_group=tg, question_id=42) for tg in tgs}
        self.quota = {
            tg.pk: Quota.objects.filter(profile__target_group=tg, profile__question_id=43)
            .select_related("profile")
            .order_by("position")
            .first()
            for tg in tgs
        }


def record(connection, targets, changes):
    """The PM's side: each change recorded (and enqueued); returns their ids."""
    from sync.intents import request_change

    ids = []
    for kind, tg, number in changes:
        options = {}
        if kind in ("disable_quotas", "enable_quotas"):
            options["profile"] = targets.age[tg.pk]
        elif kind == "set_quota_goals":
            options["payload"] = {"goals": {targets.quota[tg.pk].remote_id: 40 + number % 50}}
        else:
            options["payload"] = {"filling_goal": 150 + number % 50}
        ids.append(request_change(kind, connection=connection, target_group=tg, **options).pk)
    return ids


class Queue:
    """The send_change tasks the cockpit publishes, in order (Celery's `before_task_publish` signal): what
    one worker takes from the broker. Only the first change of a target group's queue is enqueued when
    asked; a task sends the changes behind it too, or enqueues them."""

    def __init__(self):
        from celery.signals import before_task_publish

        self.changes = collections.deque()
        before_task_publish.connect(self.published, weak=False)

    def published(self, sender=None, body=None, **kwargs):
        if sender == "sync.tasks.send_change":
            args, _kwargs, _embed = body
            self.changes.append(args[0])


def settle(adapter, queue):
    """One worker's side: the tasks published, one after another, until none is left. Returns seconds."""
    from sync.sending import process_change

    started = time.perf_counter()
    while queue.changes:
        process_change(queue.changes.popleft(), adapter=adapter, worker="bench")
    return time.perf_counter() - started


def check_applied(ids):
    from sync.models import RemoteChange

    states = set(RemoteChange.objects.filter(pk__in=ids).values_list("state", flat=True))
    assert states == {"applied"}, states


def raw_calls(client, targets, versions, changes):
    """The floor: the same requests with the raw supplier client, no outbox, no database. Returns seconds."""
    started = time.perf_counter()
    for kind, tg, number in changes:
        project_id, tg_id, key, etag = tg.project.remote_id, tg.remote_id, str(uuid.uuid4()), versions[tg.pk]
        if kind in ("disable_quotas", "enable_quotas"):
            method = client.disable_quotas if kind == "disable_quotas" else client.enable_quotas
            response = method(project_id, tg_id, targets.age[tg.pk].remote_id, idempotency_key=key, if_match=etag)
        else:
            if kind == "set_quota_goals":
                quota = targets.quota[tg.pk]
                goal = {"quota_id": quota.remote_id, "filling_goal": 40 + number % 50}
                body = {"profiles": [{"profile_id": quota.profile.remote_id, "quotas": [goal]}]}
            else:
                body = {"filling_goal": 150 + number % 50}
            response = client.update_filling_goals(project_id, tg_id, body, idempotency_key=key, if_match=etag)
        assert 200 <= response.status < 300, (response.status, response.data)
        versions[tg.pk] = response.etag or etag
    return time.perf_counter() - started


def measure(changes, rounds):
    setup_django()
    from django.db import connection as db

    statements = Statements()
    connection, adapter, outbox_tgs, raw_tgs = prepare(statements)
    outbox_targets, raw_targets = Targets(outbox_tgs), Targets(raw_tgs)
    versions = {tg.pk: tg.version for tg in raw_tgs}
    # Warm up both paths (the token, url resolvers, the first queries), then measure in turns.
    warm = 2 * len(KINDS) * TARGET_GROUPS
    queue = Queue()
    ids = record(connection, outbox_targets, plan(outbox_tgs, warm, 0))
    settle(adapter, queue)
    check_applied(ids)
    raw_calls(adapter.client, raw_targets, versions, plan(raw_tgs, warm, 0))

    per_round = max(1, changes // rounds)
    outbox_s = raw_s = 0.0
    recording = working = 0
    with db.execute_wrapper(statements):
        for i in range(rounds):
            batch = plan(outbox_tgs, per_round, warm + i * per_round)
            statements.count = 0
            ids = record(connection, outbox_targets, batch)
            recording += statements.count
            statements.count = 0
            outbox_s += settle(adapter, queue)
            working += statements.count
            check_applied(ids)
            raw_s += raw_calls(adapter.client, raw_targets, versions, plan(raw_tgs, per_round, warm + i * per_round))
    adapter.close()
    total = per_round * rounds
    settled, calls = total / outbox_s, total / raw_s
    print(f"{db.vendor}: {total} changes (toggles, quota goals, filling goals) on {TARGET_GROUPS} target groups")
    print(f"  settled by one worker:                  {settled:8.1f} changes/s")
    print(f"  raw client, the same requests:          {calls:8.1f} calls/s")
    print(f"  ratio settled / raw:                    {settled / calls:8.2f}")
    print(f"  SQL statements per change, worker:      {working / total:8.1f}")
    print(f"  SQL statements per change, recording:   {recording / total:8.1f}")


def main():
    """SQLite always; PostgreSQL too when DATABASE_URL says so (each in a process of its own)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=960)
    parser.add_argument("--rounds", type=int, default=24)
    args = parser.parse_args()
    if in_each_database(__file__, "cockpit_outbox_bench"):
        measure(args.changes, args.rounds)


if __name__ == "__main__":
    main()
