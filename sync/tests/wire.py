"""Cint at the wire for tests: `responses` with the contract's shapes, and a small stateful fake.

Tests import the `wire` fixture from here (``from sync.tests.wire import wire  # noqa: F401``).
"""

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from suppliers.cint import CintTransport

BASE = "https://cint.test/v1"
AUTH = "https://cint.test/oauth/token"
ACCOUNT = "1001"
ETAG = 'W/"1"'


@pytest.fixture
def wire(settings, monkeypatch):
    """`responses` active, the client pointed at it, a token endpoint, and no real sleeping."""
    settings.CINT_BASE_URL = BASE
    settings.CINT_AUTH_URL = AUTH
    settings.SYNC_BACKOFF_BASE_SECONDS = 0
    monkeypatch.setattr(CintTransport, "backoff_seconds", 0)
    from django.core.cache import cache

    cache.clear()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(responses.POST, AUTH, json={"access_token": "test-token", "expires_in": 3600})
        yield rsps


def api_calls(rsps, method=None):
    """The API calls made (token calls left out)."""
    return [
        call
        for call in rsps.calls
        if call.request.url.startswith(BASE) and (method is None or call.request.method == method)
    ]


def tg_url(tg, suffix=""):
    return f"{BASE}/demand/accounts/{ACCOUNT}/projects/{tg.project.remote_id}/target-groups/{tg.remote_id}{suffix}"


def profiles_url(tg, suffix=""):
    return (
        f"{BASE}/demand/v2/accounts/{ACCOUNT}/projects/{tg.project.remote_id}"
        f"/target-groups/{tg.remote_id}/profiles{suffix}"
    )


# --- payloads in the contract's shapes -------------------------------------------------------


def regular_profile(remote_id, name="AGE", *, enabled=True, quotas=(), question_id=42):
    """A v2 ``OutputRegularProfile``; `quotas` are (quota id, condition id, text, goal, completes)."""
    return {
        "id": remote_id,
        "question_id": question_id,
        "name": name,
        "description": f"What is your {name.lower()}?",
        "quotas_enabled": enabled,
        "conditions": {
            "object": "selection_conditions_details_template",
            "data": [
                {"id": condition_id, "text": text, "text_translated": text, "option": str(i + 1)}
                for i, (_, condition_id, text, _, _) in enumerate(quotas)
            ],
        },
        "quotas": {
            "ungrouped": [
                {
                    "id": quota_id,
                    "condition": condition_id,
                    "quota": 50,
                    "completes": completes,
                    "prescreens": completes * 2,
                    "completes_goal": goal,
                }
                for quota_id, condition_id, _, goal, completes in quotas
            ],
            "grouped": [],
        },
    }


def interlocked_profile(remote_id, members, *, cells=(), name=None):
    """A v2 ``OutputInterlockedProfile``; `cells` are (cell id, text, goal, completes)."""
    return {
        "id": remote_id,
        "name": name or ", ".join(m["name"] for m in members),
        "quotas_enabled": True,
        "depends_on_questions": [m["question_id"] for m in members],
        "quotas": {
            "ungrouped": [
                {
                    "id": cell_id,
                    "condition": {"id": cell_id, "text": text, "text_translated": text},
                    "quota": 25,
                    "completes": completes,
                    "prescreens": completes,
                    "completes_goal": goal,
                }
                for cell_id, text, goal, completes in cells
            ],
            "grouped": [],
        },
        "profiles": members,
    }


def profiles_payload(*profiles, interlock=None):
    """``GetAllProfilesResponse``: regular profiles in data, members inside the interlock."""
    members = {m["id"] for m in (interlock or {}).get("profiles", [])}
    return {"data": [p for p in profiles if p["id"] not in members], "interlocked_profile": interlock}


def details(remote_id, *, name="Target group", filling_goal=500):
    return {
        "id": remote_id,
        "human_readable_id": "ABC1234",
        "name": name,
        "account_name": "Sandbox",
        "business_unit_id": "1",
        "project_manager_id": "9fdf41e9-cbcc-43da-abe4-8a5d45eafd70",
        "study_type_code": "adhoc",
        "industry_code": "other",
        "locale": "eng_us",
        "filling_goal": filling_goal,
        "expected_length_of_interview_minutes": 10,
        "expected_incidence_rate": 0.5,
        "industry_lockout_code": "no_lockout",
        "client_cpi": {"value": "2.5000", "currency_code": "USD"},
        "collects_pii": False,
        "live_url": "https://survey.example.com/s?RID=[%RID%]",
        "test_url": "https://survey.example.com/t?RID=[%RID%]",
        "created_at": "2025-01-01T10:00:00.000Z",
    }


# --- a stateful fake for pull syncs -------------------------------------------------------


class FakeCint:
    """Projects, target groups and profiles behind `responses` callbacks, paginated like Cint.

    Change ``self.projects`` between syncs; every change to a target group should call
    ``touch(tg_id)`` so its ETag and ``updated_at`` move, as the supplier's do.
    """

    def __init__(self, rsps, page_size=2):
        self.rsps = rsps
        self.page_size = page_size
        self.projects = {}  # id -> {"name", "target_groups": {id: tg dict}}
        self.failures = {}  # tg id -> status to answer on its details
        self.listing = []  # callables given the project id whose target groups are asked for, before the answer
        base = re.escape(f"{BASE}/demand/accounts/{ACCOUNT}")
        v2 = re.escape(f"{BASE}/demand/v2/accounts/{ACCOUNT}")
        tg = rf"{base}/projects/([^/]+)/target-groups/([^/?]+)"
        routes = [
            (rf"{base}/projects(\?.*)?$", self._projects),
            (rf"{base}/projects/([^/]+)/target-groups(\?.*)?$", self._target_groups),
            (rf"{tg}/details$", self._details),
            (rf"{tg}/overview$", self._overview),
            (rf"{tg}/fielding-runs$", self._runs),
            (rf"{v2}/projects/([^/]+)/target-groups/([^/?]+)/profiles$", self._profiles),
        ]
        for pattern, callback in routes:
            rsps.add_callback(responses.GET, re.compile(pattern), callback, content_type="application/json")

    def add_project(self, project_id, name="Project"):
        self.projects[project_id] = {"name": name, "target_groups": {}}

    def add_target_group(self, project_id, tg_id, *, status="live", profiles=None, runs=None, name=None):
        self.projects[project_id]["target_groups"][tg_id] = {
            "id": tg_id,
            "name": name or f"TG {tg_id[-4:]}",
            "status": status,
            "version": 1,
            "updated_at": "2025-01-01T10:00:00.000Z",
            "filling_goal": 500,
            "completes": 10,
            "profiles": profiles or profiles_payload(),
            "runs": runs if runs is not None else [fielding_run(f"run-{tg_id[-4:]}")],
        }

    def target_group(self, tg_id):
        for project in self.projects.values():
            if tg_id in project["target_groups"]:
                return project["target_groups"][tg_id]
        return None

    def touch(self, tg_id):
        tg = self.target_group(tg_id)
        tg["version"] += 1
        tg["updated_at"] = f"2025-01-01T10:{tg['version']:02d}:00.000Z"

    # --- callbacks ---

    def _page(self, request, items, key):
        query = parse_qs(urlsplit(request.url).query)
        size = int(query.get("page_size", [self.page_size])[0])
        size = min(size, self.page_size)
        after = query.get("start_after", [None])[0]
        ids = [item["id"] for item in items]
        start = ids.index(after) + 1 if after in ids else 0
        page = items[start : start + size]
        more = start + size < len(items)
        body = {key: page, "has_more": more, "next_cursor": page[-1]["id"] if more else None, "url": request.url}
        return 200, {}, json.dumps(body)

    def _projects(self, request):
        items = [
            {
                "id": pid,
                "name": p["name"],
                "account_id": int(ACCOUNT),
                "status": "active",
                "target_group_count": len(p["target_groups"]),
                "last_activity_at": "2025-01-01T10:00:00.000Z",
                "statistics": {},
            }
            for pid, p in self.projects.items()
        ]
        return self._page(request, items, "projects")

    def _target_groups(self, request):
        project_id = urlsplit(request.url).path.split("/projects/")[1].split("/")[0]
        for look in self.listing:
            look(project_id)
        wanted = {s for value in parse_qs(urlsplit(request.url).query).get("status", []) for s in value.split(",")}
        items = [
            {
                "id": tg["id"],
                "name": tg["name"],
                "status": tg["status"],
                "locale": "eng_us",
                "project_manager_id": "9fdf41e9-cbcc-43da-abe4-8a5d45eafd70",
                "created_at": "2025-01-01T10:00:00.000Z",
                "updated_at": tg["updated_at"],
                "statistics": {
                    "progress": {
                        "value": {
                            "current_completes": tg["completes"],
                            "current_prescreens": tg["completes"] * 3,
                            "filling_goal": tg["filling_goal"],
                            "filling_strategy": "completes",
                        },
                        "issues": [],
                    }
                },
            }
            for tg in self.projects.get(project_id, {}).get("target_groups", {}).values()
            if not wanted or tg["status"] in wanted
        ]
        return self._page(request, items, "target_groups")

    def _tg(self, request):
        path = urlsplit(request.url).path
        tg_id = path.split("/target-groups/")[1].split("/")[0]
        return tg_id, self.target_group(tg_id)

    def _details(self, request):
        tg_id, tg = self._tg(request)
        if tg is None:
            return 404, {}, json.dumps({"detail": "Target group not found."})
        if tg_id in self.failures:
            status = self.failures[tg_id]
            return status, {}, json.dumps({"detail": f"Injected {status}."})
        body = details(tg_id, name=tg["name"], filling_goal=tg["filling_goal"])
        return 200, {"ETag": f'W/"{tg["version"]}"'}, json.dumps(body)

    def _overview(self, request):
        _, tg = self._tg(request)
        body = {
            "project_name": "Project",
            "target_group_name": tg["name"],
            "progress": {
                "current_completes": tg["completes"],
                "current_prescreens": tg["completes"] * 3,
                "filling_goal": tg["filling_goal"],
                "filling_strategy": "completes",
            },
            "pricing_model": "dynamic",
            "is_pricing_restricted": False,
            "current_cost_per_interview": {"value": "2.5000", "currency_code": "USD"},
            "current_cost": {"value": f"{2.5 * tg['completes']:.4f}", "currency_code": "USD"},
            "status": tg["status"],
            "country_code": "US",
            "language_code": "eng",
            "conversion_rate": 0.25,
            "drop_off_rate": 0.1,
            "incidence_rate": 0.5,
            "median_length_of_interview_seconds": 600,
        }
        return 200, {}, json.dumps(body)

    def _profiles(self, request):
        _, tg = self._tg(request)
        return 200, {}, json.dumps(tg["profiles"])

    def _runs(self, request):
        _, tg = self._tg(request)
        return 200, {}, json.dumps({"data": tg["runs"], "has_more": False})


def fielding_run(run_id, status="Live"):
    return {
        "id": run_id,
        "status": status,
        "start_fielding_at": "2025-01-01T10:00:00.000Z",
        "end_fielding_at": "2025-02-01T10:00:00.000Z",
        "version": 1,
        "last_changed_at": "2025-01-01T10:00:00.000Z",
        "last_changed_by": "9fdf41e9-cbcc-43da-abe4-8a5d45eafd70",
    }
