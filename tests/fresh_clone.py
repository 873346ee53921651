"""A fresh clone of this checkout, for tests of what a new user runs first.

The copy holds the files git would hand out (tracked, and new ones not ignored) and nothing
made by a run (`var/`, caches); its commands run with this interpreter, in an environment
that keeps no setting of the test run (the embedded defaults: SQLite, the filesystem broker).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# What the test run may set that a new user's shell does not.
TEST_RUN_VARIABLES = ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "DJANGO_SETTINGS_MODULE", "SITE_URL", "PORT")


def checkout_files():
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: there is no clone to imitate")
    return [name for name in listed.decode().split("\0") if name and (ROOT / name).is_file()]


def fresh_clone(folder):
    """Copy the checkout's files into `folder` (which gets no `var/`); returns the folder."""
    folder = Path(folder)
    for name in checkout_files():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    assert not (folder / "var").exists()
    return folder


def clean_environment(**extra):
    """The environment of a new user's shell: this interpreter's folder first on PATH, no test-run settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in TEST_RUN_VARIABLES and not key.startswith(("PYTEST_", "SANDBOX_", "CELERY_"))
    }
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def run(folder, *command, timeout=300, **extra):
    """Run `command` (with this interpreter when it starts with "python") in `folder`; returns the result."""
    if command[0] == "python":
        command = (sys.executable, *command[1:])
    return subprocess.run(
        command,
        cwd=folder,
        env=clean_environment(**extra),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
