"""Helpers for study tests: a plan typed as a PM types it, and a supplier's quotas stored by the mirror
from the shapes the supplier sends (each adapter's own reading, then `quotas.mirror`)."""

from projects.tests.factories import ConnectionFactory, ProjectFactory, TargetGroupFactory
from quotas.mirror import upsert_profiles
from studies.models import Attachment
from studies.planning.parsing import build_cells, parse_dimensions, split_evenly
from studies.planning.saving import save_plan


def give_plan(study, interlocked="", single=""):
    first, second = parse_dimensions(interlocked), parse_dimensions(single)
    cells = build_cells(first, second) if first and len(first) > 1 else build_cells([], first + second)
    for cell, goal in zip(cells, split_evenly(study.goal, len(cells)), strict=True):
        cell.goal = goal
    save_plan(study, first + second, cells)
    return {cell.label: cell for cell in study.cells.all()}


def attached_tg(study, kind, snapshot, name="TG"):
    project = ProjectFactory(connection=ConnectionFactory(kind=kind, account_id=f"{kind}-acct"))
    tg = TargetGroupFactory(project=project, name=name)
    upsert_profiles(tg, snapshot)
    Attachment.objects.create(study=study, target_group=tg)
    return tg
