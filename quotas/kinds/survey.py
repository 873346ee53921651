"""The survey's length of interview and CPI (`capabilities.loi`, `capabilities.cpi`): one setting each of a
launched target group, shown at once and checked by re-reading the target group.

* ``set_loi``: ``{"loi": minutes}``; ``set_cpi``: ``{"cpi": "12.50"}`` (a decimal as text).
"""

from decimal import Decimal

from sync.kinds import ChangeKind, Verdict
from sync.mirror import apply_record, refresh_target_group

from .profiles import key_of


class TargetGroupSetting(ChangeKind):
    """One setting of a launched target group, shown at once and checked by re-reading the target group."""

    while_open = True

    field = ""
    words = ""

    def wanted(self, change):
        raise NotImplementedError

    def shown(self, value):
        return str(value)

    def describe(self, change):
        return f"Set the {self.words} to {self.shown(self.wanted(change))}"

    def touches(self, change):
        # Audience-Align shows the setting's badge in its own panel (a block that is empty elsewhere).
        return ["header", "aa_panel"]

    def intent_key(self, change):
        return (self.field,)

    def record_intent(self, change):
        tg = change.target_group
        if getattr(tg, self.field) != self.wanted(change):
            setattr(tg, self.field, self.wanted(change))
            type(tg).objects.filter(pk=tg.pk).update(**{self.field: self.wanted(change)})

    def mirror(self, change, answer, seen=None):
        tg = change.target_group
        if answer.target_group is not None:
            apply_record(tg, answer.target_group)
        tg.take_version(answer.version)
        return ""

    def read_back(self, adapter, change):
        return refresh_target_group(adapter, change.target_group)

    def verdict(self, change, record):
        remote = getattr(record, self.field, None) if record is not None else None
        if remote is None:
            return Verdict(needed=True)
        if remote == self.wanted(change):
            return Verdict(
                needed=False,
                reason=f"The supplier already had a {self.words} of {self.shown(remote)}; nothing more to do.",
            )
        return Verdict(needed=True)


class SetLoi(TargetGroupSetting):
    name = "set_loi"
    label = "Change the length of interview"
    capability = "loi"
    field = "expected_length_of_interview_minutes"
    words = "length of interview"

    def wanted(self, change):
        return int(change.payload.get("loi") or 0)

    def shown(self, value):
        return f"{value} minutes"

    def send(self, adapter, change, version, seen=None):
        return adapter.set_loi(change.target_group.ref, self.wanted(change), key=key_of(change), version=version)


class SetCpi(TargetGroupSetting):
    name = "set_cpi"
    label = "Change the CPI"
    capability = "cpi"
    field = "cpi"
    words = "CPI"

    def wanted(self, change):
        return Decimal(str(change.payload.get("cpi") or "0")).quantize(Decimal("0.0001"))

    def shown(self, value):
        return f"{value:.2f}"

    def send(self, adapter, change, version, seen=None):
        return adapter.set_cpi(change.target_group.ref, self.wanted(change), key=key_of(change), version=version)
