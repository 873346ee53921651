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
    assert "SECURE_HSTS_SECONDS" in result.stdout + result.stderr


def start(tmp_path, **variables):
    """`manage.py check` as a production process starts: only the variables given (and a local database)."""
    env = {key: value for key, value in os.environ.items() if key not in PRODUCTION and key != "SECRET_KEY"}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path}/start.sqlite3", CACHE_URL="locmemcache://", **variables)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = start(tmp_path, DEBUG="false", SANDBOX_ENABLED="false")

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_the_public_embedded_key_of_earlier_versions_is_refused_when_debug_is_off(tmp_path):
    result = start(tmp_path, DEBUG="false", SECRET_KEY="embedded-mode-only-not-a-secret")

    assert result.returncode != 0
    assert "public value" in result.stderr


def test_production_starts_with_its_own_secret_key(tmp_path):
    result = start(tmp_path, DEBUG="false", SANDBOX_ENABLED="false", SECRET_KEY=PRODUCTION["SECRET_KEY"])

    assert result.returncode == 0, result.stderr


def test_the_embedded_mode_makes_one_key_for_the_machine_and_keeps_it(tmp_path):
    from config.secret import secret_key

    first = secret_key("", debug=False, embedded=True, folder=tmp_path / "var")
    again = secret_key("", debug=False, embedded=True, folder=tmp_path / "var")

    assert first == again and len(first) >= 50
    assert (tmp_path / "var" / "secret-key").stat().st_mode & 0o077 == 0  # readable by its owner only
    assert first != secret_key("", debug=False, embedded=True, folder=tmp_path / "other")
