"""The eligible RIDs of an account as a CSV: the latest report of each project, the page's search
applied, safe to open in a spreadsheet, for anyone who can see the reconciliation page; suppliers
without eligible-RIDs reports say so."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import SupplierKind
from projects.tests.factories import ConnectionFactory, ProjectFactory, TargetGroupFactory

from .factories import EligibleReportFactory, EligibleRidFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(connection):
    project = ProjectFactory(connection=connection, name="Brand tracker")
    tg = TargetGroupFactory(project=project, name="US adults", remote_id="01TGUSADULTS")
    old = EligibleReportFactory(project=project, finished_at=timezone.now() - timedelta(days=2))
    EligibleRidFactory(report=old, rid="OLD-RID")
    new = EligibleReportFactory(project=project)
    completed = timezone.now() - timedelta(days=1)
    EligibleRidFactory(report=new, rid="RID-1", target_group=tg, status="complete", completed_at=completed)
    EligibleRidFactory(report=new, rid="=HYPERLINK(1)", target_group_name="@Elsewhere", target_group_remote_id="01X")
    return new


def download(client, connection, **query):
    response = client.get(reverse("reconciliations:rids_csv", args=[connection.pk]), query)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return response, list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_the_csv_has_the_latest_reports_rids_with_their_target_groups(viewer_client, connection, reports):
    response, rows = download(viewer_client, connection)
    assert 'filename="cint-sandbox-eligible-rids.csv"' in response["Content-Disposition"]
    by_rid = {row["RID"]: row for row in rows}
    assert set(by_rid) == {"RID-1", "'=HYPERLINK(1)"}  # the older report's RID is not current
    one = by_rid["RID-1"]
    assert (one["Target group"], one["Target group id"], one["Project"], one["Status"]) == (
        "US adults", "01TGUSADULTS", "Brand tracker", "complete",
    )  # fmt: skip
    assert one["Completed"] == timezone.localtime(reports.rows.get(rid="RID-1").completed_at).isoformat("T", "minutes")
    assert by_rid["'=HYPERLINK(1)"]["Target group"] == "'@Elsewhere"  # kept as text, not run as a formula


def test_the_csv_follows_the_pages_search(viewer_client, connection, reports):
    response, rows = download(viewer_client, connection, q="us adults")
    assert [row["RID"] for row in rows] == ["RID-1"]
    assert 'filename="cint-sandbox-eligible-rids-us-adults.csv"' in response["Content-Disposition"]


def test_the_account_page_links_the_csv_next_to_the_table(viewer_client, connection, reports):
    html = viewer_client.get(reverse("reconciliations:rids", args=[connection.pk]), {"q": "RID"},
                             headers={"HX-Request": "true"}).content.decode()  # fmt: skip
    assert f'href="{reverse("reconciliations:rids_csv", args=[connection.pk])}?q=RID"' in html


@pytest.mark.parametrize("kind", [SupplierKind.PURESPECTRUM, SupplierKind.AUDIENCE_ALIGN])
def test_suppliers_without_eligible_rid_reports_say_so(viewer_client, kind):
    connection = ConnectionFactory(kind=kind, account_id="acc", label=kind.label)
    response = viewer_client.get(reverse("reconciliations:rids_csv", args=[connection.pk]))
    assert response.status_code == 404 and "reports no eligible RIDs" in response.content.decode()


def test_someone_logged_out_gets_the_login_page(client, connection, reports):
    response = client.get(reverse("reconciliations:rids_csv", args=[connection.pk]))
    assert response.status_code == 302 and "/login" in response["Location"]
