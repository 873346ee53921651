"""Request bodies for driving the Cint part in tests (here and, through sandbox.tests.bodies, in other apps' tests)."""

import datetime as dt
import uuid

from django.utils import timezone

from sandbox.seed import user_id


def later(**delta):
    return (timezone.now() + dt.timedelta(**delta)).isoformat()


def draft_body(account_id, **overrides):
    """A valid draft: 100 completes, age (2 bands) and gender quotas."""
    body = {
        "name": "Sandbox TG eng_us",
        "business_unit_id": str(int(account_id) * 10 + 1),
        "locale": "eng_us",
        "project_manager_id": str(user_id(int(account_id), "pat.manager@sandbox.invalid")),
        "collects_pii": False,
        "filling_goal": 100,
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
    body.update(overrides)
    return body


def new_key():
    return str(uuid.uuid4())
