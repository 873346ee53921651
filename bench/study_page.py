"""How much the study page costs beyond the rows it shows.

For a study of 3 suppliers × 10 cells and 3 × 60, prints the median time of GET /studies/<pk>/ as served
(middleware, queries, the figures, the combined grid, the study's totals and money, the layout) divided by the
median time of the floor: the same rows (per cell its label and
goal, each supplier's goal, achieved, pace and finish, the combined achieved and need) read from the database
by one query per table and rendered by a minimal Django template — one table, no includes, no filters. It
also prints the page's query count at each size (it must not grow), and the time of the suggested split's
section (the solver's run, asked for when the PM opens it) as htmx loads it. All are measured in this one run. The last
line begins `study_page:` with the goal (≤ 1.5× at 3 × 60, the same queries at 10 and 60 cells) marked ok or
FAIL.

    python bench/study_page.py [--repeat N]
"""

import argparse
import statistics
import time

from _django import in_each_database, setup

if __name__ == "__main__":
    if not in_each_database(__file__, "study_page_bench"):  # SQLite, and PostgreSQL when DATABASE_URL says so
        raise SystemExit(0)
setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.template import Context, Template  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from projects.models import Role  # noqa: E402
from studies.models import Cell, Mapping  # noqa: E402
from studies.tests.grid_builders import large_study  # noqa: E402

GOAL = 1.5  # the page at most 1.5× the floor at 3 suppliers × 60 cells
GOAL_SIZE = 60
SIZES = (10, 60)
SUPPLIERS = 3

# -- the floor: the same rows in a minimal template -----------------------------------

FLOOR = Template(
    "<table>{% for r in rows %}<tr><td>{{ r.label }}</td><td>{{ r.goal }}</td>"
    "{% for s in r.shares %}<td>{{ s.goal }}</td><td>{{ s.achieved }}</td><td>{{ s.pace }}</td>"
    "<td>{{ s.finish }}</td>{% endfor %}<td>{{ r.achieved }}</td><td>{{ r.need }}</td></tr>{% endfor %}</table>"
)


def floor_rows(study):
    shares = {}
    for cell_id, goal, achieved, pace, finish in (
        Mapping.objects.filter(study=study, cell__isnull=False)
        .order_by("target_group_id")
        .values_list(
            "cell_id", "quota__completes_goal", "quota__completes", "quota__pace_per_day",
            "quota__finish_at",
        )
    ):  # fmt: skip
        shares.setdefault(cell_id, []).append({"goal": goal, "achieved": achieved, "pace": pace, "finish": finish})
    rows = []
    for pk, label, goal in Cell.objects.filter(study=study).values_list("pk", "label", "goal"):
        achieved = sum(share["achieved"] for share in shares.get(pk, []))
        rows.append({"label": label, "goal": goal, "shares": shares.get(pk, []), "achieved": achieved,
                     "need": goal - achieved})  # fmt: skip
    return rows


def median_seconds(repeat, *fns):
    """The median time of each of `fns`, run in turn `repeat` times (so a busy machine slows them alike)."""
    for fn in fns:
        fn()  # warm caches (templates, URL resolver, the solver's import)
    times = [[] for _ in fns]
    for _ in range(repeat):
        for fn, spent in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn()
            spent.append(time.perf_counter() - start)
    return [statistics.median(spent) for spent in times]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    user = User.objects.create_user("bench-pm", password="x")
    Role.grant(user, Role.PROJECT_MANAGERS)
    client = Client()
    client.force_login(user)

    print(
        f"{'suppliers x cells':>18} {'page (ms)':>10} {'floor (ms)':>11} {'ratio':>7} {'queries':>8} {'split (ms)':>11}"
    )
    ratios, queries, splits = {}, {}, {}
    for cells in SIZES:
        study = large_study(cells, SUPPLIERS)
        url = study.get_absolute_url()

        def served(url=url):
            response = client.get(url)
            assert response.status_code == 200

        def floor(study=study):
            FLOOR.render(Context({"rows": floor_rows(study)}))

        split_url = reverse("studies:suggested_split", args=[study.pk])

        def split(url=split_url):
            response = client.get(url, headers={"HX-Request": "true"})
            assert response.status_code == 200 and b"Finish suggested" in response.content

        with CaptureQueriesContext(connection) as captured:
            served()
        queries[cells] = len(captured.captured_queries)
        ours, base, splits[cells] = median_seconds(args.repeat, served, floor, split)
        ratios[cells] = ours / base
        print(
            f"{SUPPLIERS:>8} x {cells:<8} {ours * 1000:>10.1f} {base * 1000:>11.1f} {ours / base:>7.2f}"
            f" {queries[cells]:>8} {splits[cells] * 1000:>11.1f}"
        )
    ratio = ratios[GOAL_SIZE]
    constant = len(set(queries.values())) == 1
    counts = " and ".join(f"{queries[cells]} at {cells}" for cells in SIZES)
    print(
        f"study_page: page vs floor at {SUPPLIERS}x{GOAL_SIZE} (goal <= {GOAL}x): {ratio:.2f}x "
        f"{'ok' if ratio <= GOAL else 'FAIL'}; queries {counts} cells: {'ok' if constant else 'FAIL'}; "
        f"suggested split section {splits[GOAL_SIZE] * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
