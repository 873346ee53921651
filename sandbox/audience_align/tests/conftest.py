"""Fixtures for driving the Audience-Align part: the cockpit's own client on an in-process session,
and a raw caller for what the client would never send (a wrong hash, a wrong client id)."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from sandbox.audience_align.wire import ensure_client
from suppliers.audience_align import AudienceAlignClient, AudienceAlignTransport, MemoryCache

SITE = "http://testserver"
BASE = f"{SITE}/sandbox/audience-align/v1"
CLIENT_ID = "1tdWUlOYUdyedRUa"
KEY = "a2987fc7ac3df6b4a11f1e81efcb727a121"


def days(n):
    return (timezone.localdate() + timedelta(days=n)).isoformat()


def survey_body(**overrides):
    """A B2C survey in the United States with GENDER and AGE, as the seed's create example has them."""
    body = {
        "project_name": "AUD1 - sandbox",
        "country": "229",
        "language": "5",
        "study_category": "5",
        "vertical": "1",
        "audience_type": "2",
        "pii_collection": "No",
        "ir": "40",
        "loi": "10",
        "cpi": "2.50",
        "complete_needed": "100",
        "project_start_date": days(0),
        "project_end_date": days(10),
        "live_link": "https://survey.example.com/s?uid=[identifier]",
        "test_link": "https://survey.example.com/s?uid=[identifier]&test=1",
        "qualifications": [
            {"qualification_code": 43, "condition_codes": [1, 2]},
            {"qualification_code": 42, "range_sets": [{"from": 18, "to": 34}, {"from": 35, "to": 54}]},
        ],
        "quota": [{"qualification_code": 43, "criteria": [{"required_count": 50, "condition_codes": 1}]}],
    }
    body.update(overrides)
    return body


@pytest.fixture
def aa_account(db, settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.SANDBOX_JOB_SECONDS = 0
    return ensure_client(CLIENT_ID, KEY)


@pytest.fixture
def aa(aa_account):
    """The cockpit's Audience-Align client, reaching the sandbox in this process."""
    from projects.inprocess import in_process_session

    transport = AudienceAlignTransport(BASE, CLIENT_ID, KEY, cache=MemoryCache(), session=in_process_session())
    yield AudienceAlignClient(transport)
    transport.session.close()


@pytest.fixture
def survey_id(aa):
    return aa.create_survey(survey_body()).data["data"]["project_id"]


class Raw:
    """Calls the sandbox with Django's test client: any hash, any client id."""

    def __init__(self, client, aa):
        self.client = client
        self.aa = aa

    def call(self, method, endpoint, body=None, *, hash=None, client_id=CLIENT_ID, project_id=None, **params):
        url = f"{BASE}/{endpoint}"
        params["hash"] = self.aa.transport.hash_for(url) if hash is None else hash
        headers = {"X-Client-Id": client_id}
        if project_id:
            headers["X-Project-Id"] = project_id
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return getattr(self.client, method.lower())(
            f"/sandbox/audience-align/v1/{endpoint}?{query}",
            data=json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers=headers,
        )


@pytest.fixture
def raw(client, aa):
    return Raw(client, aa)
