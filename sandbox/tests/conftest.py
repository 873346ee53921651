"""Tests of the shared pieces (faults, the applied-write log, the admin) drive them
through the Cint part, the only one so far: its wire client and fixtures."""

from sandbox.cint.tests.conftest import (  # noqa: F401  (fixtures and helpers for the tests here)
    Api,
    account,
    api,
    create_draft,
    draft_body,
    draft_id,
    later,
    launch,
    live_id,
    manager_id,
    new_key,
    project_id,
    tg_path,
    tg_url,
    token,
    v2_url,
)
