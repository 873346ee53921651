"""Cint's fielding, as the adapter offers it (`adapter.fielding`, behind `capabilities.fielding_runs`).

A draft goes live through a launch (or schedule) job; a launched target group's fielding run is
paused, resumed, completed, relaunched, launched now or given new dates; a batch job does one of
those to several target groups of a project. The app passes plain values (ids, moments in RFC 3339,
the change's idempotency key and the run's version) and gets `Answer`s, `FieldingRunRecord`s and
`JobRecord`s back; the contract's shapes (``FieldingRunItem``, the jobs' ``failure_reason``…) stop here.
"""

from suppliers.records import Answer, FieldingRunRecord, JobRecord
from suppliers.reference import AllowedActions
from suppliers.values import when, whole


class CintFielding:
    """Fielding runs and jobs of one Cint account: ``CintFielding(client)``."""

    def __init__(self, client):
        self.client = client

    # --- jobs ------------------------------------------------------------------------------------

    def launch(self, ref, *, end_at, key):
        """Start a launch job; the answer's ``job_id`` is the job to follow."""
        response = self.client.launch_from_draft(
            ref.project_id, ref.target_group_id, end_fielding_at=end_at, idempotency_key=key
        )
        return answer(response)

    def schedule(self, ref, *, start_at, end_at, key):
        response = self.client.schedule_from_draft(
            ref.project_id, ref.target_group_id, start_fielding_at=start_at, end_fielding_at=end_at, idempotency_key=key
        )
        return answer(response)

    def start_batch(self, project_id, action, target_group_ids, *, key):
        """``action`` (launch, pause, resume, complete, relaunch) on several target groups of a project."""
        return answer(self.client.start_batch_job(project_id, action, target_group_ids, idempotency_key=key))

    def read_launch_job(self, ref, job_id):
        return job_record(self.client.get_launch_from_draft_job(ref.project_id, ref.target_group_id, job_id).data)

    def read_schedule_job(self, ref, job_id):
        return job_record(self.client.get_schedule_from_draft_job(ref.project_id, ref.target_group_id, job_id).data)

    def read_batch_job(self, project_id, action, job_id):
        return job_record(self.client.get_batch_job(project_id, action, job_id).data)

    # --- runs --------------------------------------------------------------------------------------

    def list_runs(self, ref):
        """The target group's fielding runs (`FieldingRunRecord`s; those without an id left out)."""
        data = self.client.list_fielding_runs(ref.project_id, ref.target_group_id).data
        items = (data or {}).get("data") or [] if isinstance(data, dict) else []
        return [run_record(item) for item in items if isinstance(item, dict) and item.get("id")]

    def read_run(self, ref, run_id):
        """One run, its `version` the ETag to send when changing it."""
        response = self.client.get_fielding_run(ref.project_id, ref.target_group_id, run_id)
        data = response.data if isinstance(response.data, dict) else {}
        record = run_record({"id": run_id, **data})
        record.version = response.etag or ""
        return record

    def change_run(self, ref, run_id, action, *, key, version=""):
        """``action``: ``launch_now``, ``pause``, ``resume``, ``complete`` or ``relaunch``."""
        response = self.client.change_fielding_run(
            ref.project_id,
            ref.target_group_id,
            run_id,
            action.replace("_", "-"),
            idempotency_key=key,
            if_match=version or None,
        )
        return _run_answer(run_id, response)

    def set_run_dates(self, ref, run_id, *, start_at, end_at, key, version=""):
        response = self.client.update_fielding_run(
            ref.project_id,
            ref.target_group_id,
            run_id,
            start_fielding_at=start_at,
            end_fielding_at=end_at,
            idempotency_key=key,
            if_match=version or None,
        )
        return _run_answer(run_id, response)

    # --- what the supplier allows now ------------------------------------------------------------

    def allowed_actions(self, project_id, target_group_ids):
        """Which fielding actions the supplier allows now on the project's `target_group_ids` (for the
        set: an action one of them can take); changes nothing. None when the answer cannot be read."""
        data = self.client.compute_target_group_transitions(project_id, target_group_ids=target_group_ids).data
        if not isinstance(data, dict):
            return None
        return AllowedActions(
            target_group_ids=frozenset(data.get("target_groups") or ()),
            allowed=frozenset(action for flag, action in TRANSITION_FLAGS.items() if data.get(flag) is True),
        )


# The contract's flag -> the action ("launch" is a draft's launch, or launch-now of a scheduled run;
# "complete" is what Cint calls finish).
TRANSITION_FLAGS = {
    "is_launch_allowed": "launch",
    "is_pause_allowed": "pause",
    "is_resume_allowed": "resume",
    "is_relaunch_allowed": "relaunch",
    "is_finish_allowed": "complete",
}


def answer(response, **records):
    return Answer(
        status=response.status, version=response.etag or "", raw=response.data, location=response.location, **records
    )


def _run_answer(run_id, response):
    data = response.data if isinstance(response.data, dict) else {}
    record = run_record({"id": run_id, **data})
    record.version = response.etag or ""
    return answer(response, fielding_run=record)


def run_record(item):
    """A ``FieldingRunItem``."""
    return FieldingRunRecord(
        remote_id=str(item["id"]),
        status=item.get("status") or "",
        start_fielding_at=when(item.get("start_fielding_at")),
        end_fielding_at=when(item.get("end_fielding_at")),
        revision=whole(item.get("version")),
        last_changed_at=when(item.get("last_changed_at")),
        last_changed_by=str(item.get("last_changed_by") or ""),
    )


def job_record(data):
    """A launch, schedule or batch job as it stands (``status``, its ``failure_reason``, a batch's rows)."""
    data = data if isinstance(data, dict) else {}
    reason = data.get("failure_reason") or {}
    details = [
        f"{item.get('name')}: {item.get('reason') or item.get('detail')}"
        if item.get("name")
        else str(item.get("reason") or item.get("detail"))
        for item in reason.get("reasons") or []
    ]
    failed = [
        {
            "target_group_id": row.get("target_group_id"),
            "name": row.get("target_group_name", ""),
            "reason": (row.get("failure_reason") or {}).get("description")
            or (row.get("failure_reason") or {}).get("code")
            or "The supplier gave no reason.",
        }
        for row in (data.get("failed_target_groups") or {}).get("data") or []
    ]
    return JobRecord(
        status=data.get("status") or "",
        fielding_run_id=data.get("created_fielding_run_id"),
        failure=reason.get("description") or "",
        failure_code=reason.get("code") or "",
        failure_details=details,
        updated=[row.get("target_group_id") for row in (data.get("updated_target_groups") or {}).get("data") or []],
        failed=failed,
    )
