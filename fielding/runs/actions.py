"""Pause, resume, complete, relaunch, launch now and a new end date for a fielding run.

Each is an outbox change sent with the run's ETag in ``If-Match``. Payload:
``{"fielding_run": <local pk>, "run_id": <supplier id>, "from_status": "Live",
"to_status": "Paused"}`` plus ``"end_fielding_at"`` (RFC 3339) for ``update_fielding_run_end``.
The run and its target group show the wanted state at once; a refusal re-reads them.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from fielding.drafts.body import parse_time, rfc3339
from fielding.models import FieldingRun, RunAction
from projects.models import TargetGroup
from sync.intents import request_change
from sync.kinds import ChangeKind, Verdict
from sync.locks import lock_target_group, retry_transient

KIND_FOR_ACTION = {
    RunAction.PAUSE: "pause_fielding_run",
    RunAction.RESUME: "resume_fielding_run",
    RunAction.COMPLETE: "complete_fielding_run",
    RunAction.RELAUNCH: "relaunch_fielding_run",
    RunAction.LAUNCH_NOW: "launch_now_fielding_run",
    RunAction.CHANGE_END: "update_fielding_run_end",
}
RUN_KINDS = tuple(KIND_FOR_ACTION.values())
PAST = {
    RunAction.PAUSE: "paused",
    RunAction.RESUME: "resumed",
    RunAction.COMPLETE: "completed",
    RunAction.RELAUNCH: "relaunched",
    RunAction.LAUNCH_NOW: "launched now",
    RunAction.CHANGE_END: "given a new end date",
}


class ActionRefused(Exception):
    """The action is not possible now; the message says why, for the PM."""


def current_run(tg):
    return tg.fielding_runs.order_by(F("start_fielding_at").desc(nulls_last=True), "-pk").first()


def store_run(run, record):
    """Copy a `FieldingRunRecord` onto the local run and its target group."""
    run.status = record.status or run.status
    run.start_fielding_at = record.start_fielding_at or run.start_fielding_at
    run.end_fielding_at = record.end_fielding_at or run.end_fielding_at
    run.version = record.revision or run.version
    run.last_changed_at = record.last_changed_at or run.last_changed_at
    run.last_changed_by = record.last_changed_by or run.last_changed_by
    run.etag = record.version or run.etag
    run.synced_at = timezone.now()
    run.save()
    set_target_group_status(run)


def set_target_group_status(run, tg=None):
    """The target group's status follows its run's (`tg`: the caller's instance, kept in step)."""
    status = FieldingRun.TARGET_GROUP_STATUS.get(run.status)
    if status:
        TargetGroup.objects.filter(pk=run.target_group_id).exclude(status=status).update(status=status)
        for instance in (run.target_group, tg):
            if instance is not None:
                instance.status = status


def set_target_group_dates(run):
    """The target group's fielding dates follow its run's once the supplier applied new ones."""
    TargetGroup.objects.filter(pk=run.target_group_id).update(
        fielding_start_at=run.start_fielding_at, fielding_end_at=run.end_fielding_at
    )
    run.target_group.fielding_start_at, run.target_group.fielding_end_at = run.start_fielding_at, run.end_fielding_at


def record_runs(fielding, tg):
    """Mirror the TG's fielding runs (``fielding.mirror``; `fielding`: the adapter's) and let its status
    follow the current run."""
    from fielding.mirror import sync_fielding_runs

    sync_fielding_runs(fielding, tg)
    run = current_run(tg)
    if run is not None:
        set_target_group_status(run, tg)
    return run


class RunChange(ChangeKind):
    """A fielding run action, sent through the adapter's fielding (`capabilities.fielding_runs`)."""

    action = None
    capability = "fielding_runs"

    def describe(self, change):
        tg = change.target_group
        name = f" “{tg.name}”" if tg else ""
        if self.action == RunAction.CHANGE_END:
            end = parse_time(change.payload.get("end_fielding_at"))
            return f"End fielding of{name} at {timezone.localtime(end):%Y-%m-%d %H:%M}" if end else self.label
        return f"{self.label}{name}"

    def touches(self, change):
        return ["fielding", "header"]

    def run(self, change):
        return FieldingRun.objects.select_related("target_group__project").get(pk=change.payload["fielding_run"])

    def version(self, change):
        return self.run(change).etag

    def record_intent(self, change):
        run = self.run(change)
        run.status = change.payload["to_status"]
        if self.action == RunAction.CHANGE_END:
            run.end_fielding_at = parse_time(change.payload["end_fielding_at"])
        FieldingRun.objects.filter(pk=run.pk).update(status=run.status, end_fielding_at=run.end_fielding_at)
        set_target_group_status(run, change.target_group)

    def send(self, adapter, change, version, seen=None):
        run = self.run(change)
        etag = version
        if not etag:  # never read with its ETag: read it now, so If-Match is right
            self.read_back(adapter, change)
            run = self.run(change)
            etag = run.etag
        ref, options = run.target_group.ref, {"key": str(change.idempotency_key), "version": etag}
        if self.action == RunAction.CHANGE_END:
            return adapter.fielding.set_run_dates(
                ref,
                run.remote_id,
                start_at=rfc3339(run.start_fielding_at),
                end_at=change.payload["end_fielding_at"],
                **options,
            )
        return adapter.fielding.change_run(ref, run.remote_id, self.action, **options)

    def mirror(self, change, answer, seen=None):
        run = self.run(change)
        told = answer.fielding_run
        run.status = change.payload["to_status"]
        if self.action == RunAction.CHANGE_END:
            run.end_fielding_at = parse_time(change.payload["end_fielding_at"])
        if told is not None:
            run.start_fielding_at = told.start_fielding_at or run.start_fielding_at
            run.end_fielding_at = told.end_fielding_at or run.end_fielding_at
        run.etag = answer.version or run.etag
        run.last_changed_at = timezone.now()
        run.save()
        set_target_group_status(run)
        set_target_group_dates(run)

    def read_back(self, adapter, change):
        run = self.run(change)
        store_run(run, adapter.fielding.read_run(run.target_group.ref, run.remote_id))
        return run

    def verdict(self, change, run):
        run = run if run is not None else self.run(change)
        wanted = change.payload["to_status"]
        if self.action == RunAction.CHANGE_END:
            if run.end_fielding_at == parse_time(change.payload["end_fielding_at"]):
                return Verdict(needed=False, reason="The supplier already has this end date.")
        elif run.status == wanted:
            return Verdict(needed=False, reason=f"The run was already {wanted.lower()} at the supplier.")
        if run.allows(self.action):
            return Verdict(needed=True)
        return Verdict(
            needed=False,
            state="conflict",
            reason=(
                f"The run is now {run.status.lower()} at the supplier, so it can no longer be {PAST[self.action]}. "
                "Nothing was changed; check the target group and choose again."
            ),
        )


def _kind(action, label):
    return type(
        f"{action.name.title().replace('_', '')}FieldingRun",
        (RunChange,),
        {"name": KIND_FOR_ACTION[action], "label": label, "action": action},
    )


PauseFieldingRun = _kind(RunAction.PAUSE, "Pause fielding of")
ResumeFieldingRun = _kind(RunAction.RESUME, "Resume fielding of")
CompleteFieldingRun = _kind(RunAction.COMPLETE, "Complete fielding of")
RelaunchFieldingRun = _kind(RunAction.RELAUNCH, "Relaunch fielding of")
LaunchNowFieldingRun = _kind(RunAction.LAUNCH_NOW, "Launch now")
UpdateFieldingRunEnd = _kind(RunAction.CHANGE_END, "Change the fielding end date")


@retry_transient
def request_run_action(tg, action, *, by, end_at=None, allowed=None):
    """Ask for `action` on the TG's run if its state allows it; raises ActionRefused otherwise.

    `allowed` (the supplier's word, when the caller asked it) overrides the cockpit's own rules.
    """
    action = RunAction(action)
    with transaction.atomic():
        lock_target_group(tg.pk)  # the target group first, then its run: the order every writer keeps
        run = current_run(tg)
        if run is None:
            raise ActionRefused("This target group has no fielding run yet; launch it first.")
        run = FieldingRun.objects.select_for_update().get(pk=run.pk)
        if not (run.allows(action) if allowed is None else allowed):
            raise ActionRefused(f"A {run.status.lower()} fielding run cannot be {PAST[action]}. {_offered(run)}")
        payload = {
            "fielding_run": run.pk,
            "run_id": run.remote_id,
            "from_status": run.status,
            "to_status": FieldingRun.status_after(action, run.status),
        }
        if action == RunAction.CHANGE_END:
            payload["end_fielding_at"] = rfc3339(end_at)
        return request_change(
            KIND_FOR_ACTION[action], connection=tg.project.connection, target_group=tg, payload=payload, by=by
        )


def _offered(run):
    actions = [a.label.lower() for a in run.allowed_actions]
    return f"Possible now: {', '.join(actions)}." if actions else "Nothing can be done to it now."
