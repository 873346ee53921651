import pytest
from django.urls import reverse

from projects.tests.factories import ConnectionFactory, ProjectFactory, TargetGroupFactory
from studies.models import Attachment, Mapping
from suppliers.cint.profiles import profiles_snapshot

from .factories import AttachmentFactory, StudyFactory
from .plans import attached_tg, give_plan
from .test_mapping import cint_age, cint_gender

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def search(client, study, q, **headers):
    return client.get(reverse("studies:attach_search", args=[study.pk]), {"q": q}, **headers)


def test_the_picker_finds_target_groups_of_any_supplier_by_name_or_id(pm_client):
    study = StudyFactory()
    ps = ProjectFactory(connection=ConnectionFactory(kind="purespectrum", account_id="ps"))
    TargetGroupFactory(name="US adults (Cint)", remote_id="C-1")
    TargetGroupFactory(project=ps, name="Draft adults", remote_id="77", status="draft")
    TargetGroupFactory(name="UK parents", remote_id="C-2")

    html = search(pm_client, study, "adults", **HTMX).content.decode()
    assert "US adults (Cint)" in html and "Draft adults" in html and "UK parents" not in html
    assert "PureSpectrum" in html

    by_id = search(pm_client, study, "C-2", **HTMX).content.decode()
    assert "UK parents" in by_id and "US adults" not in by_id

    page = search(pm_client, study, "adults").content.decode()  # without htmx: the study page with the results
    assert "Quota cockpit" in page and "Draft adults" in page


def test_the_picker_costs_the_same_queries_for_many_target_groups(pm_client, django_assert_max_num_queries):
    study = StudyFactory()
    TargetGroupFactory.create_batch(3, name="Adults few")
    other = StudyFactory(name="Older study")
    for tg in TargetGroupFactory.create_batch(2, name="Adults taken"):
        AttachmentFactory(study=other, target_group=tg)

    def count(query):
        with django_assert_max_num_queries(12) as captured:
            assert search(pm_client, study, query, **HTMX).status_code == 200
        return len(captured.captured_queries)

    few = count("Adults")
    TargetGroupFactory.create_batch(40, name="Adults many")
    for tg in TargetGroupFactory.create_batch(10, name="Adults taken too"):
        AttachmentFactory(study=other, target_group=tg)
    html = search(pm_client, study, "Adults", **HTMX).content.decode()
    assert count("Adults") == few
    assert html.count("<tr>") == 20 and "Only the first 20 are shown" in html


def test_a_taken_target_group_says_where_it_is_and_is_not_attached_twice(pm_client):
    study, other = StudyFactory(), StudyFactory(name="UK parents study")
    tg = TargetGroupFactory(name="Parents")
    AttachmentFactory(study=other, target_group=tg)

    assert "In the study “UK parents study”" in search(pm_client, study, "Parents", **HTMX).content.decode()
    response = pm_client.post(reverse("studies:attach", args=[study.pk]), {"target_group": tg.pk}, follow=True)

    assert "is already in the study “UK parents study”: a target group fields one study at most." in (
        response.content.decode()
    )
    assert Attachment.objects.get(target_group=tg).study == other


def test_attaching_proposes_the_mapping_and_detaching_removes_it(pm_client):
    study = StudyFactory(goal=600)
    give_plan(study, single="Gender: Male, Female")
    tg = attached_tg(study, "cint", profiles_snapshot({"data": [cint_gender()]}))
    Attachment.objects.filter(target_group=tg).delete()

    pm_client.post(reverse("studies:attach", args=[study.pk]), {"target_group": tg.pk})

    assert dict(Mapping.objects.filter(study=study).values_list("quota__text", "cell__label")) == {
        "Male": "Male",
        "Female": "Female",
    }
    attachment = Attachment.objects.get(target_group=tg)
    pm_client.post(reverse("studies:detach", args=[study.pk, attachment.pk]))
    assert not Attachment.objects.filter(target_group=tg).exists()
    assert not Mapping.objects.filter(study=study).exists()


def test_the_target_group_page_links_back_to_its_study(pm_client):
    study = StudyFactory(name="US adults Dec")
    tg = TargetGroupFactory()
    AttachmentFactory(study=study, target_group=tg)
    html = pm_client.get(tg.get_absolute_url()).content.decode()
    assert f'Part of study <a href="{study.get_absolute_url()}">US adults Dec</a>' in html
    assert "Part of study" not in pm_client.get(TargetGroupFactory().get_absolute_url()).content.decode()


def test_a_pm_confirms_every_proposal_at_once_and_changes_one(pm, pm_client):
    study = StudyFactory(goal=600)
    give_plan(study, single="Gender: Male, Female\nAge: 18-34, 35-54, 55+")
    attached_tg(study, "cint", profiles_snapshot({"data": [cint_gender(), cint_age("a", [(18, 40)])]}))
    pm_client.post(reverse("studies:mapping_propose", args=[study.pk]))
    straddling = Mapping.objects.get(quota__text="18-40")
    assert (straddling.cell, straddling.confidence) == (None, "unsure")

    html = pm_client.post(reverse("studies:mapping_confirm", args=[study.pk]), **HTMX).content.decode()

    assert 'id="mapping"' in html and "Confirm all" not in html
    assert Mapping.objects.filter(study=study, confirmed_at__isnull=True).count() == 0
    assert Mapping.objects.get(quota__text="Male").confirmed_by == pm

    older = study.cells.get(label="35-54")
    url = reverse("studies:mapping_choose", args=[study.pk, straddling.pk])
    html = pm_client.post(url, {"cell": older.pk}, **HTMX).content.decode()

    straddling.refresh_from_db()
    assert straddling.cell == older and straddling.reason == "Chosen by a project manager."
    assert f'<option value="{older.pk}" selected>35-54</option>' in html


def test_a_cell_of_another_study_is_refused_and_changes_nothing(pm_client):
    study, other = StudyFactory(goal=600), StudyFactory()
    give_plan(study, single="Gender: Male, Female")
    give_plan(other, single="Gender: Male, Female")
    attached_tg(study, "cint", profiles_snapshot({"data": [cint_gender()]}))
    pm_client.post(reverse("studies:mapping_propose", args=[study.pk]))
    mapping = Mapping.objects.get(quota__text="Male")
    foreign = other.cells.first()

    response = pm_client.post(
        reverse("studies:mapping_choose", args=[study.pk, mapping.pk]), {"cell": foreign.pk}, follow=True
    )

    assert "That cell is not in this study" in response.content.decode()
    mapping.refresh_from_db()
    assert mapping.cell.study == study and mapping.confirmed_at is None


def test_a_viewer_sees_the_mapping_but_changes_nothing(viewer_client):
    study = StudyFactory(goal=600)
    give_plan(study, single="Gender: Male, Female")
    attached_tg(study, "cint", profiles_snapshot({"data": [cint_gender()]}))
    from studies.mapping import propose_mappings

    propose_mappings(study)
    page = viewer_client.get(study.get_absolute_url()).content.decode()
    assert "2 to confirm" in page  # the mapping is a section of its own, opened when asked
    html = viewer_client.get(reverse("studies:mapping", args=[study.pk])).content.decode()
    assert "Counts exactly Male." in html and "Confirm all" not in html
    assert viewer_client.post(reverse("studies:mapping_confirm", args=[study.pk])).status_code == 403
    assert not Mapping.objects.filter(confirmed_at__isnull=False).exists()
