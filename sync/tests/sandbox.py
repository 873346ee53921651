"""Launched target groups made at the sandbox through the cockpit's own client (tests and benches)."""

import uuid

from sandbox.tests.bodies import draft_body as sandbox_draft_body
from sandbox.tests.bodies import later


def supplier_client(connection):
    """The supplier's own client, for a test that sets up or reads the sandbox at the wire (the app
    itself reaches a supplier through its adapter only)."""
    from sync.adapters import adapter_for

    return adapter_for(connection).client


def draft_body(account_id, manager_id, name, filling_goal=200):
    """A draft with an AGE (two bands) and a GENDER profile, quotas enabled."""
    return sandbox_draft_body(account_id, name=name, project_manager_id=manager_id, filling_goal=filling_goal)


def launch_target_groups(client, count, *, per_project=10, prefix="TG"):
    """Create `count` live target groups (`per_project` to a project); returns [(project id, tg id)].

    The sandbox must resolve launch jobs at once (``SANDBOX_JOB_SECONDS = 0``).
    """
    key = lambda: str(uuid.uuid4())  # noqa: E731
    users = (client.list_users(user_type="project_manager").data or {}).get("users") or []
    manager = users[0]["id"]
    made = []
    project_id = None
    for i in range(count):
        if i % per_project == 0:
            body = {"name": f"{prefix} project {i // per_project + 1}", "project_manager_id": manager}
            project_id = client.create_project(body, idempotency_key=key()).data["id"]
        draft = draft_body(client.account_id, manager, f"{prefix} {i + 1}")
        tg_id = client.create_target_group(project_id, draft, idempotency_key=key()).data["id"]
        job = client.launch_from_draft(project_id, tg_id, end_fielding_at=later(days=5), idempotency_key=key())
        status = client.get_launch_from_draft_job(project_id, tg_id, job.job_id).data.get("status")
        if status != "Completed":
            raise RuntimeError(f"the sandbox did not launch {tg_id} (job {status}); is SANDBOX_JOB_SECONDS 0?")
        made.append((project_id, tg_id))
    return made
