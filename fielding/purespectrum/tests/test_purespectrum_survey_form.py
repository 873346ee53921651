"""A new PureSpectrum survey from the cockpit's form: what PureSpectrum would reject is refused next
to its field with the input kept and nothing sent; a good form becomes the Buy API's body, recorded
as a draft whose create goes through the outbox, and whose page offers to go live."""

import pytest
from django.urls import reverse

from projects.models import SupplierKind, TargetGroup
from projects.tests.factories import ConnectionFactory, ProjectFactory, TargetGroupFactory
from sync.models import RemoteChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    connection = ConnectionFactory(kind=SupplierKind.PURESPECTRUM, account_id="sandbox", label="PureSpectrum")
    return ProjectFactory(connection=connection, remote_id="surveys", name="PureSpectrum surveys")


def url(project):
    return reverse("fielding:ps_survey_create", args=[project.pk])


def form(**changes):
    data = {
        "survey_title": "US gamers",
        "survey_localization": "en_US",
        "completes_required": "300",
        "expected_ir": "35",
        "expected_loi": "12",
        "field_time": "10",
        "offer_price": "2.80",
        "live_url": "https://survey.example.com/s?tid=[%%transaction_id%%]",
        "test_url": "https://survey.example.com/s?tid=[%%transaction_id%%]&test=1",
        "gender_male": "on",
        "gender_female": "on",
        "quota_male": "150",
        "quota_female": "150",
        "age_from_1": "18",
        "age_to_1": "34",
        "quota_age_1": "120",
        "age_from_2": "35",
        "age_to_2": "54",
        "region_west": "on",
        "quota_west": "100",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_project_page_offers_a_new_survey_to_a_pm(pm_client, project):
    assert url(project) in pm_client.get(project.get_absolute_url()).content.decode()


def test_a_good_form_becomes_purespectrums_body_on_a_draft_sent_through_the_outbox(pm_client, project):
    response = pm_client.post(url(project), form())

    tg = TargetGroup.objects.get(name="US gamers")
    assert response.status_code == 302 and response.url == tg.get_absolute_url()
    assert tg.status == "draft" and tg.is_pending and tg.filling_goal == 300
    change = RemoteChange.objects.get()
    body = change.payload["body"]
    assert change.kind == "ps_create_survey" and change.target_group == tg
    assert body["qualifications"][0] == {"qualification_code": 211, "condition_codes": ["111", "112"]}
    assert body["qualifications"][1] == {
        "qualification_code": 212,
        "range_sets": [{"from": 18, "to": 34, "units": 311}, {"from": 35, "to": 54, "units": 311}],
    }
    assert [q["buyer_quota_id"] for q in body["quotas"]] == ["male", "female", "age-18-34", "west"]
    assert body["quotas"][3]["quota_title"] == "West" and "5" in body["quotas"][3]["criteria"][0]["condition_codes"]
    assert body["offer_price"] == 2.8


def test_the_drafts_page_shows_its_quotas_in_words_and_offers_to_go_live(pm_client, project):
    pm_client.post(url(project), form())
    tg = TargetGroup.objects.get(name="US gamers")
    tg.remote_id = "901"  # created at PureSpectrum
    tg.save()

    html = pm_client.get(tg.get_absolute_url()).content.decode()

    assert "Quotas of this draft" in html and "Age: 18–34" in html and "State: Alaska or Arizona" in html
    assert 'id="status-launch"' in html and "Go live" in html


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"age_from_2": "30"}, "age_from_2", "This range overlaps age range 1."),
        ({"age_to_1": "12"}, "age_to_1", "Ages run from 13 to 99, the first no higher than the second."),
        ({"age_to_2": None}, "age_to_2", "Give both ends of the range."),
        ({"quota_male": "301"}, "quota_male", "A quota cannot be above the completes goal (300)."),
        ({"gender_male": None}, "quota_male", "Tick Male to give it a quota."),
        ({"gender_male": None, "gender_female": None, "quota_male": None, "quota_female": None},
         "gender_male", "Choose at least one gender."),
        ({"quota_south": "10"}, "quota_south", "Tick the South to give it a quota."),
        ({"expected_ir": "0"}, "expected_ir", "At least 1."),
        ({"offer_price": "0"}, "offer_price", "The CPI must be at least 0.01."),
        ({"live_url": "survey.example.com"}, "live_url", "Enter the full link, starting with https://."),
    ],
)  # fmt: skip
def test_what_purespectrum_would_reject_is_refused_next_to_the_field(pm_client, project, changes, field, error):
    response = pm_client.post(url(project), form(**changes))

    html = response.content.decode()
    assert response.status_code == 400
    assert f'id="field-{field}"' in html and error.replace("'", "&#x27;") in html
    assert 'value="US gamers"' in html  # the input comes back as it was
    assert not TargetGroup.objects.exists() and not RemoteChange.objects.exists()


def test_a_title_the_connection_already_has_is_refused(pm_client, project):
    TargetGroupFactory(project=project, name="US gamers")

    html = pm_client.post(url(project), form()).content.decode()

    assert "This connection already has a survey with this title" in html
    assert not RemoteChange.objects.exists()


def test_a_viewer_cannot_create_a_survey(viewer_client, project):
    assert viewer_client.post(url(project), form()).status_code == 403
    assert not RemoteChange.objects.exists()


def test_a_cint_project_gets_no_purespectrum_form(pm_client):
    cint = ProjectFactory()

    response = pm_client.get(url(cint), follow=True)

    assert "are not made here" in response.content.decode()
