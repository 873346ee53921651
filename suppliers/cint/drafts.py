"""Cint's projects and draft target groups, as the adapter offers them (`adapter.drafts`, behind
`capabilities.drafts`).

The cockpit keeps a draft as the body the PM saved, with its own notes under keys starting with
``_`` (the pricing model, a profile's quota unit…); they are stripped here, before the body goes out.
A draft read back (``FetchTargetGroupResponse``) is turned into such a body here (`draft_from_supplier`),
and the names of a refusal's ``invalid_params`` are placed on the draft form's fields (`field_errors`).
"""

import re

from .launched import rate_card_record
from .runs import answer


def wire_body(value):
    """The body without the cockpit's own ``_`` notes: what goes to the supplier."""
    if isinstance(value, dict):
        return {key: wire_body(item) for key, item in value.items() if not key.startswith("_")}
    if isinstance(value, list):
        return [wire_body(item) for item in value]
    return value


class CintDrafts:
    """Projects and drafts of one Cint account: ``CintDrafts(client)``."""

    def __init__(self, client):
        self.client = client

    def create_project(self, project, *, key):
        """Create a project; the answer's ``created_id`` is its id."""
        response = self.client.create_project(project, idempotency_key=key)
        return _created(response)

    def save_draft(self, project_id, target_group_id, draft, *, key):
        """Create the draft (`target_group_id` None) or replace it; the answer's ``created_id`` names a new one."""
        body = wire_body(draft)
        if target_group_id is None:
            return _created(self.client.create_target_group(project_id, body, idempotency_key=key))
        return _created(self.client.update_target_group(project_id, target_group_id, body, idempotency_key=key))

    def feasibility(self, project_id, target_group_id, inputs):
        """The supplier's feasibility of a target group described by `inputs` (the contract's feasibility
        request): of an existing one (`target_group_id`) with changed values, or of one not created
        (None). Nothing changes; the answer is the supplier's document."""
        if target_group_id is None:
            response = self.client.calculate_feasibility(project_id, inputs)
        else:
            response = self.client.calculate_target_group_feasibility(project_id, target_group_id, inputs)
        return response.data or {}

    def generate_interlock(self, request, *, key):
        """The interlocked profiles the supplier generates from draft profiles (`request`); nothing is saved.
        A list of interlocked profiles in the draft's own shape."""
        generated = self.client.generate_draft_interlocked_profile(request, idempotency_key=key).data
        return generated if isinstance(generated, list) else [generated]

    def business_unit_rate_card(self, business_unit_id, country):
        """The business unit's current rate card for a country (``"US"``), e.g. for a draft: a
        `RateCardRecord`, None when the answer holds none. Raises NotFound without one."""
        data = self.client.get_business_unit_rate_card(business_unit_id, country).data or {}
        return rate_card_record(data.get("rate_card_data"), predicted=True, country=data.get("country_code") or country)

    def draft_ids_named(self, project_id, name):
        """The ids of the project's drafts called `name`."""
        return [
            str(item["id"])
            for item in self.client.iter_target_groups(project_id, status="draft")
            if item.get("name") == name
        ]


def _created(response):
    data = response.data if isinstance(response.data, dict) else {}
    return answer(response, created_id=str(data["id"]) if data.get("id") else None)


# --- a draft read back ----------------------------------------------------------------------------

READ_ONLY = ("id", "human_readable_id", "created_at", "links", "pricing_model", "status")


def draft_from_supplier(data):
    """The draft body of a ``FetchTargetGroupResponse``: read-only fields dropped, the pricing model as
    the cockpit's ``_pricing_model`` note, conditions named as they are sent back. {} for none."""
    if not isinstance(data, dict) or not data:
        return {}
    body = {key: value for key, value in data.items() if key not in READ_ONLY}
    if data.get("pricing_model"):
        # Some answers spell it "ratecard"; the cockpit's choice is "rate_card".
        body["_pricing_model"] = "rate_card" if data["pricing_model"] in ("ratecard", "rate_card") else "dynamic"
    for draft in (body.get("profile") or {}).get("drafts") or []:
        conditions = draft.get("conditions") or {}
        if conditions.get("object") and not conditions["object"].endswith("_template"):
            conditions["object"] += "_template"  # read as ..._details, sent back as ..._details_template
    return body


# --- a refusal's parameter names -> the draft form's fields ----------------------------------------

PARAM_FIELDS = [
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
DIRECT_FIELDS = {
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
    """The form field (of `fields`) a refusal's ``invalid_params`` name refers to; ``"__allocations__"``
    or ``"__profile__"`` for the supply allocations or the profiling; None for none."""
    dotted = normalise_param(name)
    for prefix, field in PARAM_FIELDS:
        if (dotted == prefix or dotted.startswith(prefix + ".")) and field in fields:
            return field
    head = dotted.split(".")[0]
    if head in DIRECT_FIELDS and head in fields:
        return head
    if head in ("supply_allocations",):
        return "__allocations__"
    if head == "profile":
        return "__profile__"
    return None


def field_errors(response, fields):
    """``({field: [reason…]}, [unplaced reasons])`` from a refusal's body, for a form with `fields`."""
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
