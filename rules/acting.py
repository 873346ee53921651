"""What a rule does when it fires, asked through the same services a PM's click uses, so every change to a
supplier goes through the outbox: pause or complete fielding as the scheduled changes ask for them
(`schedules.actions`), close a quota as the quota monitor's lock does, set a quota's current target."""

from fielding.runs.actions import ActionRefused, request_run_action
from quotas import services
from schedules.actions import offered, payload_for
from suppliers.adapter import Unsupported
from sync.intents import request_change

from .models import Rule

Action = Rule.Action


class NotSent(Exception):
    """The rule fired but nothing could be asked of the supplier; the message says why."""


def _status_action(tg, wanted):
    """The schedulable action that pauses (or completes) `tg` at its supplier: Cint's fielding run, or the
    status action leading to that status (completed before closed)."""
    actions = offered(tg)
    run = next((a for a in actions if a.run_action == wanted), None)
    if run is not None:
        return run
    statuses = ("paused",) if wanted == "pause" else ("completed", "closed")
    caps = tg.capabilities
    for to_status in statuses:
        for action in actions:
            if action.status and caps.status_action(action.status).to_status == to_status:
                return action
    return None


def ask_status(tg, wanted, by):
    action = _status_action(tg, wanted)
    if action is None:
        raise NotSent(f"{tg.project.connection.get_kind_display()} offers no way to {wanted} “{tg.name}”.")
    if action.run_action:
        return request_run_action(tg, action.run_action, by=by)
    status = tg.capabilities.status_action(action.status)
    if tg.status not in status.from_statuses:
        raise NotSent(f"“{tg.name}” is {tg.status_text.lower()}: it cannot be asked to {status.label.lower()}.")
    return request_change(
        action.kind, connection=tg.project.connection, target_group=tg, payload=payload_for(action, tg), by=by
    )


def _close_quota(tg, row, by):
    """The quota monitor's lock: the current target becomes what the row has achieved where the supplier caps
    traffic; elsewhere its goal does."""
    if tg.capabilities.traffic_caps:
        if row.traffic_cap is not None and row.traffic_cap <= row.completes:
            raise NotSent(f"“{row.text}” is already closed.")
        return services.request_traffic_cap(tg, row, row.completes, stop=True, by=by)
    if row.completes_goal <= row.completes:
        raise NotSent(f"“{row.text}” has reached its goal: it takes no more.")
    return services.request_quota_goals(tg, {row: row.completes}, profile=getattr(row, "profile", None), by=by)


def _set_target(tg, row, value, by):
    if not tg.capabilities.traffic_caps:
        raise NotSent(f"{tg.project.connection.get_kind_display()} has no current targets on quotas.")
    return services.request_traffic_cap(tg, row, min(value, row.completes_goal), by=by)


def act(rule, tg, reading):
    """Ask the supplier for what `rule` does on `tg` (the row `reading` names, for quota actions); returns the
    outbox change, or None for a rule that only notifies. Raises `NotSent` with the reason otherwise."""
    by = rule.created_by
    try:
        if rule.action == Action.PAUSE:
            return ask_status(tg, "pause", by)
        if rule.action == Action.COMPLETE:
            return ask_status(tg, "complete", by)
        if rule.action in (Action.CLOSE_QUOTA, Action.SET_TARGET):
            if reading.quota is None:
                raise NotSent("This action needs the quota that fired; the rule watches no quota.")
            if rule.action == Action.CLOSE_QUOTA:
                return _close_quota(tg, reading.quota, by)
            return _set_target(tg, reading.quota, rule.action_value or 0, by)
    except (Unsupported, ActionRefused) as exc:
        raise NotSent(str(exc)) from exc
    return None
