"""What a PM can schedule on a target group, and how each is asked for when it runs.

Each action names the outbox change kind it records and what the form asks with it (a profile, a quota, a
figure). When it runs, it goes through the same service a click on the page uses: `request_change`, or
`request_run_action` for Cint's fielding runs (whose payload depends on the run's state at that moment).
"""

from dataclasses import dataclass
from decimal import Decimal

from fielding.models import RunAction
from fielding.runs.actions import KIND_FOR_ACTION, request_run_action
from quotas.models import InterlockCell, Quota
from sync.intents import request_change


class NothingToDo(Exception):
    """The schedule has nothing to send (its limit is reached, its quota is gone); the message says why."""


@dataclass(frozen=True)
class Action:
    key: str
    label: str
    kind: str
    # What the form asks with it: "profile", "quota", and a figure ("count" or "amount").
    needs: tuple = ()
    figure: str = ""
    # Fielding runs: the run action it asks for.
    run_action: str = ""
    # A status action's name (`Capabilities.status_actions`).
    status: str = ""

    @property
    def steps(self):
        """Whether "raise by … until …" makes sense for it: a count the supplier keeps per row."""
        return self.figure == "count"


QUOTAS_ON = Action("quotas_on", "Switch a profile's quotas on", "enable_quotas", needs=("profile",))
QUOTAS_OFF = Action("quotas_off", "Switch a profile's quotas off", "disable_quotas", needs=("profile",))
QUOTA_GOAL = Action("quota_goal", "Set a quota's goal", "set_quota_goals", needs=("quota",), figure="count")
TRAFFIC_CAP = Action("traffic_cap", "Set a quota's current target", "set_traffic_cap", needs=("quota",), figure="count")
FILLING_GOAL = Action("filling_goal", "Set the completes goal", "set_target_group_filling_goal", figure="count")
CPI = Action("cpi", "Set the CPI", "set_cpi", figure="amount")
# A launched Cint target group's CPI (dynamic pricing), with its currency.
LAUNCHED_CPI = Action("cpi", "Set the CPI", "set_cost_per_interview", figure="amount")

RUN_ACTIONS = (RunAction.PAUSE, RunAction.RESUME, RunAction.COMPLETE)
LAUNCH = "launch"  # going live from a draft is not something to leave to a clock


def _run_action(action):
    return Action(f"run:{action}", f"{action.label} fielding", KIND_FOR_ACTION[action], run_action=str(action))


def _status_action(status_action):
    return Action(f"status:{status_action.name}", status_action.label, "change_status", status=status_action.name)


def offered(tg):
    """The actions `tg`'s supplier takes, in the order the form lists them."""
    caps = tg.capabilities
    actions = []
    if caps.fielding_runs:
        actions += [_run_action(action) for action in RUN_ACTIONS]
    actions += [_status_action(a) for a in caps.status_actions if a.name != LAUNCH]
    if caps.quota_switch:
        actions += [QUOTAS_ON, QUOTAS_OFF]
    if caps.quota_goals:
        actions.append(QUOTA_GOAL)
    if caps.traffic_caps:
        actions.append(TRAFFIC_CAP)
    if caps.filling_goal:
        actions.append(FILLING_GOAL)
    if caps.cpi:
        actions.append(CPI)
    elif caps.cpi_changes:
        actions.append(LAUNCHED_CPI)
    return actions


def action_named(tg, key):
    return next((action for action in offered(tg) if action.key == key), None)


def payload_for(action, tg, *, quota=None, value=None):
    """What `request_change` takes for `action` with the figure `value` (None for actions with none)."""
    if action.status:
        status = tg.capabilities.status_action(action.status)
        return {"action": action.status, "to_status": status.to_status}
    if action.key == QUOTA_GOAL.key:
        return {"goals": {quota.remote_id: int(value)}}
    if action.key == TRAFFIC_CAP.key:
        return {"quota_id": quota.remote_id, "traffic_cap": int(value), "stop": False}
    if action.key == FILLING_GOAL.key:
        return {"filling_goal": int(value)}
    if action.kind == LAUNCHED_CPI.kind:
        return {"value": f"{Decimal(value):.4f}", "currency_code": tg.cpi_currency}
    if action.key == CPI.key:
        return {"cpi": str(Decimal(value))}
    return {}


def figure_of(action, payload):
    """The figure `payload_for` was given, as the form shows it again (None when the payload has none)."""
    if action.key == QUOTA_GOAL.key:
        return next(iter(payload.get("goals", {}).values()), None)
    if action.key == TRAFFIC_CAP.key:
        return payload.get("traffic_cap")
    if action.key == FILLING_GOAL.key:
        return payload.get("filling_goal")
    amount = payload.get("value") if action.kind == LAUNCHED_CPI.kind else payload.get("cpi")
    # In cents, as the CPI is typed: "2.5000" as sent shows as 2.50.
    return None if amount is None else f"{Decimal(amount):.2f}"


def quota_of(schedule):
    """The quota a schedule's payload names, as the cockpit last read it from the supplier."""
    payload = schedule.payload
    remote_id = payload.get("quota_id") or next(iter(payload.get("goals", {})), None)
    tg = schedule.target_group_id
    quota = (
        Quota.objects.filter(profile__target_group=tg, remote_id=remote_id).first()
        or InterlockCell.objects.filter(interlocked_profile__target_group=tg, remote_id=remote_id).first()
    )
    if quota is None:
        raise NothingToDo("The quota (or cell) is no longer in this target group, so nothing was sent.")
    return quota


def current_figure(schedule):
    """The figure a step moves, as the cockpit last read it from the supplier."""
    if schedule.action == TRAFFIC_CAP.key:
        quota = quota_of(schedule)
        return quota.traffic_cap if quota.traffic_cap is not None else quota.completes_goal
    if schedule.action == QUOTA_GOAL.key:
        return quota_of(schedule).completes_goal
    return schedule.target_group.filling_goal


def reached(value, schedule):
    return value >= schedule.limit if schedule.step > 0 else value <= schedule.limit


def stepped_payload(schedule):
    """The payload of a stepped schedule's run: the figure now, moved by the step, not past the limit."""
    now = current_figure(schedule)
    if schedule.limit is not None and reached(now, schedule):
        raise NothingToDo(f"Already at {now:,}, the limit of {schedule.limit:,}: nothing more to send.")
    wanted = now + schedule.step
    if schedule.limit is not None:
        wanted = min(wanted, schedule.limit) if schedule.step > 0 else max(wanted, schedule.limit)
    payload = dict(schedule.payload)
    if schedule.action == TRAFFIC_CAP.key:
        payload["traffic_cap"] = wanted
    elif schedule.action == QUOTA_GOAL.key:
        payload["goals"] = {remote_id: wanted for remote_id in payload["goals"]}
    else:
        payload["filling_goal"] = wanted
    return payload, wanted


def request_scheduled(schedule):
    """Record the schedule's change in the outbox as the PM who asked for it; returns (change, figure sent
    or None). Raises what the service raises when the supplier cannot take it now."""
    tg = schedule.target_group
    by = schedule.requested_by
    if schedule.kind in KIND_FOR_ACTION.values():
        action = next(a for a, kind in KIND_FOR_ACTION.items() if kind == schedule.kind)
        return request_run_action(tg, action, by=by), None
    payload, figure = (schedule.payload, None) if schedule.step is None else stepped_payload(schedule)
    change = request_change(
        schedule.kind,
        connection=tg.project.connection,
        target_group=tg,
        profile=schedule.profile,
        payload=payload,
        by=by,
    )
    return change, figure
