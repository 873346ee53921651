"""A study built straight from mirrored quotas: one cell per pair of quotas (or cells) given, each mapped."""

from studies.models import Attachment, Cell, Mapping, Study
from studies.tests.factories import StudyFactory


def study_over(sources_by_cell, *, goal=None, **fields):
    """`sources_by_cell` {cell label: (cell goal, [quota or interlock cell, …])} → a study whose cells map to them,
    with their target groups attached. Returns (study, {label: cell})."""
    total = sum(cell_goal for cell_goal, _ in sources_by_cell.values())
    study = StudyFactory(goal=goal if goal is not None else total, **fields)
    cells = {}
    attached = set()
    for position, (label, (cell_goal, sources)) in enumerate(sources_by_cell.items()):
        cell = Cell.objects.create(study=study, label=label, goal=cell_goal, position=position)
        cells[label] = cell
        for source in sources:
            tg = target_group_of(source)
            if tg.pk not in attached:
                Attachment.objects.create(study=study, target_group=tg)
                attached.add(tg.pk)
            kind = "quota" if hasattr(source, "profile_id") else "interlock_cell"
            Mapping.objects.create(
                study=study, target_group=tg, cell=cell, confidence=Mapping.Confidence.SURE, **{kind: source}
            )
    return Study.objects.get(pk=study.pk), cells


def target_group_of(source):
    owner = source.profile if hasattr(source, "profile_id") else source.interlocked_profile
    return owner.target_group
