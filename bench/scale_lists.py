"""What the dashboard's first page costs at 100 and at 20,000 active target groups.

Builds the account with bulk inserts (projects of 50 target groups, a few needing attention), then
serves GET / through Django's test client with DEBUG off and prints the median time and the size of
the first page at each size and their ratio. The last line (`lists:`) gives the figures with ok or
FAIL against the goals: at 20,000 at most 1.5× the time at 100, and under 100 KB.

    python bench/scale_lists.py [--repeat N] [--sizes 100,20000]
"""

import argparse
import statistics
import time

from _django import in_each_database, setup

if __name__ == "__main__":
    if not in_each_database(__file__, "scale_lists_bench"):  # SQLite, and PostgreSQL when DATABASE_URL says so
        raise SystemExit(0)
setup(DEBUG="false")

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection as db  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from projects.models import Project, Role, SupplierConnection, TargetGroup  # noqa: E402

TGS_PER_PROJECT = 50
STATUSES = ("live", "live", "live", "paused", "scheduled")
MAX_RATIO, MAX_BYTES = 1.5, 100_000


def grow(connection, upto):
    """Add active target groups until the account has `upto` of them (one in 97 with a sync error)."""
    have = TargetGroup.objects.count()
    while have < upto:
        n = min(TGS_PER_PROJECT, upto - have)
        project = Project.objects.create(
            connection=connection, remote_id=f"P{have}", name=f"Project {have // TGS_PER_PROJECT:05d}"
        )
        TargetGroup.objects.bulk_create(
            TargetGroup(
                project=project, remote_id=f"TG{have + i}", human_readable_id=f"HR-{have + i}",
                name=f"Target group {have + i:05d}", status=STATUSES[(have + i) % len(STATUSES)],
                locale="eng_us", filling_goal=500, current_completes=(have + i) % 500,
                sync_error="Timed out" if (have + i) % 97 == 0 else "",
            )
            for i in range(n)
        )  # fmt: skip
        have += n
    if db.vendor == "postgresql":
        with db.cursor() as cursor:
            cursor.execute("ANALYZE")


def median_page(client, url, repeat):
    client.get(url)  # warm caches (templates, URL resolver)
    spent, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        spent.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
        size = len(response.content)
    return statistics.median(spent), size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--sizes", default="100,20000", help="account sizes, small first")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    connection = SupplierConnection.objects.create(kind="cint", account_id="bench", label="Bench")
    user = User.objects.create_user("bench-pm", password="x")
    Role.grant(user, Role.PROJECT_MANAGERS)
    client = Client()
    client.force_login(user)
    url = reverse("projects:dashboard")

    print(f"{'active TGs':>10} {'first page (ms)':>16} {'size (KB)':>10}")
    figures = []
    for size in sizes:
        grow(connection, size)
        seconds, length = median_page(client, url, args.repeat)
        figures.append((size, seconds, length))
        print(f"{size:>10,} {seconds * 1000:>16.1f} {length / 1000:>10.1f}", flush=True)
    (small, small_s, _), (large, large_s, large_bytes) = figures[0], figures[-1]
    ratio = large_s / small_s
    verdict = "ok" if ratio <= MAX_RATIO and large_bytes < MAX_BYTES else "FAIL"
    print(
        f"lists: {db.vendor} first page {small:,} {small_s * 1000:.1f} ms, {large:,} {large_s * 1000:.1f} ms"
        f" ({large_bytes / 1000:.1f} KB), ratio {ratio:.2f} (goal <= {MAX_RATIO}, < {MAX_BYTES // 1000} KB) {verdict}"
    )


if __name__ == "__main__":
    main()
