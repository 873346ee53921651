"""Cint and PureSpectrum sandboxes behind the live server, each with live target groups mirrored."""

import time

from django.core.cache import cache

from projects.demo_purespectrum import ensure_sandbox_buyer, launch_surveys
from projects.models import SupplierKind
from projects.tests.factories import ConnectionFactory
from quotas.models import Quota
from sandbox.faults import set_faults
from sandbox.seed import ensure_account
from suppliers.cint import CintTransport
from suppliers.purespectrum import PureSpectrumTransport
from sync.models import RemoteChange
from sync.pull import sync_connection
from sync.tests.sandbox import launch_target_groups, supplier_client

CINT_ACCOUNT = "1001"


def no_faults():
    set_faults(error_rate=0.0, rate_limit_rate=0.0, stale_etag_rate=0.0, lost_response_rate=0.0, latency_ms=0,
               retry_after_seconds=0)  # fmt: skip


def live_suppliers(live_server, settings, monkeypatch, *, count=1):
    """`count` live Cint target groups and `count` live PureSpectrum surveys, mirrored; returns the connections."""
    settings.CINT_BASE_URL = live_server.url + "/sandbox/cint/v1"
    settings.CINT_AUTH_URL = live_server.url + "/sandbox/cint/oauth/token"
    settings.CINT_ACCOUNT_ID = CINT_ACCOUNT
    settings.PURESPECTRUM_BASE_URL = live_server.url + "/sandbox/purespectrum/buyers/v2"
    settings.SANDBOX_JOB_SECONDS = 0
    settings.SYNC_BACKOFF_BASE_SECONDS = 0.02
    settings.SYNC_BACKOFF_MAX_SECONDS = 0.3
    settings.SYNC_MAX_ATTEMPTS = 12
    monkeypatch.setattr(CintTransport, "backoff_seconds", 0.01)
    monkeypatch.setattr(PureSpectrumTransport, "backoff_seconds", 0.01)
    cache.clear()
    no_faults()
    ensure_account(CINT_ACCOUNT)
    ensure_sandbox_buyer()
    cint = ConnectionFactory(account_id=CINT_ACCOUNT, label="Cint")
    client = supplier_client(cint)
    launch_target_groups(client, count, per_project=count)
    client.transport.session.close()
    ps = ConnectionFactory(kind=SupplierKind.PURESPECTRUM, account_id="sandbox", label="PureSpectrum")
    client = supplier_client(ps)
    launch_surveys(client, count, prefix="Study", goal=400)
    client.transport.session.close()
    for connection in (cint, ps):
        run = sync_connection(connection)
        assert run.error_count == 0, run.errors
    return cint, ps


def gender_quotas(connection):
    """[(male quota, female quota)] per target group of `connection`, in target group order."""
    pairs = []
    quotas = Quota.objects.filter(profile__target_group__project__connection=connection).select_related(
        "profile__target_group"
    )
    if connection.kind == SupplierKind.PURESPECTRUM:
        by_tg = {}
        for quota in quotas.order_by("profile__target_group", "pk"):
            by_tg.setdefault(quota.profile.target_group_id, {})[quota.remote_id] = quota
        for tg_pk in sorted(by_tg):
            rows = by_tg[tg_pk]
            male = next(q for rid, q in rows.items() if "female" not in rid.lower() and "male" in rid.lower())
            female = next(q for rid, q in rows.items() if "female" in rid.lower())
            pairs.append((male, female))
        return pairs
    gender = quotas.filter(profile__question_id=43).order_by("profile__target_group", "position")
    by_tg = {}
    for quota in gender:
        by_tg.setdefault(quota.profile.target_group_id, []).append(quota)
    return [tuple(by_tg[pk][:2]) for pk in sorted(by_tg)]


def wait_until_settled(timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not RemoteChange.objects.filter(state__in=["pending", "sending"]).exists():
            return
        time.sleep(0.1)
    left = list(RemoteChange.objects.filter(state__in=["pending", "sending"]).values("pk", "kind", "message"))
    raise AssertionError(f"{len(left)} changes did not settle in {timeout} s: {left[:3]}")
