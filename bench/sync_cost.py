"""How many requests a steady-state pull sync makes, against the least it could make, per supplier.

For N = 10, 100 and 1000 launched target groups (surveys) at the sandbox (made through the
supplier's own client, reached in-process), run a first sync, then a second one with
nothing changed, and print the second run's requests divided by the minimum: one request
per list page (for Cint: projects, then each project's target groups; each other supplier's
module, `sync_cost_<kind>.py`, counts its own) plus one read per target group whose list
row changed (none, in a steady state). 1.00 means the sync costs exactly that.

    python bench/sync_cost.py            # a temporary SQLite database
    DATABASE_URL=postgres://... python bench/sync_cost.py
"""

import importlib
import math
import time

from _django import IN_PROCESS_SANDBOX, setup

# The other suppliers' measurements: modules next to this one with `LABEL`, `FLOOR` (the
# minimum in words), `ENVIRONMENT` (settings they need) and `measure(size, index)` returning
# the same keys as `measure` below.
OTHER_SUPPLIERS = ("purespectrum", "audience_align")

SIZES = (10, 100, 1000)
PER_PROJECT = 10


def setup_django(**more):
    setup(**more, **IN_PROCESS_SANDBOX)


def pages(count, size=100):
    return max(1, math.ceil(count / size))


def measure(size, account_id):
    from projects.inprocess import in_process_session
    from projects.models import SupplierConnection
    from sandbox.faults import set_faults
    from sandbox.models import Project as SandboxProject
    from sandbox.seed import ensure_account
    from sync.adapters import adapter_for
    from sync.pull import sync_connection
    from sync.tests.sandbox import launch_target_groups

    ensure_account(account_id)
    set_faults(error_rate=0.0, rate_limit_rate=0.0, stale_etag_rate=0.0, latency_ms=0)
    connection, _ = SupplierConnection.objects.get_or_create(
        kind="cint", account_id=str(account_id), defaults={"label": f"Bench {size}"}
    )
    session = in_process_session()
    started = time.perf_counter()
    adapter = adapter_for(connection, session=session)
    launch_target_groups(adapter.client, size, per_project=PER_PROJECT, prefix=f"N{size}")
    made_in = time.perf_counter() - started

    first = sync_connection(connection, adapter=adapter)
    started = time.perf_counter()
    steady = sync_connection(connection, adapter=adapter)
    steady_seconds = time.perf_counter() - started

    # The minimum, counted from the supplier's own records.
    projects = SandboxProject.objects.filter(account_id=account_id)
    list_pages = pages(projects.count()) + sum(pages(p.target_groups.count()) for p in projects)
    # Nothing changed between the two syncs: the list rows say so, and no target group needs a read.
    minimum = list_pages
    assert first.error_count == 0 and steady.error_count == 0, (first.errors, steady.errors)
    return {
        "size": size,
        "first": first.requests_made,
        "steady": steady.requests_made,
        "minimum": minimum,
        "ratio": steady.requests_made / minimum,
        "unchanged": steady.target_groups_unchanged,
        "made_in": made_in,
        "steady_seconds": steady_seconds,
    }


def print_rows(label, measure_one, floor_words):
    print(f"\n{label}")
    header = ("N", "first sync", "steady sync", "minimum", "ratio", "unchanged", "steady s")
    print("{:>6} {:>10} {:>11} {:>8} {:>6} {:>9} {:>8}".format(*header))
    for i, size in enumerate(SIZES):
        row = measure_one(size, i)
        print(
            f"{row['size']:>6} {row['first']:>10} {row['steady']:>11} {row['minimum']:>8} "
            f"{row['ratio']:>6.2f} {row['unchanged']:>9} {row['steady_seconds']:>8.2f}",
            flush=True,
        )
    print(f"ratio = steady-state requests / ({floor_words})")


def main():
    others = [importlib.import_module(f"sync_cost_{kind}") for kind in OTHER_SUPPLIERS]
    environment = {}
    for module in others:
        environment.update(module.ENVIRONMENT)
    setup_django(**environment)
    print_rows("Cint", lambda size, i: measure(size, account_id=7000 + i), "list pages + one read per changed TG")
    for module in others:
        print_rows(module.LABEL, module.measure, module.FLOOR)


if __name__ == "__main__":
    main()
