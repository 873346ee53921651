import pytest
from django.urls import reverse

from projects.tests.factories import ConnectionFactory, ProjectFactory, TargetGroupFactory

from .factories import AttachmentFactory, StudyFactory

pytestmark = pytest.mark.django_db


def test_the_list_links_each_study_with_its_count_of_target_groups(pm_client):
    study = StudyFactory(name="US adults Dec")
    AttachmentFactory(study=study, target_group=TargetGroupFactory())
    AttachmentFactory(study=study, target_group=TargetGroupFactory())
    StudyFactory(name="UK parents")
    html = pm_client.get(reverse("studies:list")).content.decode()
    assert f'href="{study.get_absolute_url()}"' in html
    row = html.split("US adults Dec", 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">2</td>' in row
    assert "UK parents" in html


def test_the_study_page_names_each_target_group_and_its_supplier(pm_client):
    study = StudyFactory(name="US adults Dec", goal=1000)
    for kind, name in (("cint", "US adults (Cint)"), ("purespectrum", "US adults (PureSpectrum)")):
        project = ProjectFactory(connection=ConnectionFactory(kind=kind, account_id=f"{kind}-1"))
        AttachmentFactory(study=study, target_group=TargetGroupFactory(project=project, name=name))
    html = pm_client.get(study.get_absolute_url()).content.decode()
    assert "1,000 completes" in html
    assert "US adults (Cint)" in html and "US adults (PureSpectrum)" in html
    assert "PureSpectrum" in html.split("US adults (PureSpectrum)", 1)[1]


def test_a_study_that_does_not_exist_is_404_with_the_layout(pm_client):
    response = pm_client.get(reverse("studies:detail", args=[999999]))
    assert response.status_code == 404
    assert "Quota cockpit" in response.content.decode()
