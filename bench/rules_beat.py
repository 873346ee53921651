"""What one beat of the rules costs for a rule on a connection of 20,000 live target groups.

Builds the account with bulk inserts (projects of 50 target groups, each with two history points, a profile of
two quotas, a budget and its spend), then for each condition switches on one rule on the connection whose
thresholds no figure passes (nothing fires: the beat only reads and decides) and prints the median time of one
beat (`rules.firing.evaluate_all`) against the floor: the same figures' inputs read by one bare query per table
(values, no models), their ratio, and the beat's query count. The last line (`rules_beat:`) gives the slowest
beat and ratio with ok or FAIL against the goals: every beat well within the minute between two beats (at most
15 s), and a query count that grows by the chunk of target groups the beat reads at once, never by the target
group (at most 5, and 4 more a chunk of 2,000).

    python bench/rules_beat.py [--repeat N] [--target-groups 20000] [--conditions completes,pace]
"""

import argparse
import statistics
import time
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

from _django import in_each_database, setup

if __name__ == "__main__":
    if not in_each_database(__file__, "rules_beat_bench"):  # SQLite, and PostgreSQL when DATABASE_URL says so
        raise SystemExit(0)
setup()

from django.db import connection as db  # noqa: E402
from django.db.models import OuterRef, Subquery  # noqa: E402
from django.utils import timezone  # noqa: E402

from costs.models import TargetGroupBudget, TargetGroupFigures  # noqa: E402
from projects.models import Project, SupplierConnection, TargetGroup  # noqa: E402
from quotas.history.models import TargetGroupPoint  # noqa: E402
from quotas.models import InterlockCell, Profile, Quota  # noqa: E402
from rules.conditions import CONDITIONS, LOW  # noqa: E402
from rules.firing import CHUNK, evaluate_all  # noqa: E402
from rules.models import Rule, StatusSeen  # noqa: E402

TGS_PER_PROJECT = 50
MAX_SECONDS = 15
QUERIES, QUERIES_A_CHUNK = 5, 4
NOW = timezone.now().replace(microsecond=0)
HOUR = timedelta(hours=1)


def build(connection, count):
    """`count` live target groups of `connection`, each with its history, quotas, budget and spend."""
    for start in range(0, count, TGS_PER_PROJECT):
        project = Project.objects.create(connection=connection, remote_id=f"P{start}", name=f"Project {start}")
        tgs = TargetGroup.objects.bulk_create(
            TargetGroup(
                project=project, remote_id=f"TG{start + i}", name=f"Target group {start + i:05d}", status="live",
                locale="eng_us", filling_goal=1000, current_completes=100 + i, current_prescreens=400 + i,
                fielding_start_at=NOW - 72 * HOUR, fielding_end_at=NOW + 24 * HOUR, cpi=Decimal("2.50"),
                incidence_rate=Decimal("0.30"), median_length_of_interview_seconds=600,
                drop_off_rate=Decimal("0.10"), conversion_rate=Decimal("0.20"),
            )
            for i in range(min(TGS_PER_PROJECT, count - start))
        )  # fmt: skip
        TargetGroupPoint.objects.bulk_create(
            TargetGroupPoint(target_group=tg, at=NOW - hours * HOUR, completes=completes, prescreens=4 * completes)
            for tg in tgs
            for hours, completes in ((30, 40), (1, 90))
        )
        profiles = Profile.objects.bulk_create(
            Profile(target_group=tg, remote_id=f"Q{tg.pk}", question_id=1, name="GENDER") for tg in tgs
        )
        Quota.objects.bulk_create(
            Quota(profile=profile, remote_id=f"{profile.pk}-{text}", text=text, completes=completes, completes_goal=500)
            for profile in profiles
            for text, completes in (("Male", 40), ("Female", 60))
        )
        TargetGroupBudget.objects.bulk_create(TargetGroupBudget(target_group=tg, amount=Decimal(1000)) for tg in tgs)
        TargetGroupFigures.objects.bulk_create(
            TargetGroupFigures(target_group=tg, computed_at=NOW, spend=Decimal(250)) for tg in tgs
        )
    if db.vendor == "postgresql":
        with db.cursor() as cursor:
            cursor.execute("ANALYZE")


def floor(connection, condition):
    """The inputs of `condition`'s figure for every target group of `connection`, one bare query per table."""
    tgs = TargetGroup.objects.filter(project__connection=connection, status__in=("live", "paused"))
    if condition in ("completes", "starts"):
        field = "completes" if condition == "completes" else "prescreens"
        current = f"current_{field}"
        latest = TargetGroupPoint.objects.filter(target_group=OuterRef("pk"), at__lte=NOW - 24 * HOUR).order_by("-at")
        return list(tgs.annotate(then=Subquery(latest.values(field)[:1])).values_list("pk", current, "then"))
    if condition == "pace":
        points = TargetGroupPoint.objects.filter(target_group__in=tgs, at__gte=NOW - 24 * HOUR, at__lte=NOW)
        return list(tgs.values_list("pk", "filling_goal", "fielding_end_at", "current_completes")) + list(
            points.values_list("target_group_id", "at", "completes")
        )
    if condition == "quota_fill":
        quotas = Quota.objects.filter(profile__target_group__in=tgs, completes__isnull=False)
        cells = InterlockCell.objects.filter(interlocked_profile__target_group__in=tgs, completes__isnull=False)
        return list(quotas.values_list("profile__target_group_id", "pk", "completes", "completes_goal")) + list(
            cells.values_list("interlocked_profile__target_group_id", "pk", "completes", "completes_goal")
        )
    if condition == "spend":
        budgets = TargetGroupBudget.objects.filter(target_group__in=tgs)
        return list(budgets.values_list("target_group_id", "amount", "target_group__figures__spend"))
    if condition == "paused_days":
        seen = StatusSeen.objects.filter(target_group__in=tgs)
        return list(tgs.values_list("pk", "status")) + list(seen.values_list("target_group_id", "status", "since"))
    fields = {"cpi": "cpi", "incidence_rate": "incidence_rate", "loi": "median_length_of_interview_seconds",
              "drop_off": "drop_off_rate", "conversion": "conversion_rate"}  # fmt: skip
    return list(tgs.values_list("pk", "status", "current_completes", "current_prescreens", fields[condition]))


@contextmanager
def counting():
    """The queries run inside, counted as they go (none left out, as Django's query log leaves out all but
    the last 9,000)."""
    counted = []

    def count(execute, sql, params, many, context):
        counted.append(sql)
        return execute(sql, params, many, context)

    with db.execute_wrapper(count):
        yield counted


def median_seconds(repeat, fn):
    spent = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        spent.append(time.perf_counter() - start)
    return statistics.median(spent)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--target-groups", type=int, default=20_000)
    parser.add_argument("--conditions", default=",".join(CONDITIONS), help="conditions to time, comma-separated")
    args = parser.parse_args()
    conditions = args.conditions.split(",")

    connection = SupplierConnection.objects.create(kind="purespectrum", account_id="bench", label="Bench")
    start = time.perf_counter()
    build(connection, args.target_groups)
    print(f"built {args.target_groups:,} live target groups in {time.perf_counter() - start:.1f} s", flush=True)
    rules = {}
    for key in conditions:
        never = Decimal("-1") if CONDITIONS[key].direction == LOW else Decimal("999999999")  # nothing fires
        rules[key] = Rule.objects.create(
            name=key, connection=connection, condition=key, hours=24, fire_at=never, clear_at=never, enabled=False
        )
    Rule.objects.filter(pk=rules[conditions[0]].pk).update(enabled=True)
    evaluate_all(now=NOW)  # the first beat notes since when each target group is live
    Rule.objects.update(enabled=False)

    print(f"{'condition':>15} {'beat (ms)':>10} {'floor (ms)':>11} {'ratio':>7} {'queries':>8}", flush=True)
    beats, ratios, queries = {}, {}, {}
    for key in conditions:
        Rule.objects.filter(pk=rules[key].pk).update(enabled=True)
        beats[key] = median_seconds(args.repeat, lambda: evaluate_all(now=NOW))
        base = median_seconds(args.repeat, lambda key=key: floor(connection, key))
        with counting() as counted:
            assert evaluate_all(now=NOW) == 0
        queries[key] = len(counted)
        Rule.objects.filter(pk=rules[key].pk).update(enabled=False)
        ratios[key] = beats[key] / base
        print(
            f"{key:>15} {beats[key] * 1000:>10.0f} {base * 1000:>11.1f} {ratios[key]:>7.1f} {queries[key]:>8}",
            flush=True,
        )
    most_queries = QUERIES + QUERIES_A_CHUNK * -(-args.target_groups // CHUNK)
    slowest = max(beats, key=beats.get)
    most = max(queries, key=queries.get)
    worst = max(ratios, key=ratios.get)
    print(
        f"rules_beat: {args.target_groups:,} target groups on {db.vendor}: slowest beat {slowest} "
        f"{beats[slowest]:.2f} s (goal <= {MAX_SECONDS} s) {'ok' if beats[slowest] <= MAX_SECONDS else 'FAIL'}; "
        f"beat vs floor up to {ratios[worst]:.1f}x ({worst}); queries up to {queries[most]} ({most}, "
        f"goal <= {most_queries}) {'ok' if queries[most] <= most_queries else 'FAIL'}"
    )


if __name__ == "__main__":
    main()
