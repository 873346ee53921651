"""The production configuration passes Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def documented_production_variables():
    """The variables the README tells a production deployment to set (`.env.production.example`)."""
    values = {}
    for line in (ROOT / ".env.production.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


PRODUCTION = documented_production_variables()


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SECURE_", "SESSION_", "CSRF_"))}
    # Only the documented variables (the database a local file, so the check needs no server).
    env.update(PRODUCTION, DATABASE_URL=f"sqlite:///{tmp_path}/deploy.sqlite3", CACHE_URL="locmemcache://")
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
