"""PureSpectrum's part of `sync_cost.py`: the steady-state pull sync of N live surveys against the
sandbox, in requests divided by the survey list's pages (PureSpectrum has no projects, and a
survey whose list row shows no change needs no read). Run through `bench/sync_cost.py`."""

import math
import time

from _django import SITE_URL

LABEL = "PureSpectrum"
FLOOR = "survey list pages"

ENVIRONMENT = {"PURESPECTRUM_BASE_URL": f"{SITE_URL}/sandbox/purespectrum/buyers/v2"}


def measure(size, index):
    from django.conf import settings

    from projects.demo_purespectrum import launch_surveys
    from projects.inprocess import in_process_session
    from projects.models import SupplierConnection
    from sandbox.faults import set_faults
    from sandbox.models import PsSurvey
    from sandbox.purespectrum.seed import ensure_buyer
    from suppliers.purespectrum.adapter import PureSpectrumAdapter
    from suppliers.purespectrum.client import PAGE_SIZE
    from sync.pull import sync_connection

    token = f"bench-token-{size}"
    buyer = ensure_buyer(token, f"Bench {size}")
    set_faults(error_rate=0.0, rate_limit_rate=0.0, lost_response_rate=0.0, latency_ms=0)
    connection, _ = SupplierConnection.objects.get_or_create(
        kind="purespectrum", account_id=f"bench-{size}", defaults={"label": f"Bench {size}"}
    )
    config = {"base_url": settings.PURESPECTRUM_BASE_URL, "access_token": token, "timeout_seconds": 20}
    adapter = PureSpectrumAdapter.from_config(config, session=in_process_session())
    started = time.perf_counter()
    launch_surveys(adapter.client, size, prefix=f"N{size}")
    made_in = time.perf_counter() - started

    first = sync_connection(connection, adapter=adapter)
    started = time.perf_counter()
    steady = sync_connection(connection, adapter=adapter)
    steady_seconds = time.perf_counter() - started

    # The minimum, counted from the supplier's own records: one request per page of the survey list.
    minimum = max(1, math.ceil(PsSurvey.objects.filter(buyer=buyer).count() / PAGE_SIZE))
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
