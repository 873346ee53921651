"""Submitting a reconciliation: checked before anything is sent, sent through the outbox, followed to its end."""

from datetime import timedelta

import pytest
import responses
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from projects.models import TargetGroup
from projects.tests.factories import ProjectFactory, TargetGroupFactory
from reconciliations.models import EligibleReport, EligibleRid, Submission
from sync.models import RemoteChange

from .confirming import post_confirmed, preview_of
from .conftest import DEMAND, api_calls
from .factories import EligibleReportFactory, EligibleRidFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
REQUEST_ID = "01F8K8P3Z5KNYR5H0GQZAYGQJ9"


@pytest.fixture
def tg(connection):
    return TargetGroupFactory(project=ProjectFactory(connection=connection), name="US adults")


@pytest.fixture
def eligible(tg, reason_codes):
    report = EligibleReportFactory(project=tg.project)
    return [
        EligibleRidFactory(report=report, rid=rid, target_group=tg, target_group_remote_id=tg.remote_id)
        for rid in ("RID-A", "RID-B", "RID-C")
    ]


def account_url(connection):
    return reverse("reconciliations:account", args=[connection.pk])


def submit_url(connection):
    return reverse("reconciliations:submit", args=[connection.pk])


def supplier_accepts(wire, *, status="complete"):
    wire.post(f"{DEMAND}/reconciliations", json={"request_name": "x.csv", "request_id": REQUEST_ID})
    counts = {
        "submitted_count": 2,
        "expired_count": 0,
        "invalid_count": 0,
        "positive_reversed_count": 0,
        "negative_reversed_count": 2,
    }
    wire.get(
        f"{DEMAND}/reconciliations/{REQUEST_ID}",
        json={"request_id": REQUEST_ID, "name": "x.csv", "status": status, **counts},
    )
    return counts


def supplier_results(wire, tg, counts, status="complete"):
    wire.get(
        f"{DEMAND}/reconciliations/{REQUEST_ID}/target-groups",
        json={"target_groups": [{"target_group_id": tg.remote_id, "status": status, **counts}], "next_cursor": ""},
    )


# --- who may do what --------------------------------------------------------------------


def test_viewer_sees_the_report_but_no_submit_controls(viewer_client, connection, eligible):
    html = viewer_client.get(account_url(connection)).content.decode()
    assert "RID-A" in html and "US adults" in html
    for control in (
        "Reconcile the ticked RIDs",
        "Check the lines",
        "Generate the report",
        'type="checkbox"',
        "<textarea",
    ):
        assert control not in html
    assert "Only project managers can submit reconciliations." in html


def test_viewer_sees_a_submission_without_check_now(viewer_client, connection):
    sub = Submission.objects.create(connection=connection, name="june.csv", csv="RID-A,11\n", state="processing")
    html = viewer_client.get(sub.get_absolute_url()).content.decode()
    assert "june.csv" in html and "Processing" in html
    assert "Check now" not in html and "<form" not in html.split("<main>")[1]


def test_viewer_post_is_forbidden_and_changes_nothing(viewer_client, connection, eligible, cint, tg):
    sub = Submission.objects.create(connection=connection, name="old.csv", csv="RID-A,11\n", state="processing")
    posts = [
        (submit_url(connection), {"lines": "RID-A,11\n", "source": "lines"}),
        (submit_url(connection), {"rids": ["RID-A"], "reason_code": "11", "source": "picked"}),
        (reverse("reconciliations:generate_report", args=[connection.pk]), {"project": tg.project.pk}),
        (reverse("reconciliations:check_submission", args=[sub.pk]), {}),
    ]
    for url, data in posts:
        for extra in ({}, HTMX):
            assert viewer_client.post(url, data, **extra).status_code == 403, url
    assert list(Submission.objects.all()) == [sub]
    assert not RemoteChange.objects.exists()
    assert EligibleReport.objects.count() == 1
    assert api_calls(cint) == []


# --- checked before sending -------------------------------------------------------------


def test_bad_lines_are_all_reported_by_number_and_nothing_is_sent(pm_client, connection, eligible, cint):
    text = "RID-A,11\nRID-A,12\nRID-B,99\nRID-C\nRID-NOPE,11\nRID-C,932\n"
    response = pm_client.post(submit_url(connection), {"lines": text, "source": "lines"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "4 lines have problems, so nothing was sent" in html
    for number, words in [
        (2, "already on line 1"),
        (3, "“99” is not one of the supplier"),
        (4, "has 1 column"),
        (5, "RID-NOPE is not in the eligible-RIDs report"),
    ]:
        assert f"Line {number}</td>" in html and words in html
    assert "Line 1</td>" not in html and "Line 6</td>" not in html
    assert f">\n{text}</textarea>" in html  # the input comes back intact
    assert not Submission.objects.exists() and not RemoteChange.objects.exists()
    assert api_calls(cint) == []


def test_a_line_past_the_window_is_refused_by_the_view(pm_client, connection, tg, reason_codes, cint):
    long_ago = timezone.now() - timedelta(days=80)
    report = EligibleReportFactory(project=tg.project)
    EligibleRidFactory(report=report, rid="RID-OLD", completed_at=long_ago)
    EligibleRidFactory(report=report, rid="RID-NEW")
    response = pm_client.post(submit_url(connection), {"lines": "RID-NEW,11\nRID-OLD,11\n", "source": "lines"})
    html = response.content.decode()
    assert "Line 2</td>" in html and "could be reconciled until" in html
    assert not RemoteChange.objects.exists() and api_calls(cint) == []


def test_an_uploaded_file_with_problems_comes_back_in_the_text_box(pm_client, connection, eligible, cint):
    upload = SimpleUploadedFile("fieldwork.csv", b"\xef\xbb\xbfRID-A,11\nRID-B,77\n", content_type="text/csv")
    html = pm_client.post(submit_url(connection), {"file": upload, "source": "lines"}).content.decode()
    assert "Line 2</td>" in html and "“77”" in html
    assert "The lines of fieldwork.csv are in the text box below" in html
    assert ">\nRID-A,11\nRID-B,77\n</textarea>" in html
    assert not RemoteChange.objects.exists()


def test_ticked_rids_need_a_reason_code_and_stay_ticked(pm_client, connection, eligible, cint):
    html = pm_client.post(submit_url(connection), {"rids": ["RID-B"], "source": "picked"}, **HTMX).content.decode()
    assert "Choose the reason code for the RIDs you ticked." in html
    assert 'value="RID-B" aria-label="Reconcile RID-B" checked' in html
    assert 'value="RID-A" aria-label="Reconcile RID-A">' in html
    assert '<option value="932">932 · Speeder</option>' in html
    assert not RemoteChange.objects.exists()


def test_lines_and_a_file_at_once_are_refused(pm_client, connection, eligible):
    upload = SimpleUploadedFile("x.csv", b"RID-A,11\n")
    html = pm_client.post(submit_url(connection), {"file": upload, "lines": "RID-B,11", "source": "lines"})
    assert "use one of them" in html.content.decode()
    assert not RemoteChange.objects.exists()


def test_without_reason_codes_nothing_is_checked_or_sent(pm_client, connection, tg, cint):
    cint.get(f"{DEMAND}/reconciliations/reason-codes", status=500, json={"detail": "down"})
    html = pm_client.post(submit_url(connection), {"lines": "RID-A,11\n", "source": "lines"}).content.decode()
    assert "reason codes are not loaded yet" in html
    assert not RemoteChange.objects.exists()


# --- sent and followed ------------------------------------------------------------------


def test_a_good_file_is_sent_once_with_the_change_key_and_followed_to_complete(
    pm_client, pm, connection, eligible, tg, cint, django_capture_on_commit_callbacks
):
    counts = supplier_accepts(cint)
    supplier_results(cint, tg, counts)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_confirmed(
            pm_client, submit_url(connection), {"lines": "RID-A,11\nrid-b,932\n", "name": "june.csv", "source": "lines"}
        )
    assert response.status_code == 302 and response["Location"] == account_url(connection)

    submission = Submission.objects.get()
    change = submission.change
    assert (change.kind, change.state, change.requested_by) == ("reconciliation_submit", "applied", pm)
    (post,) = api_calls(cint, "/reconciliations?")
    assert post.request.method == "POST"
    assert post.request.headers["idempotency-key"] == str(change.idempotency_key)
    assert post.request.headers["Content-Type"] == "text/csv"
    assert post.request.body == b"RID-A,11\nrid-b,932\n"
    assert "name=june.csv" in post.request.url

    assert (submission.state, submission.request_id, submission.name) == ("complete", REQUEST_ID, "june.csv")
    assert (submission.submitted_count, submission.negative_reversed_count) == (2, 2)
    (result,) = submission.target_group_results.all()
    assert (result.target_group, result.status, result.negative_reversed_count) == (tg, "complete", 2)

    page = pm_client.get(submission.get_absolute_url()).content.decode()
    assert REQUEST_ID in page and "US adults" in page and "Complete" in page
    assert 'hx-trigger="every 2s"' not in page
    listing = pm_client.get(account_url(connection)).content.decode()
    assert "june.csv" in listing and 'hx-trigger="every 2s"' not in listing


def test_ticked_rids_are_sent_with_the_chosen_code(
    pm_client, connection, eligible, tg, cint, django_capture_on_commit_callbacks
):
    counts = supplier_accepts(cint)
    supplier_results(cint, tg, counts)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_confirmed(
            pm_client,
            submit_url(connection),
            {"rids": ["RID-A", "RID-C"], "reason_code": "932", "source": "picked"},
            **HTMX,
        )
    assert "2 RIDs are being sent to the supplier" in response.content.decode()
    assert "reconciliations-changed" in response["HX-Trigger"]
    (post,) = api_calls(cint, "/reconciliations?")
    assert post.request.body == b"RID-A,932\nRID-C,932\n"
    assert "name=cockpit-" in post.request.url


def test_a_processing_submission_stops_polling_when_the_worker_gives_up(
    pm_client, connection, eligible, tg, cint, django_capture_on_commit_callbacks
):
    counts = supplier_accepts(cint, status="processing")
    supplier_results(cint, tg, counts, status="processing")
    with django_capture_on_commit_callbacks(execute=True):
        post_confirmed(pm_client, submit_url(connection), {"lines": "RID-A,11\n", "source": "lines"})
    submission = Submission.objects.get()
    assert submission.state == "processing"
    assert submission.polls == 30  # eager: every retry ran at once, then checking stopped
    assert not submission.is_followed
    html = pm_client.get(submission.get_absolute_url(), **HTMX).content.decode()
    assert 'hx-trigger="every 2s"' not in html and "Check now" in html and "stopped checking" in html
    row = pm_client.get(submission.get_absolute_url(), {"part": "row"}, **HTMX).content.decode()
    assert row.startswith("<tr") and 'hx-trigger="every 2s"' not in row

    cint.replace(responses.GET, f"{DEMAND}/reconciliations/{REQUEST_ID}", json={"status": "complete", **counts})
    with django_capture_on_commit_callbacks(execute=True):
        response = pm_client.post(reverse("reconciliations:check_submission", args=[submission.pk]), follow=True)
    assert "reading the supplier&#x27;s results again" in response.content.decode()
    submission.refresh_from_db()
    assert submission.state == "complete"


def test_a_refused_file_fails_in_words_a_pm_understands(
    pm_client, connection, eligible, cint, django_capture_on_commit_callbacks
):
    cint.post(
        f"{DEMAND}/reconciliations",
        status=400,
        json={"detail": "The reconciliation file is not in the `RID,reason code` format."},
    )
    with django_capture_on_commit_callbacks(execute=True):
        post_confirmed(pm_client, submit_url(connection), {"lines": "RID-A,11\n", "source": "lines"})
    submission = Submission.objects.get()
    assert submission.current_state == "failed" and submission.change.state == "failed"
    html = pm_client.get(submission.get_absolute_url()).content.decode()
    assert "The supplier refused this file, so nothing was reconciled." in html
    assert "not in the `RID,reason code` format" in html
    assert "Correct the lines and submit the file again." in html


def test_rate_limits_and_server_errors_are_retried_with_the_same_key(
    pm_client, connection, eligible, tg, cint, django_capture_on_commit_callbacks
):
    url = f"{DEMAND}/reconciliations"
    cint.post(url, status=429, headers={"Retry-After": "0"}, json={"details": "slow down"})
    cint.post(url, status=503, json={"detail": "maintenance"})
    counts = supplier_accepts(cint)
    supplier_results(cint, tg, counts)
    with django_capture_on_commit_callbacks(execute=True):
        post_confirmed(pm_client, submit_url(connection), {"lines": "RID-A,11\n", "source": "lines"})
    submission = Submission.objects.get()
    posts = api_calls(cint, "/reconciliations?")
    assert len(posts) == 3
    assert {call.request.headers["idempotency-key"] for call in posts} == {str(submission.change.idempotency_key)}
    assert submission.state == "complete" and submission.change.attempts == 3


def test_reason_codes_are_fetched_once_and_cached(pm_client, connection, tg, cint, django_capture_on_commit_callbacks):
    cint.get(
        f"{DEMAND}/reconciliations/reason-codes",
        json={"reconciliation_reasons": [{"code": "11", "name": "Adjusted Complete", "description": "d"}]},
    )
    with django_capture_on_commit_callbacks(execute=True):
        pm_client.get(account_url(connection))
    with django_capture_on_commit_callbacks(execute=True):
        html = pm_client.get(account_url(connection)).content.decode()
    assert len(api_calls(cint, "reason-codes")) == 1
    assert list(connection.reason_codes.values_list("code", "name")) == [("11", "Adjusted Complete")]
    assert "reason codes are being loaded" not in html


def test_the_bad_lines_are_listed_beside_the_box_they_are_corrected_in(pm_client, connection, eligible, cint):
    html = pm_client.post(submit_url(connection), {"lines": "RID-A,11\nRID-B,99\n", "source": "lines"}).content.decode()

    problems, box, table = html.index('id="line-problems"'), html.index("</textarea>"), html.index('id="eligible-rids"')
    assert table < problems < box  # not above the report's rows, but right above the lines box
    assert "Line 2</td>" in html[problems:box]
    assert 'href="#line-problems"' in html[:table]  # the message at the top points down to them


# --- what the file will do, confirmed before it is sent ------------------------------------------


def test_a_file_is_not_sent_before_the_pm_read_what_it_does_to_each_target_group(pm_client, connection, eligible, cint):
    EligibleRid.objects.filter(rid="RID-C").update(status="terminate")
    lines = {"lines": "RID-A,11\nRID-B,11\nRID-C,932\n", "source": "lines"}

    response = pm_client.post(submit_url(connection), lines)

    html = response.content.decode()
    preview = html[html.index('id="reconciliation-preview"') : html.index('id="eligible-rids"')]
    assert "3 RIDs in 1 target group, each found in the eligible-RIDs report." in preview
    assert "a complete becomes a terminate (rejected, off the invoice)" in preview
    assert (
        "<td>US adults</td><td>2 completes become terminates (rejected); 1 terminate or drop becomes a complete: "
        "120 → 119 completes (from the cockpit&#x27;s count now).</td>"
    ) in preview
    assert 'value="lines" id="confirm-yes" class="primary">Yes, send the 3 RIDs</button>' in preview
    assert not Submission.objects.exists() and not RemoteChange.objects.exists()
    assert api_calls(cint) == []


def test_a_file_that_rejects_most_of_a_target_group_s_completes_says_so(pm_client, connection, eligible, tg, cint):
    TargetGroup.objects.filter(pk=tg.pk).update(current_completes=3)

    html = pm_client.post(submit_url(connection), {"lines": "RID-A,11\nRID-B,11\n", "source": "lines"}).content.decode()

    assert "2 completes become terminates (rejected): 3 → 1 completes" in html
    assert "It rejects most of a target group&#x27;s completes. Send it only if that is meant." in html
    assert 'id="confirm-yes" class="danger"' in html


def test_a_confirmation_of_a_file_changed_since_sends_nothing(pm_client, connection, eligible, cint):
    data = {"lines": "RID-A,11\n", "source": "lines"}
    confirmation = preview_of(pm_client.post(submit_url(connection), data))

    response = pm_client.post(submit_url(connection), {**data, "lines": "RID-A,11\nRID-B,11\n", **confirmation})

    html = response.content.decode()
    assert "The list changed since its numbers were shown, so nothing was sent" in html
    assert "Yes, send the 2 RIDs" in html
    assert not Submission.objects.exists() and api_calls(cint) == []


def test_a_file_of_invented_rids_is_refused_as_none_is_a_known_respondent(pm_client, connection, eligible, cint):
    lines = "INVENTED-1,11\nINVENTED-2,11\nINVENTED-3,11\n"

    response = pm_client.post(submit_url(connection), {"lines": lines, "source": "lines", "confirmed": "lines"})

    html = response.content.decode()
    assert (
        "3 lines have problems, so nothing was sent" in html and "INVENTED-3 is not in the eligible-RIDs report" in html
    )
    assert 'name="fingerprint"' not in html
    assert not Submission.objects.exists() and api_calls(cint) == []


def test_the_target_groups_a_done_file_reversed_keep_the_completes_they_were_confirmed_against(
    pm_client, connection, eligible, tg, cint, django_capture_on_commit_callbacks
):
    counts = supplier_accepts(cint)
    supplier_results(cint, tg, counts)
    with django_capture_on_commit_callbacks(execute=True):
        post_confirmed(pm_client, submit_url(connection), {"lines": "RID-A,11\nRID-B,11\n", "source": "lines"})

    (result,) = Submission.objects.get().target_group_results.all()
    assert (result.negative_reversed_count, result.completes_before) == (2, 120)


def test_the_result_of_a_file_is_told_by_e_mail_for_each_target_group(
    pm_client, pm, connection, eligible, tg, cint, django_capture_on_commit_callbacks
):
    pm.email = "pat@example.com"
    pm.save()
    counts = supplier_accepts(cint)
    supplier_results(cint, tg, counts)
    with django_capture_on_commit_callbacks(execute=True):
        post_confirmed(
            pm_client, submit_url(connection), {"lines": "RID-A,11\n", "name": "june.csv", "source": "lines"}
        )

    from django.core import mail

    (told,) = [m for m in mail.outbox if "Reconciliation “june.csv” is done" in m.body]
    assert "“US adults”: 2 submitted, 2 negative reversed." in told.body
    assert told.to == ["pat@example.com"]
