"""Reconciling one survey by a list of ids: every bad line by its number, nothing sent while one is bad,
and nothing before the PM confirmed what the list does to the survey's completes."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from projects.models import SupplierKind
from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from reconciliations.models import SurveyReconciliation
from reconciliations.survey import check_ids
from suppliers.adapter import Capabilities, IdListReconciliation, SupplierAdapter
from suppliers.registry import ADAPTERS
from sync.models import RemoteChange

from .confirming import post_confirmed, preview_of

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
        response = post_confirmed(pm_client, url(tg), {"ids": "A1\nB2\n", "contact_email": "pm@example.com"})

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


# --- what the list will do, confirmed before it is sent --------------------------------------------


@pytest.fixture
def live_tg(tg):
    tg.current_completes, tg.last_read_at = 238, timezone.now() - timedelta(minutes=2)
    tg.save(update_fields=["current_completes", "last_read_at"])
    return tg


def test_a_list_is_not_sent_before_the_pm_has_read_what_it_does_to_the_completes(pm_client, live_tg):
    response = pm_client.post(url(live_tg), {"ids": "X1\nX2\nX3\n", "contact_email": "pm@example.com"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "3 UIDs listed." in html and "cannot check them against the survey&#x27;s completes" in html
    assert "The survey has 238 completes (read 2\xa0minutes ago)" in html
    assert "at most 3 of them stay completes, and the others, at least 235 of the 238, become rejections" in html
    assert "This list leaves out most of the survey&#x27;s completes." in html
    assert 'id="confirm-yes" class="danger">Yes, send the 3 UIDs</button>' in html
    assert "X1\nX2\nX3" in html  # the list stays in the box it is confirmed from
    assert not SurveyReconciliation.objects.exists() and not RemoteChange.objects.exists()


def test_the_confirmation_sends_the_list_it_was_shown_for_with_the_completes_it_started_from(pm_client, live_tg):
    response = post_confirmed(pm_client, url(live_tg), {"ids": "X1\nX2\nX3\n", "contact_email": "pm@example.com"})

    row = SurveyReconciliation.objects.get()
    assert response.status_code == 302
    assert (row.ids, row.completes_before, row.change.state) == (["X1", "X2", "X3"], 238, "pending")


def test_a_confirmation_of_a_list_changed_since_sends_nothing_and_shows_the_new_numbers(pm_client, live_tg):
    data = {"ids": "X1\nX2\nX3\n", "contact_email": "pm@example.com"}
    confirmation = preview_of(pm_client.post(url(live_tg), data))

    response = pm_client.post(url(live_tg), {**data, "ids": "X1\n", **confirmation})

    html = response.content.decode()
    assert "The list changed since its numbers were shown, so nothing was sent" in html
    assert "at least 237 of the 238" in html and "Yes, send the 1 UID<" in html
    assert not SurveyReconciliation.objects.exists() and not RemoteChange.objects.exists()


def test_a_list_for_a_survey_the_cockpit_read_without_completes_is_refused(pm_client, tg):
    tg.current_completes, tg.last_read_at = 0, timezone.now()
    tg.save(update_fields=["current_completes", "last_read_at"])

    response = pm_client.post(url(tg), {"ids": "X1\n", "contact_email": "pm@example.com", "confirmed": "1"})

    html = response.content.decode()
    assert response.status_code == 400
    assert "The survey has no completes (read 0\xa0minutes ago), so none of these UIDs can be one." in html
    assert 'name="confirmed"' not in html
    assert not SurveyReconciliation.objects.exists() and not RemoteChange.objects.exists()


def test_where_the_completes_were_never_read_the_preview_says_so_instead_of_numbers(pm_client, tg):
    tg.synced_at = tg.last_read_at = None
    tg.save(update_fields=["synced_at", "last_read_at"])

    html = pm_client.post(url(tg), {"ids": "X1\n", "contact_email": "pm@example.com"}).content.decode()

    assert "The cockpit has not read this survey&#x27;s completes yet, so it cannot say how many" in html
    assert "The survey has" not in html and "Yes, send the 1 UID<" in html


def test_a_file_s_name_is_kept_while_its_list_waits_for_the_confirmation(pm_client, live_tg):
    upload = SimpleUploadedFile("wave-1.csv", b"uid\nX1\nX2\n", content_type="text/csv")
    shown = pm_client.post(url(live_tg), {"upload": upload, "contact_email": "pm@example.com"})

    data = {"ids": "uid\nX1\nX2\n", "file_name": "wave-1.csv", "contact_email": "pm@example.com", **preview_of(shown)}
    pm_client.post(url(live_tg), data)

    assert SurveyReconciliation.objects.get().name == "wave-1.csv"


def test_a_sent_list_shows_in_the_submitted_lists_without_a_reload(pm_client, live_tg):
    response = post_confirmed(
        pm_client, url(live_tg), {"ids": "X1\nX2\n", "contact_email": "pm@example.com"}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    row = SurveyReconciliation.objects.get()
    listing = html[html.index('<section class="card" id="survey-reconciliations" hx-swap-oob="true">') :]
    assert f'id="survey-reconciliation-{row.pk}"' in listing and "2 UIDs" in listing
    assert 'name="fingerprint"' not in html and "X1\nX2" not in html  # the form is empty again
