"""The eligible-RIDs report: generated at the supplier, polled, downloaded, stored, shown."""

import pytest
import responses
from django.urls import reverse
from django.utils import timezone

from projects.tests.factories import ProjectFactory, TargetGroupFactory
from reconciliations.models import EligibleReport, EligibleRid
from reconciliations.reports import default_start_date, parse_report
from suppliers.cint.reporting import download_file_name

from .conftest import DEMAND, api_calls
from .factories import EligibleReportFactory, EligibleRidFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
REPORT_ID = "8b60d37e-af52-45f1-ad5e-e92acc38e01d"
CSV = (
    "rid,target_group_id,target_group_name,project_id,status,finished_at,reconcile_until\n"
    "RID-1,{tg},US adults,P1,complete,2025-01-31T22:10:00.000Z,2025-02-25T23:59:59.000Z\n"
    "RID-2,{tg},US adults,P1,terminate,2025-02-01T08:00:00Z,2025-03-25T23:59:59Z\n"
    "RID-3,01OTHER,Somewhere else,P1,complete,2025-02-02,2025-03-25\n"
)


@pytest.fixture
def tg(connection):
    return TargetGroupFactory(project=ProjectFactory(connection=connection, name="Brand tracker"), name="US adults")


def supplier_reports(wire, tg, statuses=("pending", "completed")):
    report_url = (
        f"https://exchange.example/download?file=x.csv&download_url=%2Freports%2Fdownload%3Ffile%3D{REPORT_ID}.csv"
    )
    wire.post(
        f"{DEMAND}/reports/reconciliation-eligible-rids",
        status=202,
        json={
            "message": "Report Created",
            "report_id": REPORT_ID,
            "report_url": report_url,
            "start_date": "2025-01-01",
            "end_date": "2025-02-10",
            "status": "pending",
        },
    )
    for status in statuses:
        wire.get(f"{DEMAND}/reports/{REPORT_ID}/status", json={"report_id": REPORT_ID, "status": status.upper()})
    wire.get(
        f"{DEMAND}/reports/download",
        body=CSV.format(tg=tg.remote_id),
        content_type="text/csv",
        match=[
            responses.matchers.query_param_matcher(
                {"file": f"{REPORT_ID}.csv", "report_type": "reconciliation-eligible-rids"}
            )
        ],
    )


def generate(client, connection, tg, capture, **extra):
    with capture(execute=True):
        return client.post(
            reverse("reconciliations:generate_report", args=[connection.pk]),
            {"project": tg.project.pk, "start_date": "2025-01-01", "end_date": ""},
            **extra,
        )


def test_generate_poll_download_and_store(pm_client, pm, connection, tg, cint, django_capture_on_commit_callbacks):
    supplier_reports(cint, tg)
    response = generate(pm_client, connection, tg, django_capture_on_commit_callbacks)
    assert response.status_code == 302

    report = EligibleReport.objects.get()
    assert (report.state, report.report_id, report.row_count, report.requested_by) == ("ready", REPORT_ID, 3, pm)
    (post,) = api_calls(cint, "/reports/reconciliation-eligible-rids")
    assert post.request.headers["idempotency-key"] == str(report.key)
    assert b'"filter": "Project"' in post.request.body and tg.project.remote_id.encode() in post.request.body
    assert b'"start_date": "2025-01-01"' in post.request.body

    rows = {row.rid: row for row in EligibleRid.objects.all()}
    assert rows["RID-1"].target_group == tg and rows["RID-1"].status == "complete"
    assert rows["RID-1"].completed_at.isoformat() == "2025-01-31T22:10:00+00:00"
    assert rows["RID-3"].target_group is None and rows["RID-3"].tg_label == "Somewhere else"
    assert rows["RID-3"].completed_at.date().isoformat() == "2025-02-02"

    html = pm_client.get(reverse("reconciliations:account", args=[connection.pk])).content.decode()
    assert "3 eligible RIDs downloaded" in html and "RID-2" in html and "Somewhere else" in html
    assert 'hx-trigger="every 2s"' not in html


def test_the_status_block_polls_until_ready_then_refreshes_the_table(pm_client, connection, tg, cint):
    report = EligibleReportFactory(project=tg.project, state="generating", finished_at=None)
    url = reverse("reconciliations:report", args=[report.pk])
    html = pm_client.get(url, **HTMX).content.decode()
    assert 'hx-trigger="every 2s"' in html and "preparing the report" in html
    assert html.strip().startswith('<div id="report-status"') and "Generate the report" not in html

    report.state = "ready"
    report.row_count = 0
    report.finished_at = timezone.now()
    report.save()
    response = pm_client.get(url, **HTMX)
    assert 'hx-trigger="every' not in response.content.decode()
    assert "eligible-rids-changed" in response["HX-Trigger"]


def test_generate_with_htmx_answers_with_a_polling_block(
    pm_client, connection, tg, cint, django_capture_on_commit_callbacks
):
    supplier_reports(cint, tg, statuses=("pending",))
    response = generate(pm_client, connection, tg, django_capture_on_commit_callbacks, **HTMX)
    assert 'id="report-card"' in response.content.decode() and "<html" not in response.content.decode()


def test_a_failed_report_says_what_to_do(pm_client, connection, tg, cint, django_capture_on_commit_callbacks):
    supplier_reports(cint, tg, statuses=("failed",))
    generate(pm_client, connection, tg, django_capture_on_commit_callbacks)
    report = EligibleReport.objects.get()
    assert report.state == "failed" and "Generate it again" in report.message
    assert api_calls(cint, "/reports/download") == []


def test_a_refused_report_request_fails_with_the_suppliers_words(
    pm_client, connection, tg, cint, django_capture_on_commit_callbacks
):
    cint.post(
        f"{DEMAND}/reports/reconciliation-eligible-rids",
        status=400,
        json={
            "detail": "Give filter_ids for the filter.",
            "invalid_params": [{"name": "filter_ids", "reason": "is required"}],
        },
    )
    generate(pm_client, connection, tg, django_capture_on_commit_callbacks)
    report = EligibleReport.objects.get()
    assert report.state == "failed"
    assert "Give filter_ids for the filter. (filter_ids: is required)" in report.message
    assert "generate the report again" in report.message


def test_a_server_error_while_polling_is_retried(pm_client, connection, tg, cint, django_capture_on_commit_callbacks):
    supplier_reports(cint, tg, statuses=())
    cint.get(f"{DEMAND}/reports/{REPORT_ID}/status", status=503, json={"detail": "busy"})
    cint.get(f"{DEMAND}/reports/{REPORT_ID}/status", json={"status": "COMPLETED"})
    generate(pm_client, connection, tg, django_capture_on_commit_callbacks)
    assert EligibleReport.objects.get().state == "ready"


def test_the_report_form_refuses_an_end_before_the_start(pm_client, connection, tg, cint):
    response = pm_client.post(
        reverse("reconciliations:generate_report", args=[connection.pk]),
        {"project": tg.project.pk, "start_date": "2025-02-10", "end_date": "2025-02-01"},
    )
    assert "The end date is before the start date" in response.content.decode()
    assert not EligibleReport.objects.exists() and api_calls(cint) == []


def test_search_and_pages_of_eligible_rids(pm_client, connection, tg):
    report = EligibleReportFactory(project=tg.project)
    for n in range(60):
        EligibleRidFactory(report=report, rid=f"RID-{n:03d}", target_group=tg)
    url = reverse("reconciliations:rids", args=[connection.pk])
    html = pm_client.get(url, **HTMX).content.decode()
    assert "Page 1 of 2" in html and html.count('name="rids"') == 50
    html = pm_client.get(url, {"page": 2}, **HTMX).content.decode()
    assert html.count('name="rids"') == 10
    html = pm_client.get(url, {"q": "rid-05"}, **HTMX).content.decode()
    assert "10 of 60 eligible RIDs" in html and "RID-050" in html and "RID-049" not in html


def test_the_ready_reports_are_read_once_per_table(pm_client, connection, tg):
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    report = EligibleReportFactory(project=tg.project)
    EligibleRidFactory(report=report, rid="RID-1", target_group=tg)
    latest_per_project = 'SELECT "reconciliations_eligiblereport"."project_id"'  # EligibleRid.objects.current
    with CaptureQueriesContext(db) as queries:
        html = pm_client.get(reverse("reconciliations:rids", args=[connection.pk]), **HTMX).content.decode()
    assert "RID-1" in html
    assert sum(q["sql"].startswith(latest_per_project) for q in queries.captured_queries) == 1


def test_only_the_latest_report_of_a_project_counts(connection, tg):
    old = EligibleReportFactory(project=tg.project, finished_at=timezone.now() - timezone.timedelta(days=1))
    new = EligibleReportFactory(project=tg.project)
    other = EligibleReportFactory(project=ProjectFactory(connection=connection))
    EligibleRidFactory(report=old, rid="OLD")
    EligibleRidFactory(report=new, rid="NEW")
    EligibleRidFactory(report=other, rid="OTHER")
    assert set(EligibleRid.objects.current(connection).values_list("rid", flat=True)) == {"NEW", "OTHER"}


def test_report_parsing_and_links():
    assert parse_report("rid;x\n") is None
    rows = parse_report(
        "\ufeffResponse ID,Target Group ID,Status,Complete Date\nabc,TG1,complete,2025-03-01 10:00:00\n"
    )
    assert rows[0]["rid"] == "abc" and rows[0]["target_group_remote_id"] == "TG1"
    assert rows[0]["completed_at"].isoformat() == "2025-03-01T10:00:00+00:00"
    assert download_file_name("https://x/download?file=a.csv") == "a.csv"
    assert download_file_name("https://x/d?file=b.csv&download_url=%2Fr%2Fdownload%3Ffile%3D01H%2F1.csv") == "01H/1.csv"


@pytest.mark.parametrize(
    ("today", "start"),
    [("2025-02-25", "2025-01-01"), ("2025-02-26", "2025-02-01"), ("2025-01-10", "2024-12-01")],
)
def test_the_default_start_is_the_oldest_day_still_in_the_window(today, start):
    from datetime import date

    assert default_start_date(date.fromisoformat(today)).isoformat() == start
