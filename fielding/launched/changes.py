"""Changes to a launched target group's own settings at Cint: its CPI, its filling strategy,
its Fielding Assistant settings and its details (name, manager, LOI, IR, links…: in
``fielding.launched.details``).

Payloads (what `request_change(kind, ..., payload=...)` takes):

* ``set_cost_per_interview``: ``{"value": "2.7500", "currency_code": "USD"}``.
* ``set_filling_strategy``: ``{"filling_strategy": "automated" | "prescreens" | "completes"}``.
* ``set_fielding_assistant``: ``{"assignment": FieldingAssistantModulesAssignmentRequestModel}``.
* ``update_launched_details``: ``{"wanted": {field: value}, "drawn": {field: value}}``: the fields
  the PM changed, and every field as the page showed it (`DETAIL_FIELDS`, in `detail_values`' form).

None of these writes is de-duplicated by idempotency key at the supplier (the contract lists
none), so before any re-send the outbox re-reads (`read_back`) and asks each kind's `verdict`
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
from sync.mirror import apply_record

FILLING_STRATEGIES = {
    "completes": "Completes: the goal counts completes",
    "prescreens": "Prescreens: the goal counts prescreens",
    "automated": "Automated: the supplier chooses",
}
ASSISTANT = "fielding_assistant"
ASSISTANT_ETAG = "fielding_assistant_etag"


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
        return adapter.launched.set_cpi(
            change.target_group.ref, change.payload["value"], self.currency(change), key=_key(change)
        )

    def mirror(self, change, answer, seen=None):
        tg, told = change.target_group, answer.target_group
        value = amount(told.cpi) if told is not None else None
        tg.cpi = value if value is not None else self.wanted(change)
        tg.cpi_currency = (told.cpi_currency if told is not None else "") or self.currency(change)
        TargetGroup.objects.filter(pk=tg.pk).update(cpi=tg.cpi, cpi_currency=tg.cpi_currency)
        if told is not None and told.extra:
            set_details(tg, **told.extra)

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
        return adapter.launched.set_filling_strategy(change.target_group.ref, self.wanted(change), key=_key(change))

    def mirror(self, change, answer, seen=None):
        told = answer.target_group.extra.get("filling_strategy") if answer.target_group else None
        set_details(change.target_group, filling_strategy=told or self.wanted(change))

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


def read_assistant(launched, tg):
    """Read the TG's Fielding Assistant assignment (and its version) through the adapter's `launched`
    and keep it on the TG."""
    assignment, version = launched.read_assistant(tg.ref)
    set_details(tg, **{ASSISTANT: assignment, ASSISTANT_ETAG: version})
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
        return adapter.launched.set_assistant(tg.ref, self.wanted(change), key=_key(change), version=version)

    def mirror(self, change, answer, seen=None):
        set_details(change.target_group, **{ASSISTANT: self.wanted(change), ASSISTANT_ETAG: answer.version or ""})

    def read_back(self, adapter, change):
        return read_assistant(adapter.launched, change.target_group)

    def verdict(self, change, remote):
        if remote is None:
            return Verdict(needed=True)
        if comparable(remote) == comparable(self.wanted(change)):
            return Verdict(
                needed=False, reason="The supplier already had these Fielding Assistant settings; nothing more to do."
            )
        return Verdict(needed=True)


# --- Services ----------------------------------------------------------------------------------


def _ask(kind, tg, payload, by):
    return request_change(kind, connection=tg.project.connection, target_group=tg, payload=payload, by=by)


def request_cpi_change(tg, value, currency_code, *, by):
    return _ask("set_cost_per_interview", tg, {"value": f"{value:.4f}", "currency_code": currency_code}, by)


def request_filling_strategy(tg, strategy, *, by):
    return _ask("set_filling_strategy", tg, {"filling_strategy": strategy}, by)


def request_fielding_assistant(tg, assignment, *, by):
    return _ask("set_fielding_assistant", tg, {"assignment": assignment}, by)


LAUNCHED_KINDS = (
    SetCostPerInterview.name,
    SetFillingStrategy.name,
    SetFieldingAssistant.name,
    "update_launched_details",
)
