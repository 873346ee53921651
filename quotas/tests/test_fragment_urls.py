"""A block's URL opened directly in the browser (followed, reloaded, bookmarked) gives a page with the
layout, never the bare fragment; htmx still gets the fragment alone."""

import pytest
from django.urls import reverse

from fielding.conftest import make_live
from projects.models import SupplierKind
from projects.tests.factories import ConnectionFactory, ProjectFactory, TargetGroupFactory

pytestmark = pytest.mark.django_db
HTMX = {"headers": {"HX-Request": "true"}}


@pytest.fixture
def cint_tg(db):
    project = ProjectFactory(connection=ConnectionFactory(), remote_id="01HPROJECT0000000000000001")
    tg, _ = make_live(project)
    return tg


def test_the_fielding_panel_opened_directly_is_a_styled_page(pm_client, cint_tg):
    url = reverse("fielding:panel", args=[cint_tg.pk])

    plain = pm_client.get(url).content.decode()
    fragment = pm_client.get(url, **HTMX).content.decode()

    assert "<!doctype html>" in plain.lower() and "cockpit.css" in plain and 'id="fielding-panel"' in plain
    assert "<!doctype html>" not in fragment.lower() and fragment.lstrip().startswith(("<section", "{", "\n", "<"))


@pytest.mark.parametrize(
    ("name", "anchor"),
    [("quotas:changes", "changes"), ("quotas:header", "tg-header"), ("quotas:profiles", "profiles")],
)
def test_a_cockpit_block_opened_directly_leads_to_its_page(pm_client, cint_tg, name, anchor):
    response = pm_client.get(reverse(name, args=[cint_tg.pk]))

    assert response.status_code == 302
    assert response["Location"] == f"{cint_tg.get_absolute_url()}#{anchor}"
    assert pm_client.get(reverse(name, args=[cint_tg.pk]), **HTMX).status_code == 200


@pytest.mark.parametrize("kind", [SupplierKind.PURESPECTRUM, SupplierKind.AUDIENCE_ALIGN])
def test_the_status_panel_of_other_suppliers_opened_directly_leads_to_the_page(pm_client, kind):
    tg = TargetGroupFactory(project__connection=ConnectionFactory(kind=kind, account_id="x"), status="live")

    response = pm_client.get(reverse("fielding:status_panel", args=[tg.pk]))

    assert response.status_code == 302 and response["Location"] == f"{tg.get_absolute_url()}#status-panel"
