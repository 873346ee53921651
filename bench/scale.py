"""A large agency's account in one run: the dashboard's first page, visible fills, and a steady sync.

Runs, each on SQLite and (when DATABASE_URL names a PostgreSQL server) on PostgreSQL:

* `scale_lists.py` — the dashboard's first page at 100 and at 20,000 active target groups (time ratio, size);
* `webhook_ingest.py` — quota fills visible per second, end to end, against bare inserts of the same events;
* `sync_spread.py` — one steady Cint sync of 20,000 target groups with 100 ms added to every sandbox
  request, with 1 and with 4 Celery workers (time, requests against the floor).

Their output is passed through; the last line (`scale:`) gathers each one's own verdict lines, every figure
with ok or FAIL against its goal.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/scale.py
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PARTS = (("scale_lists.py", "lists:"), ("webhook_ingest.py", "fills:"), ("sync_spread.py", "sync:"))


def run(script, marker):
    """Run one bench, echoing it; return its verdict lines (those beginning `marker`), each with its database."""
    verdicts, database = [], ""
    process = subprocess.Popen(
        [sys.executable, str(HERE / script)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    for line in process.stdout:
        print(line, end="", flush=True)
        if line.startswith("-- on "):
            database = line.removeprefix("-- on ").strip()
        elif line.startswith(marker):
            body = line.removeprefix(marker).strip()
            verdicts.append(body if marker != "sync:" else f"{database}: {body}")
    if process.wait() != 0:
        verdicts.append(f"{script} FAIL (it stopped with status {process.returncode})")
    return f"{marker[:-1]} — " + " | ".join(verdicts or ["FAIL (no figures)"])


def main():
    lines = [run(script, marker) for script, marker in PARTS]
    print("scale: " + " ;; ".join(lines))


if __name__ == "__main__":
    main()
