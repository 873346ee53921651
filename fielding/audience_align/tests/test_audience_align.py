"""Audience-Align's own pages and changes, against the sandbox on a live server: a new survey from the
form (what the supplier would refuse is refused next to the field first), qualifications added,
changed and deleted, LOI and CPI, exclusions of finished surveys only, status changes, a closed
survey that offers nothing more, and the master data the form is built from."""

import pytest
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from fielding.audience_align import surveys as aa
from fielding.models import AudienceAlignMasterData
from fielding.tests.aa_sandbox import form_data, new_url, sandbox, settled, surveys, today  # noqa: F401  (fixtures)
from quotas.models import Profile
from sandbox.faults import set_faults
from sandbox.models import AaSurvey, AppliedRequest
from sync.models import RemoteChange
from sync.pull import sync_connection

# --- master data ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_master_data_is_kept_and_refreshed_daily(sandbox):
    kinds = set(AudienceAlignMasterData.objects.filter(connection=sandbox).values_list("kind", flat=True))

    assert kinds == {"country", "language", "study_category", "vertical", "qualifications"}
    assert ("229", "United States") in aa.choices(sandbox, aa.Kind.COUNTRY)
    assert {q["Name"] for q in aa.standard_qualifications(sandbox, "229", "5")} >= {"AGE", "GENDER", "ZIP"}
    assert aa.locale(sandbox, "229", "5") == "eng_us"


@pytest.mark.django_db
def test_the_master_data_refresh_is_scheduled_daily():
    task = PeriodicTask.objects.get(task="fielding.tasks.refresh_audience_align_master_data")
    assert (task.interval.every, task.interval.period) == (1, "days") and task.enabled


# --- a new survey ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"audience": "b2b", "cpi": "5.99"}, "cpi", "at least 6 for B2B"),
        ({"cpi": "1.74"}, "cpi", "at least 1.75 for B2C"),
        ({"start": today(-1)}, "start", "today or later"),
        ({"end": today()}, "end", "after the start date"),
        ({"live_url": "https://survey.example.com/s"}, "live_url", "[identifier]"),
        ({"test_url": "https://survey.example.com/t"}, "test_url", "[identifier]"),
        ({"loi": "twelve"}, "loi", "Enter a number"),
        ({"name": ""}, "name", "Give the survey a name"),
        ({"q_42": "18-34, 60-40"}, "q_42", "ranges must run upwards"),
    ],
)
def test_the_form_refuses_what_audience_align_would_next_to_the_field(sandbox, pm_client, change, field, words):
    response = pm_client.post(new_url(sandbox), form_data(**change))

    html = response.content.decode()
    assert response.status_code == 400
    section = html[html.index(f'id="field-{field}"') :]
    assert words in section[: section.index("</div>\n")].replace("&#x27;", "'")
    assert "Snacks wave 2" in html or field == "name"  # what was typed stays
    assert not RemoteChange.objects.exists() and not AaSurvey.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_pm_creates_a_survey_that_audience_align_then_holds(sandbox, pm_client):
    response = pm_client.post(new_url(sandbox), form_data())

    change = RemoteChange.objects.get(kind="aa_create_survey")
    assert settled(change).state == "applied", change.message
    tg = change.target_group
    tg.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == tg.get_absolute_url()
    survey = AaSurvey.objects.get(project_id=tg.remote_id)
    assert (survey.name, survey.cpi, survey.complete_needed, survey.status) == ("Snacks wave 2", 2.5, 200, 2)
    qualifications = [(q.code, q.target_keys()) for q in survey.qualifications.all()]
    assert qualifications == [(42, ["18-34", "35-54"]), (43, ["1", "2"])]

    sync_connection(sandbox)
    tg.refresh_from_db()
    assert (tg.status, tg.status_label) == ("paused", "Inactive")
    assert set(Profile.objects.filter(target_group=tg).values_list("name", flat=True)) == {"GENDER", "AGE"}


@pytest.mark.django_db(transaction=True)
def test_feasibility_is_asked_with_the_inputs_shown(sandbox, pm_client):
    response = pm_client.post(new_url(sandbox), {**form_data(), "feasibility": "1"})

    html = response.content.decode()
    assert response.status_code == 200 and not AaSurvey.objects.exists()
    assert "Feasible:" in html and "eng_us" in html and "2 qualifications" in html
    incomplete = pm_client.post(new_url(sandbox), {**form_data(loi=""), "feasibility": "1"}).content.decode()
    assert "to check feasibility" in incomplete


@pytest.mark.django_db(transaction=True)
def test_a_viewer_cannot_create_a_survey(sandbox, viewer_client):
    assert viewer_client.post(new_url(sandbox), form_data()).status_code == 403
    assert not RemoteChange.objects.exists()


# --- a live survey ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_cockpit_shows_the_survey_in_audience_align_s_words(surveys, pm_client):
    tg = surveys["Live survey"]

    html = pm_client.get(tg.get_absolute_url()).content.decode()

    assert tg.status == "live" and "Active" in html
    assert "United States · English" in html and "100 remaining" in html
    for action in ("Deactivate", "Complete", "Close"):
        assert f'id="status-{action.lower()}"' in html
    assert "Closing is final" in html


@pytest.mark.django_db(transaction=True)
def test_qualifications_are_added_changed_and_deleted(surveys, pm_client):
    tg = surveys["Live survey"]

    pm_client.post(reverse("fielding:aa_qualification_add", args=[tg.pk]), {"question": "96", "q_96": ["1", "4"]})
    added = settled(RemoteChange.objects.get(kind="add_qualification"))
    region = Profile.objects.get(target_group=tg, remote_id="96", vanished_at__isnull=True)
    assert added.state == "applied" and [c["text"] for c in region.conditions] == ["Northeast", "West"]
    assert not Profile.objects.filter(target_group=tg, remote_id__startswith="pending-").exists()

    url = reverse("fielding:aa_qualification_change", args=[tg.pk, region.pk])
    pm_client.post(url, {f"p{region.pk}-q_96": ["2"]})
    assert settled(RemoteChange.objects.get(kind="update_qualification")).state == "applied"
    survey = AaSurvey.objects.get(project_id=tg.remote_id)
    assert survey.qualifications.get(code=96).target_keys() == ["2"]

    pm_client.post(reverse("fielding:aa_qualification_delete", args=[tg.pk, region.pk]))
    assert settled(RemoteChange.objects.get(kind="delete_qualification")).state == "applied"
    assert not survey.qualifications.filter(code=96).exists()
    assert Profile.objects.get(pk=region.pk).vanished_at is not None


@pytest.mark.django_db(transaction=True)
def test_an_existing_qualification_is_refused_in_words_and_the_page_shows_the_supplier_s_truth(surveys, pm_client):
    tg = surveys["Live survey"]
    AaSurvey.objects.get(project_id=tg.remote_id).qualifications.create(
        code=96, name="REGION", kind="conditions", targets=[{"code": "3", "name": "South"}], position=5
    )

    pm_client.post(reverse("fielding:aa_qualification_add", args=[tg.pk]), {"question": "96", "q_96": ["1"]})

    change = settled(RemoteChange.objects.get(kind="add_qualification"))
    assert change.state == "failed" and "Qualification Already exists" in change.message
    assert [c["text"] for c in Profile.objects.get(target_group=tg, remote_id="96").conditions] == ["South"]


@pytest.mark.django_db(transaction=True)
def test_loi_and_cpi_are_changed_at_the_supplier(surveys, pm_client):
    tg = surveys["Live survey"]

    pm_client.post(reverse("fielding:aa_settings", args=[tg.pk]), {"loi": "14", "cpi": "3.25"})

    assert {settled(c).state for c in RemoteChange.objects.filter(kind__in=["set_loi", "set_cpi"])} == {"applied"}
    survey = AaSurvey.objects.get(project_id=tg.remote_id)
    assert (survey.loi, str(survey.cpi)) == (14, "3.25")


@pytest.mark.django_db(transaction=True)
def test_only_finished_surveys_can_be_excluded_and_exclusions_are_removed(surveys, pm_client):
    tg, finished, other = surveys["Live survey"], surveys["Finished wave"], surveys["Other live"]

    search = reverse("fielding:aa_exclusions_search", args=[tg.pk])
    html = pm_client.get(search, {"q": "other"}).content.decode()
    assert f'value="{other.pk}" disabled' in html and "Active: only completed or closed surveys can be excluded" in html
    refused = pm_client.post(reverse("fielding:aa_exclusions_add", args=[tg.pk]), {"surveys": [str(other.pk)]})
    assert refused.status_code == 400 and not RemoteChange.objects.exists()
    assert "“Other live” cannot be excluded: Active" in refused.content.decode()

    pm_client.post(reverse("fielding:aa_exclusions_add", args=[tg.pk]), {"surveys": [str(finished.pk)]})
    assert settled(RemoteChange.objects.get(kind="aa_add_exclusions")).state == "applied"
    survey = AaSurvey.objects.get(project_id=tg.remote_id)
    assert list(survey.exclusions.values_list("excluded__project_id", flat=True)) == [finished.remote_id]
    sync_connection(tg.project.connection, target_group=tg)
    assert "Finished wave" in pm_client.get(tg.get_absolute_url()).content.decode()

    pm_client.post(reverse("fielding:aa_exclusion_remove", args=[tg.pk, finished.remote_id]))
    assert settled(RemoteChange.objects.get(kind="aa_remove_exclusion")).state == "applied"
    assert not survey.exclusions.exists()


@pytest.mark.django_db(transaction=True)
def test_a_closed_survey_offers_no_changes_and_refuses_them_before_sending(surveys, pm_client):
    tg = surveys["Live survey"]

    pm_client.post(reverse("fielding:status_action", args=[tg.pk, "close"]), {"confirmed": "1"})
    assert settled(RemoteChange.objects.get(kind="change_status")).state == "applied"
    assert AaSurvey.objects.get(project_id=tg.remote_id).status == 5
    tg.refresh_from_db()
    assert (tg.status, tg.status_label) == ("closed", "Closed")

    html = pm_client.get(tg.get_absolute_url()).content.decode()
    assert "this survey takes no more changes" in html
    for control in ("Save goals", "Change LOI / CPI", "Add qualification", "status-activate", "Interlock</button>"):
        assert control not in html, control
    response = pm_client.post(reverse("fielding:aa_settings", args=[tg.pk]), {"loi": "20", "cpi": "3"}, follow=True)
    assert "takes no more changes, so nothing was sent" in response.content.decode()
    assert RemoteChange.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_survey_whose_answer_was_lost_is_found_and_not_created_twice(sandbox, pm_client):
    set_faults(lost_response_rate=1.0)

    pm_client.post(new_url(sandbox), form_data())

    change = settled(RemoteChange.objects.get(kind="aa_create_survey"))
    assert change.state == "applied" and "already had this survey" in change.message
    assert AaSurvey.objects.count() == 1
    change.target_group.refresh_from_db()
    assert change.target_group.remote_id == AaSurvey.objects.get().project_id


@pytest.mark.django_db(transaction=True)
def test_a_qualification_whose_answer_was_lost_is_not_added_twice(surveys, pm_client):
    tg = surveys["Live survey"]
    set_faults(lost_response_rate=1.0)

    pm_client.post(reverse("fielding:aa_qualification_add", args=[tg.pk]), {"question": "96", "q_96": ["3"]})

    change = settled(RemoteChange.objects.get(kind="add_qualification"))
    assert change.state == "applied" and change.attempts == 2 and "already had this qualification" in change.message
    applied = AppliedRequest.objects.filter(supplier="audience_align", path__contains="save_qualification")
    assert applied.count() == 1
