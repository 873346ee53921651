"""A page the target group's supplier cannot serve answers 404 in the layout, saying why, and is not linked."""

import pytest
from django.urls import reverse

from projects.models import TargetGroup
from projects.tests.factories import ConnectionFactory, ProjectFactory, TargetGroupFactory

pytestmark = pytest.mark.django_db

# Cint's own pages: its draft editor and profiling library, fielding runs, a launched target group's settings.
CINT_ONLY = [
    ("fielding:draft", "get"),
    ("fielding:draft_edit", "get"),
    ("fielding:draft_edit", "post"),
    ("fielding:profiling", "get"),
    ("fielding:apply_template", "post"),
    ("fielding:build_interlock", "post"),
    ("fielding:launch", "post"),
    ("fielding:feasibility", "post"),
    ("fielding:panel", "get"),
    ("fielding:change_end", "post"),
    ("fielding:settings", "get"),
    ("fielding:pricing", "get"),
    ("fielding:change_cpi", "post"),
    ("fielding:filling", "get"),
    ("fielding:change_filling", "post"),
    ("fielding:details", "get"),
    ("fielding:change_details", "post"),
    ("fielding:changelog", "get"),
    ("fielding:completes_csv", "get"),
]


def survey(kind, status=TargetGroup.Status.LIVE):
    connection = ConnectionFactory(kind=kind, account_id=f"{kind}-1", label=kind)
    return TargetGroupFactory(project=ProjectFactory(connection=connection), status=status)


@pytest.mark.parametrize("kind", ["purespectrum", "audience_align"])
@pytest.mark.parametrize("status", [TargetGroup.Status.DRAFT, TargetGroup.Status.LIVE])
@pytest.mark.parametrize(("name", "method"), CINT_ONLY)
def test_a_cint_only_page_of_another_suppliers_survey_is_a_404_in_the_layout(pm_client, kind, status, name, method):
    tg = survey(kind, status)

    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = getattr(pm_client, method)(reverse(name, args=[tg.pk]), **headers)

        assert response.status_code == 404
        html = response.content.decode()
        assert 'class="topbar"' in html
        supplier = "PureSpectrum" if kind == "purespectrum" else "Audience-Align"
        assert f"{supplier} does not offer" in html and tg.name in html


def test_the_fielding_run_actions_of_another_suppliers_survey_are_a_404(pm_client):
    tg = survey("purespectrum")

    response = pm_client.post(reverse("fielding:run_action", args=[tg.pk, "pause"]))

    assert response.status_code == 404
    assert tg.changes.count() == 0


def test_a_purespectrum_draft_page_links_to_no_cint_draft_editor(pm_client):
    tg = survey("purespectrum", TargetGroup.Status.DRAFT)

    html = pm_client.get(tg.get_absolute_url()).content.decode()

    assert reverse("fielding:draft_edit", args=[tg.pk]) not in html
    assert reverse("fielding:profiling", args=[tg.pk]) not in html


def test_the_account_reconciliation_of_a_supplier_that_reconciles_by_survey_is_a_404_in_words(pm_client):
    connection = ConnectionFactory(kind="purespectrum", account_id="ps-1", label="PureSpectrum")

    for name in ("reconciliations:account", "reconciliations:rids_csv"):
        response = pm_client.get(reverse(name, args=[connection.pk]))

        assert response.status_code == 404
        assert (
            "PureSpectrum reports no eligible RIDs: it reconciles each survey by a list of ids"
            in response.content.decode()
        )


def test_the_reconciliation_index_links_a_survey_by_survey_supplier_to_its_surveys(pm_client):
    tg = survey("purespectrum")
    ConnectionFactory()  # and a Cint account, reconciled by files

    html = pm_client.get(reverse("reconciliations:index")).content.decode()

    assert reverse("reconciliations:survey", args=[tg.pk]) in html
    assert reverse("reconciliations:account", args=[tg.project.connection.pk]) not in html


def test_an_unknown_address_is_a_404_in_the_layout(pm_client):
    response = pm_client.get("/target-groups/999999/")

    assert response.status_code == 404
    assert 'class="topbar"' in response.content.decode()
    assert "There is nothing here" in response.content.decode()


def test_the_survey_reconciliation_of_a_cint_target_group_is_a_404_in_words(pm_client):
    tg = TargetGroupFactory()

    response = pm_client.get(reverse("reconciliations:survey", args=[tg.pk]))

    assert response.status_code == 404
    assert "Cint Exchange does not offer reconciling a survey by a list of ids" in response.content.decode()


AUDIENCE_ALIGN_ONLY = [
    ("fielding:aa_panel", "get", []),
    ("fielding:aa_settings", "post", []),
    ("fielding:aa_qualification_add", "post", []),
    ("fielding:aa_exclusions_add", "post", []),
    ("fielding:aa_exclusion_remove", "post", ["S-1"]),
]


@pytest.mark.parametrize("kind", ["cint", "purespectrum"])
@pytest.mark.parametrize(("name", "method", "extra"), AUDIENCE_ALIGN_ONLY)
def test_an_audience_align_only_part_of_another_suppliers_target_group_is_a_404(pm_client, kind, name, method, extra):
    tg = TargetGroupFactory() if kind == "cint" else survey(kind)

    response = getattr(pm_client, method)(reverse(name, args=[tg.pk, *extra]), HTTP_HX_REQUEST="true")

    assert response.status_code == 404
    assert "does not offer" in response.content.decode()
    assert tg.changes.count() == 0
