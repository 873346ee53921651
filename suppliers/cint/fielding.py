"""Fielding calls: the ones that change whether a target group is live.

A draft goes live through a launch (or schedule) *job*; its id is the last segment of the
``Location`` header (``response.job_id``). After that, the target group's *fielding run*
is paused, resumed, completed or relaunched, each guarded by the run's ETag (``If-Match``).
Batch jobs do the same for several target groups of a project at once.
"""

from datetime import datetime

from .transport import segment

BATCH_ACTIONS = ("launch", "pause", "resume", "complete", "relaunch")
FIELDING_RUN_ACTIONS = ("launch-now", "pause", "resume", "complete", "relaunch")


def timestamp(value):
    """An aware ``datetime`` (or a string already in RFC 3339) for a ``date-time`` field."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("Cint needs timezone-aware datetimes")
        return value.isoformat()
    return value


class FieldingMethods:
    """Mixed into ``CintClient``; relies on its path helpers and verbs."""

    def launch_from_draft(self, project_id, target_group_id, *, end_fielding_at, idempotency_key):
        """Start a launch job; ``response.job_id`` (from ``Location``) is its id."""
        body = {"end_fielding_at": timestamp(end_fielding_at)}
        return self._post(self._job_path(project_id, target_group_id, "launch"), body, idempotency_key=idempotency_key)

    def get_launch_from_draft_job(self, project_id, target_group_id, job_id):
        return self._get(f"{self._job_path(project_id, target_group_id, 'launch')}/{segment(job_id)}")

    def schedule_from_draft(self, project_id, target_group_id, *, start_fielding_at, end_fielding_at, idempotency_key):
        body = {"start_fielding_at": timestamp(start_fielding_at), "end_fielding_at": timestamp(end_fielding_at)}
        path = self._job_path(project_id, target_group_id, "schedule")
        return self._post(path, body, idempotency_key=idempotency_key)

    def get_schedule_from_draft_job(self, project_id, target_group_id, job_id):
        return self._get(f"{self._job_path(project_id, target_group_id, 'schedule')}/{segment(job_id)}")

    def list_fielding_runs(self, project_id, target_group_id):
        return self._get(f"{self._target_group(project_id, target_group_id)}/fielding-runs")

    def get_fielding_run(self, project_id, target_group_id, fielding_run_id):
        """The run and, in ``etag``, the version to send as ``If-Match`` when changing it."""
        return self._get(self._run_path(project_id, target_group_id, fielding_run_id))

    def update_fielding_run(
        self,
        project_id,
        target_group_id,
        fielding_run_id,
        *,
        start_fielding_at,
        end_fielding_at,
        idempotency_key,
        if_match=None,
    ):
        body = {"start_fielding_at": timestamp(start_fielding_at), "end_fielding_at": timestamp(end_fielding_at)}
        path = self._run_path(project_id, target_group_id, fielding_run_id)
        return self._put(path, body, idempotency_key=idempotency_key, if_match=if_match)

    def change_fielding_run(
        self, project_id, target_group_id, fielding_run_id, action, *, idempotency_key, if_match=None
    ):
        """``action``: ``launch-now``, ``pause``, ``resume``, ``complete`` or ``relaunch``."""
        if action not in FIELDING_RUN_ACTIONS:
            raise ValueError(f"unknown fielding run action {action!r}")
        path = f"{self._run_path(project_id, target_group_id, fielding_run_id)}/{action}"
        return self._post(path, idempotency_key=idempotency_key, if_match=if_match)

    def launch_fielding_run_now(self, project_id, target_group_id, fielding_run_id, *, idempotency_key, if_match=None):
        """Go live now instead of at the scheduled start."""
        return self.change_fielding_run(
            project_id,
            target_group_id,
            fielding_run_id,
            "launch-now",
            idempotency_key=idempotency_key,
            if_match=if_match,
        )

    def pause_fielding_run(self, project_id, target_group_id, fielding_run_id, *, idempotency_key, if_match=None):
        return self.change_fielding_run(
            project_id, target_group_id, fielding_run_id, "pause", idempotency_key=idempotency_key, if_match=if_match
        )

    def resume_fielding_run(self, project_id, target_group_id, fielding_run_id, *, idempotency_key, if_match=None):
        return self.change_fielding_run(
            project_id, target_group_id, fielding_run_id, "resume", idempotency_key=idempotency_key, if_match=if_match
        )

    def complete_fielding_run(self, project_id, target_group_id, fielding_run_id, *, idempotency_key, if_match=None):
        return self.change_fielding_run(
            project_id, target_group_id, fielding_run_id, "complete", idempotency_key=idempotency_key, if_match=if_match
        )

    def relaunch_fielding_run(self, project_id, target_group_id, fielding_run_id, *, idempotency_key, if_match=None):
        return self.change_fielding_run(
            project_id, target_group_id, fielding_run_id, "relaunch", idempotency_key=idempotency_key, if_match=if_match
        )

    def start_batch_job(self, project_id, action, target_group_ids, *, idempotency_key):
        """Launch/pause/resume/complete/relaunch the fielding runs of several target groups."""
        body = {"target_group_ids": list(target_group_ids)}
        return self._post(self._batch_path(project_id, action), body, idempotency_key=idempotency_key)

    def get_batch_job(self, project_id, action, job_id):
        return self._get(f"{self._batch_path(project_id, action)}/{segment(job_id)}")

    def _job_path(self, project_id, target_group_id, kind):
        return f"{self._target_group(project_id, target_group_id)}/fielding-run-jobs/{kind}-from-draft"

    def _run_path(self, project_id, target_group_id, fielding_run_id):
        return f"{self._target_group(project_id, target_group_id)}/fielding-runs/{segment(fielding_run_id)}"

    def _batch_path(self, project_id, action):
        if action not in BATCH_ACTIONS:
            raise ValueError(f"unknown batch action {action!r}")
        return f"{self._project(project_id)}/batch-jobs/{action}-fielding-runs-by-target-group-id"
