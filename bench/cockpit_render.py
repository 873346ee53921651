"""How much the target group page costs beyond the rows it shows.

For TGs of 20 profiles × 10 quotas, 60 × 20 and 200 × 10, prints the median time of
GET /target-groups/<pk>/ as served (middleware, queries, context, the whole page: the
quota grid with each row's pace, finish and sparkline from its history, and the sections)
divided by the median time of the floor: the same quota and cell rows (name, goal,
achieved, prescreens, need, fill bar, pace, finish, sparkline) read from the database by one query per table
and rendered by a minimal Django template — one table, no includes, no filters. The
last column divides by the rendering alone (the rows read beforehand), for a stricter
view. All are measured in this one run. The last line begins `cockpit_render:` with the
goal (≤ 1.5× at 60 × 20 and 200 × 10) marked ok or FAIL.

    python bench/cockpit_render.py [--repeat N]
"""

import argparse
import statistics
import time

from _django import in_each_database, setup

if __name__ == "__main__":
    if not in_each_database(__file__, "cockpit_render_bench"):  # SQLite, and PostgreSQL when DATABASE_URL says so
        raise SystemExit(0)
setup()

from datetime import timedelta  # noqa: E402

from django.contrib.auth.models import User  # noqa: E402
from django.template import Context, Template  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from projects.models import Project, Role, SupplierConnection, TargetGroup  # noqa: E402
from quotas.history.models import QuotaPoint  # noqa: E402
from quotas.history.row_figures import refresh_target_group  # noqa: E402
from quotas.models import InterlockCell, InterlockedProfile, Profile, Quota  # noqa: E402
from sync.models import RemoteChange  # noqa: E402


def build(profiles, quotas, connection, user):
    project = Project.objects.create(connection=connection, remote_id=f"P{profiles}x{quotas}", name="Bench project")
    tg = TargetGroup.objects.create(
        project=project,
        remote_id=f"TG{profiles}x{quotas}",
        name=f"Bench {profiles}x{quotas}",
        status="live",
        locale="eng_us",
        filling_goal=1000,
        current_completes=400,
        fielding_start_at=timezone.now() - timedelta(days=2),
        fielding_end_at=timezone.now() + timedelta(days=5),
    )
    rows = Profile.objects.bulk_create(
        Profile(target_group=tg, remote_id=f"P{i}", question_id=i, name=f"QUESTION {i}", position=i)
        for i in range(profiles)
    )
    Quota.objects.bulk_create(
        Quota(
            profile=p,
            remote_id=f"{p.pk}-{j}",
            text=f"Option {j}",
            completes_goal=50,
            completes=j * 3,
            prescreens=j * 9,
            position=j,
        )
        for p in rows
        for j in range(quotas)
    )
    interlock = InterlockedProfile.objects.create(target_group=tg, remote_id="IL", name="QUESTION 0, QUESTION 1")
    InterlockCell.objects.bulk_create(
        InterlockCell(interlocked_profile=interlock, remote_id=f"C{j}", text=f"Option {j}, Option {j}", position=j)
        for j in range(quotas)
    )
    Profile.objects.filter(pk__in=[rows[0].pk, rows[1].pk]).update(interlocked_profile=interlock)
    # A day of history for every quota, so each row's pace, finish and sparkline are drawn from it.
    now = timezone.now()
    QuotaPoint.objects.bulk_create(
        QuotaPoint(quota=quota, at=now - timedelta(hours=hours), completes=max(0, quota.completes - hours // 6))
        for quota in Quota.objects.filter(profile__target_group=tg)
        for hours in (30, 18, 12, 6, 1)
    )
    refresh_target_group(tg, now)  # the beat's step after each snapshot
    for p in rows[:5]:
        RemoteChange.objects.create(
            kind="disable_quotas", connection=connection, target_group=tg, profile=p, requested_by=user, state="applied"
        )
    return tg


GOAL = 1.5  # the page at most 1.5× the floor at 60 × 20 and 200 × 10
GOAL_SIZES = ("60x20", "200x10")


# -- the floor: the same rows in a minimal template -----------------------------------

FLOOR = Template(
    "<table>{% for r in rows %}<tr><td>{{ r.text }}</td>"
    "<td>{{ r.goal }}</td><td>{{ r.completes }}</td><td>{{ r.prescreens }}</td><td>{{ r.need }}</td>"
    '<td><span style="width: {{ r.percent }}%"></span></td><td>{{ r.pace }}</td><td>{{ r.finish }}</td>'
    "<td>{{ r.sparkline|safe }}</td></tr>{% endfor %}</table>"
)


def floor_rows(tg):
    rows = []
    for model, owner in ((Quota, "profile__target_group"), (InterlockCell, "interlocked_profile__target_group")):
        for pk, text, goal, completes, prescreens, pace, finish, sparkline in model.objects.filter(
            **{owner: tg}
        ).values_list(
            "pk", "text", "completes_goal", "completes", "prescreens", "pace_per_day", "finish_at", "sparkline"
        ):
            percent = min(100, completes * 100 // goal) if goal else 0
            rows.append(
                {
                    "pk": pk,
                    "text": text,
                    "goal": goal,
                    "completes": completes,
                    "prescreens": prescreens,
                    "need": goal - completes,
                    "percent": percent,
                    "pace": pace,
                    "finish": finish,
                    "sparkline": sparkline,
                }
            )
    return rows


def median_seconds(repeat, *fns):
    """The median time of each of `fns`, run in turn `repeat` times (so a busy machine slows them alike)."""
    for fn in fns:
        fn()  # warm caches (templates, URL resolver)
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

    connection = SupplierConnection.objects.create(kind="cint", account_id="bench", label="Bench")
    user = User.objects.create_user("bench-pm", password="x")
    Role.grant(user, Role.PROJECT_MANAGERS)
    client = Client()
    client.force_login(user)

    print(
        f"{'profiles x quotas':>18} {'page (ms)':>10} {'floor (ms)':>11} {'ratio':>7}"
        f" {'render (ms)':>12} {'vs render':>8}"
    )
    ratios = {}
    for profiles, quotas in ((20, 10), (60, 20), (200, 10)):
        tg = build(profiles, quotas, connection, user)
        url = reverse("quotas:target_group", args=[tg.pk])

        def served(url=url):
            response = client.get(url)
            assert response.status_code == 200

        def floor(tg=tg):
            FLOOR.render(Context({"rows": floor_rows(tg)}))

        context = Context({"rows": floor_rows(tg)})

        def rendering(context=context):
            FLOOR.render(context)

        ours, base, render_only = median_seconds(args.repeat, served, floor, rendering)
        ratios[f"{profiles}x{quotas}"] = ours / base
        print(
            f"{profiles:>8} x {quotas:<8} {ours * 1000:>10.1f} {base * 1000:>11.1f} {ours / base:>7.2f}"
            f" {render_only * 1000:>12.1f} {ours / render_only:>8.2f}"
        )
    verdicts = [f"{size} {ratios[size]:.2f}x {'ok' if ratios[size] <= GOAL else 'FAIL'}" for size in GOAL_SIZES]
    print(f"cockpit_render: page vs floor (goal <= {GOAL}x): " + "; ".join(verdicts))


if __name__ == "__main__":
    main()
