"""Fixtures for driving the PureSpectrum part at the wire with Django's test client."""

import json

import pytest

from sandbox.purespectrum.seed import ensure_buyer

BASE = "/sandbox/purespectrum/buyers/v2"
TOKEN = "ps-test-token"


class Api:
    """The `access-token` header on every call, JSON bodies."""

    def __init__(self, client, token=TOKEN):
        self.client = client
        self.token = token

    def request(self, method, path, body=None, *, token=True, **params):
        headers = {"access-token": self.token} if token else {}
        call = getattr(self.client, method.lower())
        if method == "GET":
            return call(BASE + path, params, headers=headers)
        url = BASE + path
        if params:
            from urllib.parse import urlencode

            url += "?" + urlencode(params)
        data = json.dumps(body) if body is not None else ""
        return call(url, data=data, content_type="application/json", headers=headers)

    def get(self, path, **params):
        return self.request("GET", path, **params)

    def post(self, path, body=None, **kwargs):
        return self.request("POST", path, body, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self.request("PUT", path, body, **kwargs)

    def patch(self, path, body=None, **kwargs):
        return self.request("PATCH", path, body, **kwargs)


@pytest.fixture
def buyer(db):
    return ensure_buyer(TOKEN)


@pytest.fixture
def ps(client, buyer):
    return Api(client)


def survey_body(**changes):
    """A new survey: US adults by gender and two age ranges."""
    body = {
        "survey_title": "US adults",
        "survey_localization": "en_US",
        "completes_required": 200,
        "expected_ir": 50,
        "expected_loi": 10,
        "live_url": "https://survey.example.com/s?tid=[%%transaction_id%%]",
        "test_url": "https://survey.example.com/s?tid=[%%transaction_id%%]&test=1",
        "field_time": 14,
        "offer_price": 2.5,
        "qualifications": [
            {"qualification_code": 211, "condition_codes": ["111", "112"]},
            {"qualification_code": 212, "range_sets": [{"from": 18, "to": 65, "units": 311}]},
        ],
        "quotas": [
            {"buyer_quota_id": "male", "required_count": 100,
             "criteria": [{"qualification_code": 211, "condition_codes": ["111"]}]},
            {"buyer_quota_id": "female", "required_count": 100,
             "criteria": [{"qualification_code": 211, "condition_codes": ["112"]}]},
            {"buyer_quota_id": "young", "required_count": 80,
             "criteria": [{"qualification_code": 212, "range_sets": [{"from": 18, "to": 34, "units": 311}]}]},
        ],
    }  # fmt: skip
    body.update(changes)
    return body
