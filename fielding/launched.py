"""Changes to a launched target group's own settings at Cint: its CPI, its filling strategy,
its Fielding Assistant settings and its details (name, manager, LOI, IR, links…).

Payloads (what `request_change(kind, ..., payload=...)` takes):

* ``set_cost_per_interview``: ``{"value": "2.7500", "currency_code": "USD"}``.
* ``set_filling_strategy``: ``{"filling_strategy": "automated" | "prescreens" | "completes"}``.
* ``set_fielding_assistant``: ``{"assignment": FieldingAssistantModulesAssignmentRequestModel}``.
* ``update_launched_details``: ``{"wanted": {field: value}, "drawn": {field: value}}``: the fields
  the PM changed, and every field as the page showed it (`DETAIL_FIELDS`, in `detail_values`' form).

None of these writes is de-duplicated by idempotency key at the supplier (the contract lists
none), so before any re-send the outbox re-reads (`refresh`) and asks each kind's `verdict`
whether the supplier already has the value. Only the Fielding Assistant assignment has an
ETag (If-Match); the details have none, so that kind re-reads before its first send too and
keeps what changed at the supplier since the page was drawn, or stops if the PM changed it too.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction

from projects.models import TargetGroup
from suppliers.adapter import Unsupported
from sync.intents import request_change
from sync.kinds import ChangeKind, State, Verdict
from sync.mirror import apply_record, refresh_target_group

FILLING_STRATEGIES = {
    "completes": "Completes: the goal counts completes",
    "prescreens": "Prescreens: the goal counts prescreens",
    "automated": "Automated: the supplier chooses",
}
ASSISTANT = "fielding_assistant"
ASSISTANT_ETAG = "fielding_assistant_etag"
# The fields of the contract's TargetGroupDetailsUpdateRequest, with their names for a PM.
DETAIL_FIELDS = {
    "name": "name",
    "project_manager_id": "project manager",
    "expected_length_of_interview_minutes": "expected length of interview",
    "expected_incidence_rate": "expected incidence rate",
    "industry_lockout_code": "industry lock-out",
    "client_cpi": "CPI note",
    "live_url": "live link",
    "test_url": "test link",
}


def _key(change):
    return str(change.idempotency_key)


def _name(tg):
    return f"“{tg.name}”" if tg and tg.name else "the target group"


def amount(value):
    """A money value as a Decimal with 4 places (None for nothing usable)."""
    try:
        return Decimal(str(value)).quantize(Decimal("0.0001"))
    except (InvalidOperation, ValueError, TypeError):
        return None


def set_details(tg, **values):
    """Merge `values` into the TG's `details` (re-read first: other writers keep their keys)."""
    current = TargetGroup.objects.filter(pk=tg.pk).values_list("details", flat=True).first() or {}
    merged = {**current, **values}
    TargetGroup.objects.filter(pk=tg.pk).update(details=merged)
    tg.details = {**(tg.details or {}), **values}


def read_launched(adapter, tg):
    """Re-read a launched TG's details and overview (its current CPI, pricing model, filling strategy)."""
    record, _ = adapter.read_target_group(tg.ref)
    with transaction.atomic():
        apply_record(tg, record)
        tg.take_version(record.version)
    return record


# --- the CPI ------------------------------------------------------------------------------------


class SetCostPerInterview(ChangeKind):
    """The price offered to suppliers per complete, on a target group with dynamic pricing."""

    name = "set_cost_per_interview"
    label = "Change the CPI"
    capability = "cpi_changes"

    def check(self, change, capabilities):
        super().check(change, capabilities)
        tg = change.target_group
        if tg.pricing_model == TargetGroup.PricingModel.RATE_CARD:
            raise Unsupported(
                f"{_name(tg)} is priced by its rate card, so its CPI cannot be set; nothing was sent. "
                "Its price follows its incidence rate and length of interview."
            )
        if not tg.is_launched:
            raise Unsupported("A draft's CPI is set in the draft editor; nothing was sent.")

    def wanted(self, change):
        return amount(change.payload.get("value"))

    def currency(self, change):
        return change.payload.get("currency_code") or ""

    def describe(self, change):
        return f"Set the CPI of {_name(change.target_group)} to {self.wanted(change):.2f} {self.currency(change)}"

    def touches(self, change):
        return ["pricing", "header"]

    def record_intent(self, change):
        tg = change.target_group
        tg.cpi, tg.cpi_currency = self.wanted(change), self.currency(change)
        TargetGroup.objects.filter(pk=tg.pk).update(cpi=tg.cpi, cpi_currency=tg.cpi_currency)

    def send(self, adapter, change, version, seen=None):
        tg = change.target_group
        return adapter.client.update_cost_per_interview(
            tg.project.remote_id,
            tg.remote_id,
            value=change.payload["value"],
            currency_code=self.currency(change),
            idempotency_key=_key(change),
        )

    def mirror(self, change, response, seen=None):
        tg = change.target_group
        cpi = (response.data or {}).get("target_group_cpi") if isinstance(response.data, dict) else None
        value = amount((cpi or {}).get("value"))
        tg.cpi = value if value is not None else self.wanted(change)
        tg.cpi_currency = (cpi or {}).get("currency_code") or self.currency(change)
        TargetGroup.objects.filter(pk=tg.pk).update(cpi=tg.cpi, cpi_currency=tg.cpi_currency)
        if cpi:
            set_details(tg, current_cost_per_interview=cpi)

    def read_back(self, adapter, change):
        return read_launched(adapter, change.target_group)

    def verdict(self, change, record):
        if record is None:
            return Verdict(needed=True)
        if record.pricing_model == TargetGroup.PricingModel.RATE_CARD:
            return Verdict(
                needed=False,
                state=State.CONFLICT,
                reason="The target group is priced by its rate card at the supplier now, so its CPI cannot be set. "
                "Nothing was changed.",
            )
        if record.cpi is not None and amount(record.cpi) == self.wanted(change):
            return Verdict(
                needed=False,
                reason=f"The supplier already had a CPI of {self.wanted(change):.2f} {self.currency(change)}; "
                "nothing more to do.",
            )
        return Verdict(needed=True)


# --- the filling strategy and the Fielding Assistant ----------------------------------------


class SetFillingStrategy(ChangeKind):
    """What the filling goal counts: completes, prescreens, or the supplier's choice."""

    name = "set_filling_strategy"
    label = "Change the filling strategy"
    capability = "filling_strategy"

    def wanted(self, change):
        return change.payload.get("filling_strategy") or ""

    def describe(self, change):
        return f"Set the filling strategy of {_name(change.target_group)} to {self.wanted(change)}"

    def touches(self, change):
        return ["filling"]

    def record_intent(self, change):
        set_details(change.target_group, filling_strategy=self.wanted(change))

    def send(self, adapter, change, version, seen=None):
        tg = change.target_group
        return adapter.client.update_filling_strategy(
            tg.project.remote_id, tg.remote_id, self.wanted(change), idempotency_key=_key(change)
        )

    def mirror(self, change, response, seen=None):
        data = response.data if isinstance(response.data, dict) else {}
        set_details(change.target_group, filling_strategy=data.get("filling_strategy") or self.wanted(change))

    def read_back(self, adapter, change):
        return read_launched(adapter, change.target_group)

    def verdict(self, change, record):
        if record is None:
            return Verdict(needed=True)
        if record.extra.get("filling_strategy") == self.wanted(change):
            return Verdict(
                needed=False,
                reason=f"The supplier's filling strategy was already {self.wanted(change)}; nothing more to do.",
            )
        return Verdict(needed=True)


def read_assistant(client, tg):
    """Read the TG's Fielding Assistant assignment (and its ETag) and keep it on the TG."""
    response = client.get_fielding_assistant_assignment(tg.project.remote_id, tg.remote_id)
    assignment = response.data if isinstance(response.data, dict) else {}
    set_details(tg, **{ASSISTANT: assignment, ASSISTANT_ETAG: response.etag or ""})
    return assignment


def comparable(assignment):
    """An assignment with its money as Decimals and no display-only keys, for comparing two of them."""
    if isinstance(assignment, dict):
        if "value" in assignment and "currency_code" in assignment:
            return ("money", amount(assignment.get("value")), assignment.get("currency_code"))
        return {key: comparable(value) for key, value in assignment.items() if key != "currency_scale"}
    if isinstance(assignment, list):
        return [comparable(item) for item in assignment]
    return assignment


class SetFieldingAssistant(ChangeKind):
    """Prevent overfill, balanced fill, pricing and pacing of a launched target group, guarded by its ETag."""

    name = "set_fielding_assistant"
    label = "Change the Fielding Assistant settings"
    capability = "filling_strategy"
    operation = "create_or_update_fielding_assistant_assignment"

    def wanted(self, change):
        return change.payload.get("assignment") or {}

    def describe(self, change):
        return f"Change the Fielding Assistant settings of {_name(change.target_group)}"

    def touches(self, change):
        return ["filling"]

    def version(self, change):
        return (change.target_group.details or {}).get(ASSISTANT_ETAG, "")

    def record_intent(self, change):
        set_details(change.target_group, **{ASSISTANT: self.wanted(change)})

    def send(self, adapter, change, version, seen=None):
        tg = change.target_group
        if not version:  # never read with its ETag: read it now, so If-Match guards the write
            self.read_back(adapter, change)
            version = self.version(change)
            self.record_intent(change)
        return adapter.client.put_fielding_assistant_assignment(
            tg.project.remote_id,
            tg.remote_id,
            self.wanted(change),
            idempotency_key=_key(change),
            if_match=version or None,
        )

    def mirror(self, change, response, seen=None):
        tg = change.target_group
        etag = getattr(response, "etag", None) or ""
        set_details(tg, **{ASSISTANT: self.wanted(change), ASSISTANT_ETAG: etag})

    def read_back(self, adapter, change):
        return read_assistant(adapter.client, change.target_group)

    def verdict(self, change, remote):
        if remote is None:
            return Verdict(needed=True)
        if comparable(remote) == comparable(self.wanted(change)):
            return Verdict(
                needed=False, reason="The supplier already had these Fielding Assistant settings; nothing more to do."
            )
        return Verdict(needed=True)


# --- the details ------------------------------------------------------------------------------


def detail_values(tg=None, record=None):
    """{field: value} of the details, comparable and JSON-ready: from a TG row or a `TargetGroupRecord`."""
    source = record if record is not None else tg
    extra = record.extra if record is not None else (tg.details or {})
    rate = source.expected_incidence_rate
    cpi = extra.get("client_cpi") or None
    return {
        "name": source.name or "",
        "project_manager_id": str(source.project_manager_id or "").lower(),
        "expected_length_of_interview_minutes": source.expected_length_of_interview_minutes,
        "expected_incidence_rate": None if rate is None else f"{Decimal(str(rate)):.2f}",
        "industry_lockout_code": source.industry_lockout_code or "",
        "client_cpi": {"value": f"{amount(cpi['value']):.4f}", "currency_code": cpi.get("currency_code", "")}
        if cpi and amount(cpi.get("value")) is not None
        else None,
        "live_url": source.live_url or "",
        "test_url": source.test_url or "",
    }


def details_body(values, *, dynamic):
    """The TargetGroupDetailsUpdateRequest for `values` (`detail_values`' form)."""
    body = {
        "name": values["name"],
        "project_manager_id": values["project_manager_id"],
        "expected_length_of_interview_minutes": values["expected_length_of_interview_minutes"],
        "expected_incidence_rate": float(values["expected_incidence_rate"]),
        "live_url": values["live_url"],
        "test_url": values["test_url"],
    }
    if values.get("industry_lockout_code"):
        body["industry_lockout_code"] = values["industry_lockout_code"]
    if dynamic and values.get("client_cpi"):
        body["client_cpi"] = dict(values["client_cpi"])
    return body


def _shown(field, value):
    if value in (None, ""):
        return "empty"
    if field == "expected_incidence_rate":
        return f"{Decimal(value) * 100:.0f}%"
    if field == "expected_length_of_interview_minutes":
        return f"{value} min"
    if field == "client_cpi":
        return f"{Decimal(value['value']):.2f} {value['currency_code']}"
    return f"“{value}”"


def _listed(fields, values):
    return ", ".join(f"{DETAIL_FIELDS[f]} (now {_shown(f, values.get(f))})" for f in fields)


class UpdateLaunchedDetails(ChangeKind):
    """Name, manager, expected LOI and IR, lock-out, CPI note and links of a launched target group.

    The supplier versions none of it, so the details are re-read before sending: fields changed
    there since the page was drawn are kept (and said so), a field the PM changed too stops the change.
    """

    name = "update_launched_details"
    label = "Change the target group's details"
    capability = "launched_details"
    reread_before_send = True

    def wanted(self, change):
        return change.payload.get("wanted") or {}

    def drawn(self, change):
        return change.payload.get("drawn") or {}

    def describe(self, change):
        fields = [DETAIL_FIELDS.get(f, f) for f in self.wanted(change)]
        return f"Change the {', '.join(fields) or 'details'} of {_name(change.target_group)}"

    def touches(self, change):
        return ["details", "header"]

    def record_intent(self, change):
        tg = change.target_group
        wanted = self.wanted(change)
        columns = {
            f: wanted[f]
            for f in ("name", "project_manager_id", "industry_lockout_code", "live_url", "test_url")
            if f in wanted
        }
        if "expected_length_of_interview_minutes" in wanted:
            columns["expected_length_of_interview_minutes"] = wanted["expected_length_of_interview_minutes"]
        if "expected_incidence_rate" in wanted:
            columns["expected_incidence_rate"] = Decimal(wanted["expected_incidence_rate"])
        for field, value in columns.items():
            setattr(tg, field, value)
        if columns:
            TargetGroup.objects.filter(pk=tg.pk).update(**columns)
        if "client_cpi" in wanted:
            set_details(tg, client_cpi=wanted["client_cpi"])

    def read_back(self, adapter, change):
        """The supplier's details now (`detail_values`' form)."""
        record = refresh_target_group(adapter, change.target_group)
        return detail_values(record=record)

    def moved(self, change, current):
        """The fields the supplier changed since the page was drawn."""
        drawn = self.drawn(change)
        return [f for f in DETAIL_FIELDS if f in drawn and current.get(f) != drawn[f]]

    def verdict(self, change, current):
        if current is None:
            return Verdict(needed=True)
        wanted = self.wanted(change)
        moved = self.moved(change, current)
        clashes = [f for f in moved if f in wanted and current.get(f) != wanted[f]]
        if clashes:
            return Verdict(
                needed=False,
                state=State.CONFLICT,
                reason=f"Since the page was drawn, the supplier's {_listed(clashes, current)} changed, and you "
                "changed it too. Nothing was sent, so neither change is lost: check the values now shown and "
                "send yours again if it still stands.",
            )
        if all(current.get(f) == value for f, value in wanted.items()):
            return Verdict(needed=False, reason="The supplier already had these details; nothing more to do.")
        return Verdict(needed=True)

    def send(self, adapter, change, version, seen=None):
        tg = change.target_group
        current = seen or detail_values(tg)
        values = {**current, **self.wanted(change)}
        dynamic = tg.pricing_model != TargetGroup.PricingModel.RATE_CARD
        return adapter.client.update_target_group_details(
            tg.project.remote_id, tg.remote_id, details_body(values, dynamic=dynamic), idempotency_key=_key(change)
        )

    def mirror(self, change, response, seen=None):
        data = response.data if isinstance(response.data, dict) else {}
        if data:
            set_details(change.target_group, client_cpi=data.get("client_cpi"))
        # The fields the supplier changed since the page was drawn, that the PM left alone: kept, and said so.
        current = seen or {}
        wanted = self.wanted(change)
        kept = [f for f in self.moved(change, current) if f not in wanted] if seen else []
        if not kept:
            return ""
        return (
            f"Since the page was drawn, the supplier's {_listed(kept, current)} had changed; "
            "that value was kept, and only your changes were sent."
        )


# --- Services ----------------------------------------------------------------------------------


def _ask(kind, tg, payload, by):
    return request_change(kind, connection=tg.project.connection, target_group=tg, payload=payload, by=by)


def request_cpi_change(tg, value, currency_code, *, by):
    return _ask("set_cost_per_interview", tg, {"value": f"{value:.4f}", "currency_code": currency_code}, by)


def request_filling_strategy(tg, strategy, *, by):
    return _ask("set_filling_strategy", tg, {"filling_strategy": strategy}, by)


def request_fielding_assistant(tg, assignment, *, by):
    return _ask("set_fielding_assistant", tg, {"assignment": assignment}, by)


def request_details_change(tg, wanted, drawn, *, by):
    return _ask("update_launched_details", tg, {"wanted": wanted, "drawn": drawn}, by)


LAUNCHED_KINDS = (
    SetCostPerInterview.name,
    SetFillingStrategy.name,
    SetFieldingAssistant.name,
    UpdateLaunchedDetails.name,
)
