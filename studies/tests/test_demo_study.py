"""`make run`'s demo has a study across its three sandbox suppliers: a target group at each whose gender and age
quotas map "sure" onto the study's six cells, confirmed, with goals and paces that fill a cell within the
first hour; seeding again adds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from projects.models import TargetGroup
from studies.demo import DEMO_STUDY_GOAL
from studies.models import Mapping, Study

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_a_study_on_three_suppliers_with_its_mappings_confirmed_and_seeding_again_adds_nothing(
    settings,
):
    settings.SANDBOX_JOB_SECONDS = 0
    call_command("seed_demo", stdout=StringIO())

    (study,) = Study.objects.all()
    assert study.goal == DEMO_STUDY_GOAL and study.guard_on
    cells = {cell.label: cell.goal for cell in study.cells.all()}
    assert cells == {"Male": 120, "Female": 120, "18-29": 60, "30-44": 60, "45-59": 60, "60+": 60}
    tgs = [a.target_group for a in study.attachments.select_related("target_group__project__connection")]
    assert sorted(tg.project.connection.kind for tg in tgs) == ["audience_align", "cint", "purespectrum"]
    assert all(tg.status == TargetGroup.Status.LIVE for tg in tgs)
    for tg in tgs:  # each of its six quotas counts, surely, for the cell of the same meaning
        mapped = Mapping.objects.filter(study=study, target_group=tg).select_related("cell")
        assert sorted(m.cell.label for m in mapped) == sorted(cells), tg
        assert {m.confidence for m in mapped} == {"sure"}
        assert all(m.confirmed_at and m.confirmed_by.username == "pm" for m in mapped)
        # The supplier's goals are larger than the study's, at different paces, so the guard closes cells.
        assert sum(m.source.completes_goal for m in mapped if m.cell.label in ("Male", "Female")) > study.goal
    goals = sorted(tg.filling_goal or 0 for tg in tgs)
    assert len(set(goals)) == 3

    counts = (Study.objects.count(), TargetGroup.objects.count(), Mapping.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Study.objects.count(), TargetGroup.objects.count(), Mapping.objects.count()) == counts
