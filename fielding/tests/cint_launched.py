"""A launched Cint target group at the wire (`responses`), for the settings pages and their changes.

`LaunchedTarget` keeps what the supplier holds (CPI, filling strategy, Fielding Assistant,
details, changelog) and answers the contract's operations on it. Every answer it gives is
validated against the Cint contract when the contract is checked out next to the repo, so
the tests exercise the cockpit against the contract's shapes, not against the fake's.
A test can make the next write to a path fail (`fail_next`) or be applied with its answer
lost (`lose_next`), make the reads of a path fail (`fail_reads`), and reads `writes` to see
what reached the supplier.
"""

import json
import re
from functools import cache
from pathlib import Path

import requests
import responses

from sync.tests.wire import ACCOUNT, BASE, tg_url

CONTRACT = Path(__file__).resolve().parents[2].parent / "shared/reference/contracts/cint-demand-api-2025-02-17.yaml"
MANAGER = "6f1c2d3e-0000-4000-8000-000000000001"
OTHER_MANAGER = "6f1c2d3e-0000-4000-8000-000000000002"


@cache
def _contract():
    if not CONTRACT.exists():
        return None
    from openapi_core import OpenAPI

    return OpenAPI.from_path(CONTRACT)


def check_against_contract(request, status, headers, body):
    """Raise if this answer is not what the contract says the operation answers."""
    openapi = _contract()
    if openapi is None:
        return
    from openapi_core.contrib.requests import RequestsOpenAPIRequest
    from openapi_core.testing import MockResponse

    prepared = request.copy()
    prepared.url = "https://api.cint.com/v1" + prepared.url[len(BASE) :]
    content = json.dumps(body).encode() if body is not None else b""
    mock = MockResponse(content, status_code=status, headers=headers, content_type="application/json")
    openapi.validate_response(RequestsOpenAPIRequest(prepared), mock)


def money(value, currency="USD"):
    return {"value": f"{float(value):.9f}", "currency_code": currency, "currency_scale": 2}


def rate_card_data(currency="USD"):
    lengths = [5, 10, 15, 20]
    rates = [75, 50, 30, 10]
    prices = [[round(1.0 + 0.2 * r + 0.5 * c, 2) for c in range(len(rates))] for r in range(len(lengths))]
    return {
        "data_format": "loi_ir_matrix",
        "length_of_interview_minutes": lengths,
        "incidence_rate_percents": rates,
        "pricing_table_currency_code": currency,
        "pricing_table_data": prices,
    }


class LaunchedTarget:
    """One launched target group (`tg`, a cockpit row) as the supplier holds it."""

    def __init__(self, wire, tg, *, pricing_model="dynamic", cpi="2.50", currency="USD", status="live"):
        self.wire, self.tg = wire, tg
        self.status = status
        self.pricing_model = pricing_model  # the contract's words: "dynamic" or "ratecard"
        self.cpi, self.currency = cpi, currency
        self.filling_strategy = "completes"
        self.assignment = {"quota_overlay": {"prevent_overfill": True, "balance_fill": False}}
        self.version = 1
        self.details = {
            "name": tg.name,
            "project_manager_id": MANAGER,
            "expected_length_of_interview_minutes": 10,
            "expected_incidence_rate": 0.5,
            "industry_lockout_code": "no_lockout",
            "live_url": "https://survey.example.com/s?RID=[%RID%]",
            "test_url": "https://survey.example.com/t?RID=[%RID%]",
        }
        self.client_cpi = None
        self.changelog = []
        self.transitions = {"is_pause_allowed": True, "is_finish_allowed": True}
        self.writes = []
        self.fail_next, self.lose_next, self.fail_reads = {}, set(), set()
        base = re.escape(tg_url(tg))
        routes = [
            (responses.GET, "/details", self._get_details),
            (responses.PUT, "/details", self._put_details),
            (responses.GET, "/overview", self._overview),
            (responses.PUT, "/cost-per-interview", self._put_cpi),
            (responses.PUT, "/filling-strategy", self._put_strategy),
            (responses.GET, "/fielding-assistant-assignment", self._get_assistant),
            (responses.PUT, "/fielding-assistant-assignment", self._put_assistant),
            (responses.GET, "/rate-card", self._rate_card),
            (responses.GET, "/changelog", self._changelog),
        ]
        for method, suffix, handler in routes:
            wire.add_callback(method, re.compile(base + re.escape(suffix) + r"(\?.*)?$"), self._answer(handler, suffix))
        project = f"{BASE}/demand/accounts/{ACCOUNT}/projects/{tg.project.remote_id}"
        wire.add_callback(
            responses.POST,
            f"{project}/compute-target-group-transitions",
            self._answer(self._transitions, "/transitions"),
        )

    # --- plumbing ---

    def _answer(self, handler, suffix):
        def callback(request):
            if request.method == "GET" and suffix in self.fail_reads:
                body = {"id": "e1", "object": "unexpected_internal_error", "detail": "Unavailable."}
                return 503, {"Content-Type": "application/json"}, json.dumps(body)
            if request.method != "GET" and (status := self.fail_next.pop(suffix, None)):
                body = {"id": "e1", "object": "bad_request_error", "detail": f"Refused ({status})."}
                return status, {"Content-Type": "application/json"}, json.dumps(body)
            status, headers, body = handler(request)
            headers = {"Content-Type": "application/json", **headers}
            if 200 <= status < 300:
                check_against_contract(request, status, headers, body)
            if request.method != "GET" and suffix != "/transitions" and 200 <= status < 300:
                self.writes.append((request.method, suffix, json.loads(request.body or b"null")))
                if suffix in self.lose_next:
                    self.lose_next.discard(suffix)
                    raise requests.ConnectionError("connection reset by peer")
            return status, headers, json.dumps(body) if body is not None else ""

        return callback

    def etag(self):
        return f'W/"{self.version}"'

    def log(self, *changes, user=None):
        """Record one changelog batch: (object, old, new) triples."""
        self.changelog.insert(
            0,
            {
                "id": f"00000000-0000-4000-8000-{len(self.changelog) + 1:012d}",
                "occurred_at": "2025-06-02T10:00:00Z",
                "user": {"type": "las_user", "las_user_id": user} if user else {"type": "system_marketplace_user"},
                "changes": [
                    # The contract cannot carry a null value: a value switched off or never set is left out.
                    {
                        "object": obj,
                        **({"old_value": old} if old is not None else {}),
                        **({"new_value": new} if new is not None else {}),
                    }
                    for obj, old, new in changes
                ],
            },
        )

    # --- reads ---

    def details_body(self):
        body = {
            "id": self.tg.remote_id,
            "human_readable_id": "ABC1234",
            "account_name": "Sandbox",
            "business_unit_id": "10011",
            "study_type_code": "adhoc",
            "industry_code": "other",
            "locale": "eng_us",
            "filling_goal": 500,
            "collects_pii": False,
            "created_at": "2025-01-01T10:00:00.000Z",
            **self.details,
        }
        if self.client_cpi:
            body["client_cpi"] = money(self.client_cpi, self.currency)
        return body

    def _get_details(self, request):
        return 200, {"ETag": self.etag()}, self.details_body()

    def _overview(self, request):
        return (
            200,
            {},
            {
                "project_name": "Project",
                "target_group_name": self.details["name"],
                "progress": {
                    "current_completes": 120,
                    "current_prescreens": 300,
                    "filling_goal": 500,
                    "filling_strategy": self.filling_strategy,
                },
                "pricing_model": self.pricing_model,
                "is_pricing_restricted": False,
                "current_cost_per_interview": money(self.cpi, self.currency),
                "current_cost": money(float(self.cpi) * 120, self.currency),
                "status": self.status,
                "country_code": "US",
                "language_code": "ENG",
                "conversion_rate": 0.25,
                "drop_off_rate": 0.1,
                "incidence_rate": 0.37,
                "median_length_of_interview_seconds": 720,
            },
        )

    def _get_assistant(self, request):
        return 200, {"ETag": self.etag()}, self.assignment

    def _rate_card(self, request):
        data = rate_card_data(self.currency)
        if self.status in ("live", "paused", "completed"):
            return 200, {}, {"country_code": "US", "bound_rate_card_token": "tok", "bound_rate_card": data}
        return 200, {}, {"country_code": "US", "predicted_rate_card_token": "tok", "predicted_rate_card": data}

    def _changelog(self, request):
        from urllib.parse import parse_qs, urlsplit

        query = parse_qs(urlsplit(request.url).query)
        size = int(query.get("page_size", ["10"])[0])
        ids = [batch["id"] for batch in self.changelog]
        after = query.get("start_after", [None])[0]
        start = ids.index(after) + 1 if after in ids else 0
        page = self.changelog[start : start + size]
        more = start + size < len(self.changelog)
        return 200, {}, {"changelog": page, "next_cursor": page[-1]["id"] if more else ""}

    def _transitions(self, request):
        return 200, {}, {"target_groups": [self.tg.remote_id], **self.transitions}

    # --- writes ---

    def _put_cpi(self, request):
        body = json.loads(request.body)
        cpi = body["target_group_cpi"]
        if self.pricing_model == "ratecard":
            return 400, {}, {"id": "e", "object": "bad_request_error", "detail": "Priced by its rate card."}
        self.log(("cpi_change", money(self.cpi, self.currency), money(cpi["value"], cpi["currency_code"])))
        self.cpi, self.version = cpi["value"], self.version + 1
        return 200, {}, {"target_group_cpi": money(self.cpi, self.currency)}

    def _put_strategy(self, request):
        strategy = json.loads(request.body)["filling_strategy"]
        self.log(("filling_strategy_change", self.filling_strategy, strategy))
        self.filling_strategy, self.version = strategy, self.version + 1
        return 200, {}, {"filling_strategy": strategy}

    def _put_assistant(self, request):
        if request.headers.get("If-Match") and request.headers["If-Match"] != self.etag():
            return 412, {}, {"id": "e", "object": "precondition_failed_error", "detail": "wrong expected version"}
        self.assignment, self.version = json.loads(request.body), self.version + 1
        return 204, {"ETag": self.etag()}, None

    def _put_details(self, request):
        body = json.loads(request.body)
        self.client_cpi = (body.pop("client_cpi", None) or {}).get("value") or self.client_cpi
        self.details.update(body)
        self.version += 1
        body = self.details_body()
        return 200, {}, body


def launched_tg(project, **fields):
    """A live target group on dynamic pricing in the directory's USD business unit, as last synced."""
    from projects.tests.factories import TargetGroupFactory

    values = {
        "remote_id": "01HLIVE0000000000000000042",
        "name": "US gen pop",
        "status": "live",
        "pricing_model": "dynamic",
        "business_unit_id": "10011",
        "project_manager_id": MANAGER,
        "cpi": "2.5000",
        "cpi_currency": "USD",
        "expected_length_of_interview_minutes": 10,
        "expected_incidence_rate": "0.50",
        "incidence_rate": "0.3700",
        "median_length_of_interview_seconds": 720,
        "current_completes": 120,
        "industry_lockout_code": "no_lockout",
        "live_url": "https://survey.example.com/s?RID=[%RID%]",
        "test_url": "https://survey.example.com/t?RID=[%RID%]",
        "details": {"filling_strategy": "completes"},
    }
    values.update(fields)
    return TargetGroupFactory(project=project, **values)
