"""Launched target groups made at the sandbox through the cockpit's own client (tests and benches)."""

import uuid
from datetime import timedelta

from django.utils import timezone


def later(**delta):
    return (timezone.now() + timedelta(**delta)).isoformat()


def draft_body(account_id, manager_id, name, filling_goal=200):
    """A draft with an AGE (two bands) and a GENDER profile, quotas enabled."""
    return {
        "name": name,
        "business_unit_id": str(int(account_id) * 10 + 1),
        "locale": "eng_us",
        "project_manager_id": manager_id,
        "collects_pii": False,
        "filling_goal": filling_goal,
        "expected_length_of_interview_minutes": 10,
        "expected_incidence_rate": 0.5,
        "live_url": "https://survey.example.com/s?rid=[%RID%]",
        "test_url": "https://survey.example.com/s?rid=[%RID%]&test=1",
        "fielding_specification": {"start_at": later(hours=2), "end_at": later(days=10)},
        "fielding_assistant_assignment": {"quota_overlay": {"prevent_overfill": True, "balance_fill": True}},
        "profile": {
            "profile_adjustment_type": "percentage",
            "drafts": [
                {
                    "question_id": 42,
                    "quotas_enabled": True,
                    "conditions": {
                        "object": "range_conditions_details_template",
                        "data": [{"min": 18, "max": 24, "text": "18-24"}, {"min": 25, "max": 34, "text": "25-34"}],
                    },
                    "quotas": {
                        "ungrouped": [{"index": 0, "quota_percentage": 40}, {"index": 1, "quota_percentage": 60}],
                        "grouped": [],
                    },
                },
                {
                    "question_id": 43,
                    "quotas_enabled": True,
                    "conditions": {
                        "object": "selection_conditions_details_template",
                        "data": [{"option": "1"}, {"option": "2"}],
                    },
                    "quotas": {
                        "ungrouped": [{"index": 0, "quota_percentage": 50}, {"index": 1, "quota_percentage": 50}],
                        "grouped": [],
                    },
                },
            ],
        },
    }


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
