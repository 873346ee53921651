"""Audience-Align's part of `sync_cost.py`: steady-state requests of a pull sync against the floor.

Surveys are made at the sandbox through the cockpit's own client (reached in-process), each with
GENDER and a quota; the first sync reads everything, the second finds nothing changed. The floor
is what any client of this API must ask: the `get_survey` pages (the answer gives no total, so a
full last page takes one more, empty, page to show the end) plus, per survey whose list row
changed, its interlocking and its exclusions (none, in a steady state). The hash cache is on: each
endpoint's hash is asked of `getHashData` once, in the first sync, and counted there.
"""

import time

from _django import SITE_URL

LABEL = "Audience-Align"
FLOOR = "get_survey pages (a full last page needs one more) + interlocking and exclusion reads per changed survey"
ENVIRONMENT = {"AUDIENCE_ALIGN_BASE_URL": f"{SITE_URL}/sandbox/audience-align/v1"}
GENDER = {
    "question_id": 43,
    "conditions_kind": "selection_conditions_details_template",
    "conditions": [{"id": "1", "text": "Male"}, {"id": "2", "text": "Female"}],
}


def pages(count, size):
    return count // size + 1


def measure(size, index):
    from django.conf import settings
    from django.utils import timezone

    from projects.inprocess import in_process_session
    from projects.models import SupplierConnection
    from sandbox.audience_align.wire import ensure_client
    from sandbox.faults import set_faults
    from sandbox.models import AaSurvey
    from suppliers.audience_align.client import SURVEY_PAGE_SIZE
    from sync.adapters import adapter_for
    from sync.pull import sync_connection

    client_id = f"bench-{index}"
    settings.AUDIENCE_ALIGN_CLIENT_ID, settings.AUDIENCE_ALIGN_KEY = client_id, f"key-{index}"
    account = ensure_client(client_id, settings.AUDIENCE_ALIGN_KEY)
    set_faults(error_rate=0.0, rate_limit_rate=0.0, lost_response_rate=0.0, latency_ms=0)
    connection, _ = SupplierConnection.objects.get_or_create(
        kind="audience_align", account_id=client_id, defaults={"label": f"Bench {size}"}
    )
    adapter = adapter_for(connection, session=in_process_session())
    today = timezone.localdate()
    started = time.perf_counter()
    for i in range(size):
        adapter.create_survey(
            {
                "name": f"N{size} survey {i + 1}", "country_id": "229", "language_id": "5", "audience": "b2c",
                "incidence_rate": 40, "loi": 10, "cpi": "2.50", "completes": 200, "start": today.isoformat(),
                "end": today.replace(year=today.year + 1).isoformat(),
                "live_url": "https://survey.example.com/s?uid=[identifier]",
                "test_url": "https://survey.example.com/t?uid=[identifier]",
                "qualifications": [GENDER], "quotas": [{"question_id": 43, "condition": "1", "goal": 100}],
            }
        )  # fmt: skip
    made_in = time.perf_counter() - started

    first = sync_connection(connection, adapter=adapter)
    started = time.perf_counter()
    steady = sync_connection(connection, adapter=adapter)
    steady_seconds = time.perf_counter() - started
    assert first.error_count == 0 and steady.error_count == 0, (first.errors, steady.errors)

    # The floor, counted from the supplier's own records: nothing changed, so only the list pages.
    minimum = pages(AaSurvey.objects.filter(client=account).count(), SURVEY_PAGE_SIZE)
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
