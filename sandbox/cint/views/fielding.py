"""Fielding: launch/schedule jobs, fielding runs and their transitions, batch jobs."""

from ...ids import iso
from ...models import BatchJob, FieldingJob, FieldingRun, JobStatus
from ...wire import empty_response, json_response
from .. import fielding
from ..validation import Validator
from ..wire import ApiError, api, check_if_match, read_json
from .common import acting_user_id, get_project, get_target_group


def _job_shape(job):
    data = {
        "job_id": job.id,
        "created_at": iso(job.created_at),
        "created_by": str(job.created_by),
        "status": job.status,
        "job_trace_id": job.trace_id,
    }
    if job.created_fielding_run_id:
        data["created_fielding_run_id"] = job.created_fielding_run_id
    if job.status == JobStatus.FAILED and job.failure_reason:
        data["failure_reason"] = job.failure_reason
    return data


def _create_job(request, account_id, project_id, target_group_id, kind):
    tg = get_target_group(account_id, project_id, target_group_id, for_update=True)
    check = Validator(read_json(request))
    start = check.datetime("start_fielding_at", required=kind == FieldingJob.Kind.SCHEDULE)
    end = check.datetime("end_fielding_at", required=True)
    check.check()
    job = fielding.create_job(tg, kind, start_at=start, end_at=end, created_by=acting_user_id(tg.project.account))
    return empty_response(201, headers={"Location": request.build_absolute_uri(f"{request.path.rstrip('/')}/{job.id}")})


@api(mutation=True, idempotency="required")
def launch_from_draft(request, account_id, project_id, target_group_id):
    return _create_job(request, account_id, project_id, target_group_id, FieldingJob.Kind.LAUNCH)


@api(mutation=True, idempotency="required")
def schedule_from_draft(request, account_id, project_id, target_group_id):
    return _create_job(request, account_id, project_id, target_group_id, FieldingJob.Kind.SCHEDULE)


def _get_job(account_id, project_id, target_group_id, job_id, kind):
    tg = get_target_group(account_id, project_id, target_group_id)
    job = FieldingJob.objects.filter(target_group=tg, kind=kind, pk=job_id).first()
    if job is None:
        raise ApiError.not_found(f"Job {job_id} does not exist for target group {target_group_id}.")
    job = fielding.resolve_job(job.pk)
    # The guide has clients cache this ETag for the first pause/complete: the new run's.
    run = job.created_fielding_run
    return json_response(_job_shape(job), headers={"ETag": run.etag} if run else None)


@api()
def launch_job(request, account_id, project_id, target_group_id, job_id):
    return _get_job(account_id, project_id, target_group_id, job_id, FieldingJob.Kind.LAUNCH)


@api()
def schedule_job(request, account_id, project_id, target_group_id, job_id):
    return _get_job(account_id, project_id, target_group_id, job_id, FieldingJob.Kind.SCHEDULE)


def _run_shape(run):
    return {
        "id": run.id,
        "last_changed_at": iso(run.last_changed_at),
        "last_changed_by": str(run.last_changed_by or "00000000-0000-0000-0000-000000000000"),
        "start_fielding_at": iso(run.start_at),
        "end_fielding_at": iso(run.end_at),
        "status": run.status,
        "version": run.version,
    }


@api()
def list_runs(request, account_id, project_id, target_group_id):
    tg = get_target_group(account_id, project_id, target_group_id)
    return json_response({"data": [_run_shape(r) for r in tg.fielding_runs.all()], "has_more": False})


def _get_run(tg, fielding_run_id, *, for_update=False):
    queryset = FieldingRun.objects.filter(target_group=tg, pk=fielding_run_id)
    run = (queryset.select_for_update() if for_update else queryset).first()
    if run is None:
        raise ApiError.not_found(f"Fielding run {fielding_run_id} does not exist for target group {tg.id}.")
    run.target_group = tg
    return run


@api()
def get_run(request, account_id, project_id, target_group_id, fielding_run_id):
    tg = get_target_group(account_id, project_id, target_group_id)
    run = _get_run(tg, fielding_run_id)
    return json_response(_run_shape(run), headers={"ETag": run.etag})


def _locked_run(request, account_id, project_id, target_group_id, fielding_run_id):
    tg = get_target_group(account_id, project_id, target_group_id, for_update=True)
    run = _get_run(tg, fielding_run_id, for_update=True)
    check_if_match(request, run.version, on_stale_fault=run.bump)
    return tg, run


@api(mutation=True)
def update_run(request, account_id, project_id, target_group_id, fielding_run_id):
    tg, run = _locked_run(request, account_id, project_id, target_group_id, fielding_run_id)
    check = Validator(read_json(request))
    start = check.datetime("start_fielding_at", required=True)
    end = check.datetime("end_fielding_at", required=True)
    check.check()
    run = fielding.update_run(run, start_at=start, end_at=end, user_id=acting_user_id(tg.project.account))
    return json_response({"id": run.id}, status=202, headers={"ETag": run.etag})


def _transition_view(action):
    @api(mutation=True)
    def view(request, account_id, project_id, target_group_id, fielding_run_id):
        tg, run = _locked_run(request, account_id, project_id, target_group_id, fielding_run_id)
        run = fielding.transition(run, action, user_id=acting_user_id(tg.project.account))
        if action == "launch-now":
            return json_response(
                {"start_fielding_at": iso(run.start_at), "end_fielding_at": iso(run.end_at)},
                headers={"ETag": run.etag},
            )
        return empty_response(204, headers={"ETag": run.etag})

    view.__name__ = f"{action.replace('-', '_')}_run"
    return view


pause_run = _transition_view("pause")
resume_run = _transition_view("resume")
complete_run = _transition_view("complete")
relaunch_run = _transition_view("relaunch")
launch_now_run = _transition_view("launch-now")


# --- batch jobs -------------------------------------------------------------------------

BATCH_ACTIONS = {
    "launch-fielding-runs-by-target-group-id": BatchJob.Action.LAUNCH,
    "pause-fielding-runs-by-target-group-id": BatchJob.Action.PAUSE,
    "resume-fielding-runs-by-target-group-id": BatchJob.Action.RESUME,
    "complete-fielding-runs-by-target-group-id": BatchJob.Action.COMPLETE,
    "relaunch-fielding-runs-by-target-group-id": BatchJob.Action.RELAUNCH,
}


@api(mutation=True)
def create_batch(request, account_id, project_id, batch):
    project = get_project(account_id, project_id)
    check = Validator(read_json(request))
    ids = check.array("target_group_ids", required=True, min_items=1, max_items=100)
    check.check()
    if not all(isinstance(i, str) for i in ids):
        raise ApiError.bad_request("target_group_ids must be a list of target group ids.")
    job = fielding.create_batch_job(project, BATCH_ACTIONS[batch], ids, created_by=acting_user_id(project.account))
    return empty_response(201, headers={"Location": request.build_absolute_uri(f"{request.path.rstrip('/')}/{job.id}")})


@api()
def get_batch(request, account_id, project_id, batch, job_id):
    project = get_project(account_id, project_id)
    job = BatchJob.objects.filter(project=project, action=BATCH_ACTIONS[batch], pk=job_id).first()
    if job is None:
        raise ApiError.not_found(f"Batch job {job_id} does not exist in project {project_id}.")
    job = fielding.resolve_batch_job(job.pk)
    return json_response(
        {
            "job_id": job.id,
            "created_at": iso(job.created_at),
            "status": job.status,
            "updated_target_groups": {"data": job.updated, "has_more": False},
            "failed_target_groups": {"data": job.failed, "has_more": False},
        }
    )
