"""A launched target group's details at Cint (name, manager, expected LOI and IR, lock-out, CPI note,
links): the change kind ``update_launched_details`` and its service function.

Payload: ``{"wanted": {field: value}, "drawn": {field: value}}``: the fields the PM changed, and every
field as the page showed it (`DETAIL_FIELDS`, in `detail_values`' form). The supplier versions none of
it, so the kind re-reads before its first send and keeps what changed there since the page was drawn,
or stops if the PM changed it too. The request body is the adapter's (``adapter.launched.set_details``).
"""

from decimal import Decimal

from projects.models import TargetGroup
from sync.kinds import ChangeKind, State, Verdict
from sync.mirror import refresh_target_group

from .changes import _ask, _key, _name, amount, set_details

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
        return adapter.launched.set_details(tg.ref, values, dynamic=dynamic, key=_key(change))

    def mirror(self, change, answer, seen=None):
        if answer.target_group is not None:
            set_details(change.target_group, client_cpi=answer.target_group.extra.get("client_cpi"))
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


def request_details_change(tg, wanted, drawn, *, by):
    return _ask("update_launched_details", tg, {"wanted": wanted, "drawn": drawn}, by)
