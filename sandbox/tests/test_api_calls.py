"""How a call reaches an imitated supplier API: straight to its view, with the fault settings at hand."""

import time

import pytest

from sandbox import faults
from sandbox.models import FaultSettings

pytestmark = pytest.mark.django_db


def test_a_call_with_a_nul_character_is_refused_in_words(api):
    response = api.get("/demand/accounts/{account}/projects", search_string="Tracker\x00")

    assert response.status_code == 400
    assert "NUL character" in response.json()["detail"]


def test_a_call_sets_no_cookie_and_needs_no_csrf_token(api, project_id):
    listed = api.get("/demand/accounts/{account}/projects")
    assert listed.status_code == 200
    assert not listed.cookies  # no session, no CSRF cookie: the caller is a machine with a bearer token
    assert project_id in {project["id"] for project in listed.json()["projects"]}


def test_an_unknown_path_of_a_supplier_is_its_404_and_one_of_none_is_the_layouts(client):
    unknown = client.get("/sandbox/cint/v1/no-such-thing")
    assert unknown.status_code == 404
    assert unknown.json()["object"] == "not_found_error"

    nowhere = client.get("/sandbox/no-such-supplier")
    assert nowhere.status_code == 404
    assert b"<html" in nowhere.content.lower()


def test_a_fault_setting_saved_is_seen_by_the_next_call(api):
    assert api.get("/demand/accounts/{account}/projects").status_code == 200
    faults.set_faults(error_rate=1.0)

    assert api.get("/demand/accounts/{account}/projects").status_code in faults.SERVER_ERRORS


def test_a_fault_setting_written_behind_the_sandboxs_back_is_seen_within_its_freshness(api, monkeypatch):
    monkeypatch.setattr(faults, "FRESH_FOR_SECONDS", 0.2)
    assert api.get("/demand/accounts/{account}/projects").status_code == 200
    FaultSettings.objects.update(rate_limit_rate=1.0)  # no signal: another process wrote it

    time.sleep(0.25)
    assert api.get("/demand/accounts/{account}/projects").status_code == 429
