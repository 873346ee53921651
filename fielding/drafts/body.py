"""The draft target group body: what the cockpit keeps, what it sends, and back.

The body is the contract's ``CreateDraftTargetGroupRequest`` (the update takes the same
shape), kept in ``TargetGroup.details["draft"]`` while the TG is a draft. Keys starting
with ``_`` are the cockpit's own notes (the pricing model, a profile's quota unit, a
question's name) and are stripped before sending.

A project or target group the supplier has not created yet carries a placeholder
``remote_id`` (``pending-…``) so the unique constraints hold; the create's answer
replaces it.
"""

import re
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


def wire_body(value):
    """The body without the cockpit's own ``_`` notes: what goes to the supplier."""
    if isinstance(value, dict):
        return {key: wire_body(item) for key, item in value.items() if not key.startswith("_")}
    if isinstance(value, list):
        return [wire_body(item) for item in value]
    return value


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
    """A draft body from the supplier's ``FetchTargetGroupResponse`` (after a refusal or a 412).

    Read-only fields are dropped; the cockpit's notes of the previous body are kept where
    the supplier's profile still has the same questions.
    """
    previous = previous or {}
    body = {
        key: value
        for key, value in (data or {}).items()
        if key not in ("id", "human_readable_id", "created_at", "links", "pricing_model", "status")
    }
    if data.get("pricing_model"):
        # Some answers spell it "ratecard"; the cockpit's choice is "rate_card".
        body["_pricing_model"] = "rate_card" if data["pricing_model"] in ("ratecard", "rate_card") else "dynamic"
    elif previous.get("_pricing_model"):
        body["_pricing_model"] = previous["_pricing_model"]
    notes = {p.get("question_id"): p for p in (previous.get("profile") or {}).get("drafts", [])}
    profile = body.get("profile") or empty_profile()
    for draft in profile.get("drafts") or []:
        conditions = draft.get("conditions") or {}
        if conditions.get("object") and not conditions["object"].endswith("_template"):
            conditions["object"] += "_template"  # read as ..._details, sent back as ..._details_template
        for key, value in (notes.get(draft.get("question_id")) or {}).items():
            if key.startswith("_"):
                draft.setdefault(key, value)
    body["profile"] = profile
    return body


# --- The supplier's field names -> the form's ----------------------------------------

_PARAM_FIELDS = [
    ("fielding_specification.start_at", "fielding_start_at"),
    ("fielding_specification.end_at", "fielding_end_at"),
    ("fielding_specification", "fielding_start_at"),
    ("fielding_assistant_assignment.pricing.total_budget", "total_budget"),
    ("fielding_assistant_assignment.pricing.maximum_cpi", "maximum_cpi"),
    ("fielding_assistant_assignment.pricing.minimum_cpi", "minimum_cpi"),
    ("fielding_assistant_assignment.pricing", "optimize_cpi"),
    ("fielding_assistant_assignment.pacing", "pacing_interval"),
    ("fielding_assistant_assignment.quota_overlay", "prevent_overfill"),
    ("cost_per_interview", "cpi"),
    ("business_unit_id", "business_unit"),
    ("project_manager_id", "project_manager"),
    ("exclusion", "excluded_target_group_ids"),
    ("end_fielding_at", "end_fielding_at"),
    ("start_fielding_at", "start_fielding_at"),
]
_DIRECT_FIELDS = {
    "name",
    "locale",
    "collects_pii",
    "filling_goal",
    "expected_length_of_interview_minutes",
    "expected_incidence_rate",
    "live_url",
    "test_url",
    "study_type_code",
    "industry_code",
    "industry_lockout_code",
}


def normalise_param(name):
    """``profile/drafts/0`` or ``fielding_specification[start_at]`` -> dotted form."""
    name = re.sub(r"\[(\w+)\]", r".\1", str(name or "")).replace("/", ".").strip(".")
    return re.sub(r"^(body|request)\.", "", name)


def field_for_param(name, fields):
    """The form field a supplier's ``invalid_params`` name refers to, or None."""
    dotted = normalise_param(name)
    for prefix, field in _PARAM_FIELDS:
        if (dotted == prefix or dotted.startswith(prefix + ".")) and field in fields:
            return field
    head = dotted.split(".")[0]
    if head in _DIRECT_FIELDS and head in fields:
        return head
    if head in ("supply_allocations",):
        return "__allocations__"
    if head == "profile":
        return "__profile__"
    return None


def supplier_field_errors(response, fields):
    """``({field: [reason…]}, [unplaced reasons])`` from a refusal's body."""
    placed, unplaced = {}, []
    body = response if isinstance(response, dict) else {}
    for item in body.get("invalid_params") or body.get("errors") or []:
        if not isinstance(item, dict):
            unplaced.append(str(item))
            continue
        name, reason = item.get("name", ""), item.get("reason") or item.get("detail") or "is not accepted"
        field = field_for_param(name, fields)
        text = f"The supplier says: {reason}."
        if field and not field.startswith("__"):
            placed.setdefault(field, []).append(text)
        else:
            unplaced.append(f"{name}: {reason}" if name else reason)
    return placed, unplaced
