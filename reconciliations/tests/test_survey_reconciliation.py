"""Reconciling one survey by a list of ids: every bad line by its number, nothing sent while one is bad."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import SupplierKind
from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from reconciliations.models import SurveyReconciliation
from reconciliations.survey import check_ids
from suppliers.adapter import Capabilities, IdListReconciliation, SupplierAdapter
from suppliers.registry import ADAPTERS
from sync.models import RemoteChange

pytestmark = pytest.mark.django_db

UIDS = IdListReconciliation(id_word="UID", contact_email=True, max_ids=3)


class ListsOnly(SupplierAdapter):
    kind = SupplierKind.AUDIENCE_ALIGN
    capabilities = Capabilities(id_reconciliation=UIDS)


@pytest.fixture
def tg(monkeypatch):
    monkeypatch.setitem(ADAPTERS, ListsOnly.kind, ListsOnly)
    return TargetGroupFactory(project__connection=ConnectionFactory(kind=SupplierKind.AUDIENCE_ALIGN, account_id="9"))


def url(tg):
    return reverse("reconciliations:survey", args=[tg.pk])


def test_every_bad_line_is_reported_by_its_number():
    result = check_ids("uid\nj8G7Y170924878\n\nbad id!\nj8G7Y170924878\nA1,A2\nZ5hjB1709\n", UIDS)

    assert [(p.number, p.message) for p in result.problems] == [
        (4, "“bad id!” does not look like a UID (letters, digits, - _ . : only)."),
        (5, "The same UID as line 2."),
        (6, "Put one UID per line, with nothing else on it."),
    ]
    assert result.ids == ["j8G7Y170924878", "Z5hjB1709"]  # the header line and blank lines are skipped


def test_more_ids_than_the_supplier_takes_at_once_are_refused():
    result = check_ids("a\nb\nc\nd\n", UIDS)

    assert not result.ok
    assert "4 UIDs: the supplier takes at most 3 at once" in result.problems[0].message


def test_a_list_with_a_bad_line_sends_nothing_and_keeps_what_was_typed(pm_client, tg):
    response = pm_client.post(url(tg), {"ids": "A1\nA1\n", "contact_email": "pm@example.com"})

    html = response.content.decode()
    assert response.status_code == 400
    assert "The same UID as line 1." in html and "Line 2" in html
    assert "A1\nA1" in html  # the input comes back as it was
    assert not SurveyReconciliation.objects.exists() and not RemoteChange.objects.exists()


def test_the_contact_email_is_asked_for_where_the_supplier_wants_one(pm_client, tg):
    response = pm_client.post(url(tg), {"ids": "A1\n"}, headers={"HX-Request": "true"})

    assert "The supplier asks for an e-mail address to write to" in response.content.decode()
    assert not SurveyReconciliation.objects.exists()


def test_an_uploaded_file_comes_back_in_the_box_when_a_line_is_bad(pm_client, tg):
    upload = SimpleUploadedFile("uids.csv", b"uid\nA1\nnot ok\n", content_type="text/csv")

    response = pm_client.post(url(tg), {"upload": upload, "contact_email": "pm@example.com"})

    html = response.content.decode()
    assert "Line 3" in html and "A1\nnot ok" in html
    assert not SurveyReconciliation.objects.exists()


def test_a_good_list_is_recorded_and_sent_through_the_outbox(pm_client, tg, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        response = pm_client.post(url(tg), {"ids": "A1\nB2\n", "contact_email": "pm@example.com"})

    row = SurveyReconciliation.objects.get()
    assert response.status_code == 302
    assert (row.ids, row.contact_email, row.state) == (["A1", "B2"], "pm@example.com", "sending")
    assert row.change.kind == "submit_survey_reconciliation" and row.change.state == RemoteChange.State.PENDING
    assert row.change.summary == "Reconcile 2 UIDs (pasted)"


def test_viewers_see_the_page_but_cannot_submit(viewer_client, tg):
    assert viewer_client.get(url(tg)).status_code == 200
    response = viewer_client.post(url(tg), {"ids": "A1\n", "contact_email": "pm@example.com"})

    assert response.status_code == 403
    assert not SurveyReconciliation.objects.exists()


def test_a_supplier_that_does_not_reconcile_by_lists_has_no_such_page(pm_client):
    cint_tg = TargetGroupFactory()

    assert pm_client.get(url(cint_tg)).status_code == 404
