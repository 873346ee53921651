"""Cint's projects and draft target groups, as the adapter offers them (`adapter.drafts`, behind
`capabilities.drafts`).

The cockpit keeps a draft as the body the PM saved, with its own notes under keys starting with
``_`` (the pricing model, a profile's quota unit…); they are stripped here, before the body goes out.
"""

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
