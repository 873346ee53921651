"""Start Django for a benchmark on a throwaway database (or DATABASE_URL when set)."""

import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# The sandbox answering in-process at a host name nothing else serves, with no faults.
SITE_URL = "http://bench.sandbox.invalid"
IN_PROCESS_SANDBOX = {
    "SITE_URL": SITE_URL,
    "ALLOWED_HOSTS": "bench.sandbox.invalid",
    "CINT_BASE_URL": f"{SITE_URL}/sandbox/cint/v1",
    "CINT_AUTH_URL": f"{SITE_URL}/sandbox/cint/oauth/token",
    "SANDBOX_ENABLED": "true",
    "SANDBOX_JOB_SECONDS": "0",
    "SANDBOX_ERROR_RATE": "0",
    "SANDBOX_RATE_LIMIT_RATE": "0",
    "SANDBOX_STALE_ETAG_RATE": "0",
    "SANDBOX_LOST_RESPONSE_RATE": "0",
    "SANDBOX_LATENCY_MS": "0",
}


def throwaway_postgres(url, prefix):
    """A new, empty database on the PostgreSQL server `url` names; returns its URL.

    A benchmark migrates and fills its database: never the one DATABASE_URL points at.
    """
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    name = f"{prefix}_{os.getpid()}"
    server = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def drop_postgres(url):
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    server = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{urlsplit(url).path.lstrip("/")}" WITH (FORCE)')


def in_each_database(script, prefix):
    """Run the bench `script` once on a new SQLite database and, when DATABASE_URL names a PostgreSQL
    server, once more on a new database there, each in a process of its own (dropped afterwards).

    Returns True in such a process, which then measures; False in the one that started them.
    """
    if os.environ.get("BENCH_CHILD"):
        return True
    runs = [f"sqlite:///{tempfile.mkdtemp(prefix='bench-')}/bench.sqlite3"]
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        runs.append(throwaway_postgres(os.environ["DATABASE_URL"], prefix))
    for url in runs:
        print(f"-- on {'PostgreSQL' if url.startswith('postgres') else 'SQLite'}", flush=True)
        try:
            subprocess.run(
                [sys.executable, script, *sys.argv[1:]],
                env={**os.environ, "DATABASE_URL": url, "BENCH_CHILD": "1"},
                check=True,
            )
        finally:
            if url.startswith("postgres"):
                drop_postgres(url)
    return False


def setup(**environment):
    """Configure and start Django, then migrate. `environment` sets further variables (settings)."""
    sys.path.insert(0, str(ROOT))
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='bench-')}/bench.sqlite3"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "CELERY_TASK_ALWAYS_EAGER": "true",
            "LOG_LEVEL": "ERROR",
            **environment,
        }
    )
    warnings.filterwarnings("ignore", message="No directory at")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
