"""PureSpectrum surveys beside Cint's target groups: the supplier column and filter on the dashboard
and the project list, and a supplier-made pause in the alerts with PureSpectrum's reason."""

import pytest
from django.urls import reverse

from projects.models import SupplierKind
from projects.tests.factories import ConnectionFactory, ProjectFactory, TargetGroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def both():
    cint = TargetGroupFactory(name="Cint wave")
    connection = ConnectionFactory(kind=SupplierKind.PURESPECTRUM, account_id="sandbox", label="PureSpectrum")
    project = ProjectFactory(connection=connection, remote_id="surveys", name="PureSpectrum surveys")
    survey = TargetGroupFactory(
        project=project, name="PS wave", status="paused", status_reason="The survey reached its completes goal."
    )
    return cint, survey


def test_the_dashboard_shows_both_suppliers_and_the_supplier_made_pause(client, pm, both):
    client.force_login(pm)

    html = client.get(reverse("projects:dashboard")).content.decode()

    assert "Cint wave" in html and "PS wave" in html and "PureSpectrum" in html
    assert "Paused by the supplier: The survey reached its completes goal." in html


def test_the_dashboard_filters_by_supplier(client, pm, both):
    client.force_login(pm)

    html = client.get(reverse("projects:dashboard"), {"supplier": "purespectrum"}).content.decode()

    assert "PS wave" in html and "Cint wave" not in html


def test_the_project_list_filters_by_supplier(client, pm, both):
    client.force_login(pm)
    url = reverse("projects:project_list")

    everything = client.get(url).content.decode()
    only_ps = client.get(url, {"supplier": "purespectrum"}).content.decode()

    assert "PureSpectrum surveys" in everything and "Project " in everything
    assert 'name="supplier"' in everything
    assert "PureSpectrum surveys" in only_ps and ">Project " not in only_ps
