"""Studies built row by row for the grid, figures and suggestion tests (and the page bench): cells, attached
target groups of any supplier, and their quotas mapped to cells with the counts and stored pace the quota
monitor would have written."""

import datetime
import itertools

from django.utils import timezone

from projects.models import Project, SupplierConnection, TargetGroup
from quotas.history.pace import Verdict
from quotas.models import Profile, Quota
from studies.models import Attachment, Cell, Mapping, Study

DAY = datetime.timedelta(days=1)
KINDS = ("cint", "purespectrum", "audience_align")
_numbers = itertools.count(1)


def make_study(*, goal=1000, days=7, now=None, budget=None, currency="USD", name="US adults Dec"):
    now = now or timezone.now()
    return Study.objects.create(
        name=name, goal=goal, field_start=now - DAY, field_end=now + days * DAY, budget=budget, currency=currency
    )


def make_cells(study, labels_and_goals):
    return Cell.objects.bulk_create(
        Cell(study=study, label=label, goal=goal, position=i) for i, (label, goal) in enumerate(labels_and_goals)
    )


def attach(study, *, kind="cint", name=None, cpi="2.0000", currency="USD", completes=0):
    """A live target group of `kind` in `study`, with one profile its quotas belong to."""
    number = next(_numbers)
    connection, _ = SupplierConnection.objects.get_or_create(kind=kind, account_id=f"{kind}-acct")
    project = Project.objects.create(connection=connection, remote_id=f"P-{number}", name="Study")
    tg = TargetGroup.objects.create(
        project=project,
        remote_id=f"TG-{number}",
        name=name or f"US adults ({kind})",
        status=TargetGroup.Status.LIVE,
        current_completes=completes,
        filling_goal=1000,
        cpi=cpi,
        cpi_currency=currency,
    )
    Attachment.objects.create(study=study, target_group=tg)
    Profile.objects.create(target_group=tg, remote_id=f"PR-{tg.pk}", question_id=43, name="GENDER")
    return tg


def quota_for(tg, cell, *, goal, achieved, pace=None, verdict=None, finish=None, figured=True, now=None):
    """A quota of `tg` mapped to `cell`, with its goal, achieved, and the pace the beat stored (a pace with no
    verdict given is judged on track)."""
    now = now or timezone.now()
    if verdict is None:
        verdict = "" if pace is None else Verdict.ON_TRACK
    if finish is None and pace and achieved is not None and goal > achieved:
        finish = now + DAY * ((goal - achieved) / pace)
    profile = Profile.objects.get(target_group=tg, question_id=43)
    quota = Quota.objects.create(
        profile=profile,
        remote_id=f"Q-{tg.pk}-{cell.pk}",
        text=cell.label,
        completes_goal=goal,
        completes=achieved,
        pace_per_day=pace,
        finish_at=finish,
        pace_verdict=verdict,
        figures_at=now if figured else None,
    )
    Mapping.objects.create(study=cell.study, target_group=tg, quota=quota, cell=cell, confidence="sure")
    return quota


def large_study(cells, suppliers=3, *, now=None):
    """A study of `cells` cells on `suppliers` target groups, every cell mapped at each, in a few queries."""
    now = now or timezone.now()
    study = make_study(goal=cells * 100, now=now, budget=cells * 300)
    rows = make_cells(study, [(f"Cell {i + 1}", 100) for i in range(cells)])
    for s in range(suppliers):
        tg = attach(study, kind=KINDS[s % len(KINDS)], name=f"Fielding {s + 1}", cpi=f"{2 + s}.0000", completes=0)
        profile = Profile.objects.get(target_group=tg)
        quotas = Quota.objects.bulk_create(
            Quota(
                profile=profile,
                remote_id=f"Q-{tg.pk}-{cell.pk}",
                text=cell.label,
                completes_goal=40,
                completes=(i * 7 + s * 3) % 40,
                pace_per_day=float(1 + (i + s) % 9),
                finish_at=now + DAY * (1 + (i + s) % 5),
                pace_verdict=Verdict.ON_TRACK,
                figures_at=now,
                position=i,
            )
            for i, cell in enumerate(rows)
        )
        Mapping.objects.bulk_create(
            Mapping(study=study, target_group=tg, quota=quota, cell=cell, confidence="sure")
            for quota, cell in zip(quotas, rows, strict=True)
        )
    return study
