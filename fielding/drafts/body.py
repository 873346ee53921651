"""The draft target group body: what the cockpit keeps, what it sends, and back.

The body is the contract's ``CreateDraftTargetGroupRequest`` (the update takes the same
shape), kept in ``TargetGroup.details["draft"]`` while the TG is a draft. Keys starting
with ``_`` are the cockpit's own notes (the pricing model, a profile's quota unit, a
question's name) and are stripped before sending.

A project or target group the supplier has not created yet carries a placeholder
``remote_id`` (``pending-…``) so the unique constraints hold; the create's answer
replaces it.
"""

import uuid
from datetime import UTC
from decimal import Decimal

from projects.models import PENDING_PREFIX
from suppliers import values

DRAFT_KEY = "draft"


def pending_remote_id():
    return f"{PENDING_PREFIX}{uuid.uuid4().hex}"


def is_created(obj):
    """Whether the supplier knows this project or target group (it has a real id)."""
    return bool(obj.remote_id) and not obj.remote_id.startswith(PENDING_PREFIX)


def rfc3339(value):
    """``2025-01-30T08:00:00.000Z``: UTC with milliseconds, as the contract asks."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(value):
    return values.when(value)


def money(value, currency):
    return {"value": f"{Decimal(value):.4f}", "currency_code": currency}


def empty_profile():
    return {"profile_adjustment_type": "percentage", "drafts": [], "interlocked_profiles": []}


def draft_body(tg):
    """The draft as the cockpit last meant it (a copy), or an empty body for a new TG."""
    body = dict((tg.details or {}).get(DRAFT_KEY) or {})
    body.setdefault("profile", empty_profile())
    return body


def apply_draft_body(tg, body):
    """Show a draft body on the TG's own columns, and keep the body itself in `details`."""
    spec = body.get("fielding_specification") or {}
    cpi = body.get("cost_per_interview") or {}
    ir = body.get("expected_incidence_rate")
    tg.name = body.get("name", tg.name)
    tg.business_unit_id = str(body.get("business_unit_id") or "")
    tg.project_manager_id = body.get("project_manager_id") or ""
    tg.study_type_code = body.get("study_type_code") or ""
    tg.industry_code = body.get("industry_code") or ""
    tg.industry_lockout_code = body.get("industry_lockout_code") or ""
    tg.locale = body.get("locale") or tg.locale
    tg.collects_pii = bool(body.get("collects_pii"))
    tg.filling_goal = body.get("filling_goal") or 0
    tg.expected_length_of_interview_minutes = body.get("expected_length_of_interview_minutes")
    tg.expected_incidence_rate = None if ir is None else Decimal(str(ir)).quantize(Decimal("0.01"))
    tg.fielding_start_at = parse_time(spec.get("start_at"))
    tg.fielding_end_at = parse_time(spec.get("end_at"))
    tg.cpi = Decimal(cpi["value"]) if cpi.get("value") else None
    tg.cpi_currency = cpi.get("currency_code") or body.get("_currency") or ""
    tg.pricing_model = body.get("_pricing_model") or ""
    tg.live_url = body.get("live_url") or ""
    tg.test_url = body.get("test_url") or ""
    tg.details = {**(tg.details or {}), DRAFT_KEY: body}


def body_from_supplier(data, previous=None):
    """A draft body from the draft the adapter read back (after a refusal or a 412), with the cockpit's
    notes of the previous body kept where the supplier's profile still has the same questions."""
    previous = previous or {}
    body = dict(data or {})
    if not body.get("_pricing_model") and previous.get("_pricing_model"):
        body["_pricing_model"] = previous["_pricing_model"]
    notes = {p.get("question_id"): p for p in (previous.get("profile") or {}).get("drafts", [])}
    profile = body.get("profile") or empty_profile()
    for draft in profile.get("drafts") or []:
        for key, value in (notes.get(draft.get("question_id")) or {}).items():
            if key.startswith("_"):
                draft.setdefault(key, value)
    body["profile"] = profile
    return body


def supplier_field_errors(connection, response, fields):
    """``({field: [reason…]}, [unplaced reasons])`` from a refusal's body: the supplier's adapter places
    its parameter names on the form's `fields`."""
    from suppliers.registry import adapter_class

    return adapter_class(connection.kind).draft_field_errors(response, fields)
