"""`make run`'s console on a fresh clone: the seed prints nothing that looks like an error, and once the demo
runs, its last start-up line says how to log in and stays in view: the sandbox's traffic and webhooks, the
worker's routine tasks and a viewer's refused request do not bury it.

The steps are the Makefile's (migrate, seed_demo, then the Procfile under honcho), run in a copy of the
checkout as a new user would, with the sandbox's respondents at the tests' quick pace so that webhooks flow.
"""

import os
import re
import signal
import subprocess
import threading
import time

import pytest
import requests

from tests.fresh_clone import BIN, ROOT, clean_environment, fresh_clone, run
from tests.processes import free_port

LOGIN_LINE = re.compile(r"Open http://127\.0\.0\.1:\d+/ and log in as pm / cockpit-demo")
ROUTINE = re.compile(r"/webhooks/|/sandbox/|\bTask |Sending due task|Unprocessable Entity|Bad Request")
# Celery's warning to a worker started by root (as on a CI machine or in a container), in its eight lines.
AS_ROOT = re.compile(
    r"worker\.1 \| (SecurityWarning|.*superuser privileges|absolutely not|Please specify a different user|"
    r"User information: uid=0|  _warn_or_raise_security_error|$)"
)


@pytest.fixture(scope="module")
def seeded_clone(tmp_path_factory):
    """A fresh clone, migrated and seeded for its own port: (folder, port, what the seed printed)."""
    clone = fresh_clone(tmp_path_factory.mktemp("console") / "clone")
    port = free_port()
    site = {"PORT": str(port), "SITE_URL": f"http://127.0.0.1:{port}"}
    migrated = run(clone, "python", "manage.py", "migrate", "--noinput", **site)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    seeded = run(clone, "python", "manage.py", "seed_demo", **site)
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    return clone, port, seeded.stdout + seeded.stderr


class Console:
    """`honcho start` in the clone, as `make run` starts it; its lines as they come."""

    def __init__(self, clone, port):
        env = clean_environment(PORT=str(port), SITE_URL=f"http://127.0.0.1:{port}", SANDBOX_FILL_HOURS="0.1")
        self.process = subprocess.Popen(
            [str(BIN / "honcho"), "start"],
            cwd=clone,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for index, line in enumerate(self.lines):
                if pattern.search(line):
                    return index
            time.sleep(0.5)
        raise AssertionError(f"no line matching {pattern.pattern!r} in:\n" + "\n".join(self.lines[-60:]))

    def stop(self):
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, sig)
                self.process.wait(timeout=wait)
                return
            except (ProcessLookupError, subprocess.TimeoutExpired):
                continue


@pytest.fixture
def console(seeded_clone):
    if not (BIN / "honcho").exists():
        pytest.skip("honcho is not installed next to this interpreter")
    clone, port, _ = seeded_clone
    running = Console(clone, port)
    yield running, f"http://127.0.0.1:{port}"
    running.stop()


def log_in(site, username):
    session = requests.Session()
    session.get(f"{site}/login/", timeout=10)
    answer = session.post(
        f"{site}/login/",
        data={"username": username, "password": "cockpit-demo", "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{site}/login/"},
        timeout=10,
    )
    assert answer.ok and answer.url.rstrip("/") == site
    return session


def test_the_readme_says_how_to_pick_the_port():
    readme = (ROOT / "README.md").read_text()
    assert "make run PORT=" in readme
    assert re.search(r"^PORT \?= 8000$", (ROOT / "Makefile").read_text(), re.M)


def test_the_seed_prints_no_line_that_looks_like_an_error(seeded_clone):
    _, _, printed = seeded_clone

    assert LOGIN_LINE.search(printed)
    looks_wrong = re.compile(r"WARNING|ERROR|Traceback|Unprocessable Entity|Bad Request")
    assert [line for line in printed.splitlines() if looks_wrong.search(line)] == []


def test_the_login_line_stays_in_view_while_the_demo_runs_and_a_viewer_is_refused(console):
    running, site = console
    login_at = running.wait_for(LOGIN_LINE, timeout=90)

    time.sleep(25)  # a few simulation steps: respondents, quota fills, webhook deliveries, the worker's sweeps
    try:
        viewer = log_in(site, "viewer")
    except requests.ConnectionError:
        pytest.fail("the web server stopped answering; the console said:\n" + "\n".join(running.lines[-60:]))
    tg = re.search(r'href="/target-groups/(\d+)/"', viewer.get(f"{site}/", timeout=10).text).group(1)
    refused = viewer.post(
        f"{site}/target-groups/{tg}/refresh/",
        data={"csrfmiddlewaretoken": viewer.cookies["csrftoken"]},
        headers={"Referer": f"{site}/target-groups/{tg}/"},
        timeout=10,
    )
    assert refused.status_code == 403
    running.wait_for(re.compile(r"Forbidden \(Permission denied\)"), timeout=10)

    after = [line for line in running.lines[login_at + 1 :] if not AS_ROOT.search(line)]
    assert [line for line in after if ROUTINE.search(line)] == []
    assert not any("Traceback" in line for line in running.lines)
    refusals = [line for line in after if "Forbidden (Permission denied)" in line]
    assert len(refusals) == 1 and "Only project managers can change supplier data" in refusals[0]
    # what follows the login line: the viewer's own requests and the refusal, not a screenful
    assert len(after) <= 12, "\n".join(after)
