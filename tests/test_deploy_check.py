"""The production configuration passes Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "SECRET_KEY": "x7Qm2-production-like-secret-key-of-sufficient-length-and-variety-0123456789",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "cockpit.example.com",
    "SITE_URL": "https://cockpit.example.com",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_SSL_REDIRECT": "true",
    "SANDBOX_ENABLED": "false",
}


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {**os.environ, **PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path}/deploy.sqlite3"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_embedded_defaults_are_refused_by_the_deploy_check(tmp_path):
    """Forgetting the production variables does not pass silently."""
    env = {key: value for key, value in os.environ.items() if key not in PRODUCTION}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/deploy.sqlite3"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr
