"""Start the cockpit's production processes (gunicorn, Celery worker, Celery beat) for a test or a bench.

The supplier is the sandbox, served by the same gunicorn at ``site``; the processes share the
database and the Redis broker they are given.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise TimeoutError(f"timed out waiting for {what}")


class Processes:
    """web, worker and beat, each with its log under `log_dir`; `kill(name)` sends SIGKILL, `start(name)` again."""

    def __init__(self, *, database_url, broker_url, log_dir, account_id, extra=None, web_workers=2, concurrency=2):
        self.port = free_port()
        self.site = f"http://127.0.0.1:{self.port}"
        self.log_dir = Path(log_dir)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "SITE_URL": self.site,
            "SECRET_KEY": "cockpit-processes-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SANDBOX_ENABLED": "true",
            "SANDBOX_JOB_SECONDS": "0",
            "CINT_BASE_URL": f"{self.site}/sandbox/cint/v1",
            "CINT_AUTH_URL": f"{self.site}/sandbox/cint/oauth/token",
            "CINT_ACCOUNT_ID": str(account_id),
            "LOG_LEVEL": "INFO",
            **(extra or {}),
        }
        self.commands = {
            "web": [
                str(BIN / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(web_workers),
            ],
            "worker": [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={concurrency}",
            ],
            "beat": [
                str(BIN / "celery"),
                "-A",
                "config",
                "beat",
                "--loglevel=INFO",
                "--scheduler",
                "django_celery_beat.schedulers:DatabaseScheduler",
                "-s",
                str(self.log_dir / "beat-state"),
            ],
        }
        self.running, self.logs = {}, {}

    def start(self, name):
        log = self.logs.get(name) or (self.log_dir / f"{name}.log").open("a+")
        self.logs[name] = log
        # Each in a session of its own, so `kill` takes its children (the worker's pool) with it.
        self.running[name] = subprocess.Popen(
            self.commands[name], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def start_all(self):
        for name in self.commands:
            self.start(name)
        wait_for(self.web_answers, 30, "gunicorn to answer")

    def web_answers(self):
        try:
            return requests.get(self.site + "/login/", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def kill(self, name):
        """As a machine that dies: SIGKILL to the process and its children (the worker's pool)."""
        process = self.running.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self):
        for process in self.running.values():
            process.terminate()
        for process in self.running.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self.running.clear()
        for log in self.logs.values():
            log.close()

    def log_text(self, name):
        path = self.log_dir / f"{name}.log"
        return path.read_text() if path.exists() else ""
