"""Status changes of suppliers that take them as one verb (pause, resume, close …), not as
Cint's fielding runs: the actions each supplier declares (`Capabilities.status_actions`), sent
through the outbox like every change.

Payload of ``change_status``: ``{"action": <StatusAction.name>, "to_status": <cockpit status>}``.
"""

from projects.models import TargetGroup
from suppliers.adapter import Unsupported
from sync.intents import request_change
from sync.kinds import ChangeKind, State, Verdict
from sync.mirror import apply_record

KIND = "change_status"


def offered_actions(tg):
    """The status actions the target group's supplier offers from its current status."""
    return [action for action in tg.capabilities.status_actions if tg.status in action.from_statuses]


class ChangeStatus(ChangeKind):
    name = KIND
    label = "Change the status"
    capability = "status_actions"

    def action(self, change):
        return change.connection.capabilities.status_action(change.payload.get("action"))

    def check(self, change, capabilities):
        super().check(change, capabilities)
        action = capabilities.status_action(change.payload.get("action"))
        supplier = change.connection.get_kind_display()
        if action is None:
            raise Unsupported(f"{supplier} has no such status change, so nothing was sent.")
        tg = change.target_group
        if tg.status not in action.from_statuses:
            offered = ", ".join(a.label.lower() for a in offered_actions(tg)) or "nothing"
            raise Unsupported(
                f"A {tg.status_text.lower()} survey cannot be {action.label.lower()}d at {supplier}; "
                f"possible now: {offered}. Nothing was sent."
            )

    def describe(self, change):
        action = self.action(change)
        name = f" “{change.target_group.name}”" if change.target_group_id else ""
        return f"{action.label}{name}" if action else self.label

    def touches(self, change):
        return ["status", "header"]

    def record_intent(self, change):
        tg = change.target_group
        status = change.payload["to_status"]
        if tg.status != status:
            TargetGroup.objects.filter(pk=tg.pk).update(status=status, status_label="", status_reason="")
            tg.status, tg.status_label, tg.status_reason = status, "", ""

    def version(self, change):
        tg = change.target_group
        return tg.version if tg.capabilities.versions else ""

    def send(self, adapter, change, version, seen=None):
        key = str(change.idempotency_key)
        return adapter.set_status(change.target_group.ref, change.payload["action"], key=key, version=version)

    def mirror(self, change, answer, seen=None):
        tg = change.target_group
        if answer.target_group is not None:
            apply_record(tg, answer.target_group)
        tg.take_version(answer.version)

    def read_back(self, adapter, change):
        tg = change.target_group
        record, _ = adapter.read_target_group(tg.ref)
        apply_record(tg, record)
        tg.take_version(record.version)
        return record

    def verdict(self, change, record):
        action = self.action(change)
        if record is None or action is None or record.status is None:
            return Verdict(needed=True)
        if record.status == action.to_status:
            return Verdict(needed=False, reason=f"The supplier already shows it {record.status}; nothing more to do.")
        if record.status not in action.from_statuses:
            now = record.status_label or record.status
            return Verdict(
                needed=False,
                state=State.CONFLICT,
                reason=f"The survey is now {now.lower()} at the supplier, so “{action.label}” no longer applies. "
                "Nothing was changed; check the survey and choose again.",
            )
        return Verdict(needed=True)


def request_status_change(tg, action_name, *, by):
    """Ask for a status action the target group's supplier offers (raises `Unsupported` otherwise)."""
    action = tg.capabilities.status_action(action_name)
    payload = {"action": action_name, "to_status": action.to_status if action else ""}
    return request_change(KIND, connection=tg.project.connection, target_group=tg, payload=payload, by=by)
