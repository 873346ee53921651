"""A study over a Cint and a PureSpectrum target group, each with its quota for one cell, and schedules asked
for as the study page's form asks for them, at a chosen moment in a chosen zone."""

from django.utils import timezone

from projects.models import SupplierKind
from projects.tests.factories import ConnectionFactory, ProjectFactory, TargetGroupFactory
from quotas.tests.factories import ProfileFactory, QuotaFactory
from schedules.study.forms import StudyScheduleForm
from studies.tests.builders import study_over

from .helpers import BERLIN, utc


def quota(kind, goal, completes):
    connection = ConnectionFactory(kind=kind, account_id=f"{kind}-1", label=kind)
    target_group = TargetGroupFactory(project=ProjectFactory(connection=connection), name=f"{kind} US")
    profile = ProfileFactory(target_group=target_group, name="GENDER")
    return QuotaFactory(profile=profile, text="Male", completes_goal=goal, completes=completes, traffic_cap=None)


def male_study(**fields):
    """(study, the "Male" cell, Cint's quota 300 / 120 achieved, PureSpectrum's 200 / 50), fielding in June 2026."""
    cint = quota(SupplierKind.CINT, 300, 120)
    ps = quota(SupplierKind.PURESPECTRUM, 200, 50)
    fields = {"field_start": utc(2026, 6, 1, 0, 0), "field_end": utc(2026, 6, 30, 0, 0), **fields}
    study, cells = study_over({"Male": (500, [cint, ps])}, **fields)
    return study, cells["Male"], cint, ps


def ask_on_study(study, by, data, *, now, zone=BERLIN, instance=None):
    """The study page's form, typed in `zone` at `now`: the form, and the schedule stored if valid."""
    with timezone.override(zone):
        form = StudyScheduleForm(data, study=study, now=now, instance=instance)
        if not form.is_valid():
            return form, None
    return form, form.save(by=by)


def move_data(cell, from_quota, to_quota, n, at, **extra):
    return {"action": "study:move", "cell": cell.pk, "n": n, "at": at, "from_tg": from_quota.profile.target_group_id,
            "to_tg": to_quota.profile.target_group_id, **extra}  # fmt: skip
