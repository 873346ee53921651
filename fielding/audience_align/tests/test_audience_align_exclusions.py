"""A survey's exclusions are picked by searching the account's other surveys, a page of matches at most: the
survey's page costs the same with 5 other surveys or 60, the search finds by name and by id, a ticked survey is
excluded at the supplier, and a survey that may not be excluded is refused in words with nothing sent or lost."""

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fielding.audience_align import surveys as aa
from fielding.tests.aa_sandbox import sandbox, settled, surveys  # noqa: F401  (fixtures)
from projects.models import PENDING_PREFIX, SupplierKind, TargetGroup
from projects.tests.factories import ConnectionFactory, ProjectFactory, TargetGroupFactory
from sandbox.models import AaSurvey
from sync.models import RemoteChange

HTMX = {"HTTP_HX_REQUEST": "true"}
TICK = 'name="surveys"'


@pytest.fixture
def account(db):
    """An Audience-Align account's one project of surveys, and the live survey whose page is looked at."""
    connection = ConnectionFactory(kind=SupplierKind.AUDIENCE_ALIGN, account_id="aa-1", label="AA")
    project = ProjectFactory(connection=connection, remote_id="surveys", name="AA surveys")
    return TargetGroupFactory(project=project, name="Snacks wave 3", remote_id="S-100")


def finished(tg, count, start=0, status=TargetGroup.Status.COMPLETED):
    return [
        TargetGroupFactory(project=tg.project, name=f"Snacks wave {n + 1} old", remote_id=f"S-{n + 1}", status=status)
        for n in range(start, start + count)
    ]


def search(client, tg, query):
    return client.get(reverse("fielding:aa_exclusions_search", args=[tg.pk]), {"q": query}, **HTMX)


def queries(fn):
    with CaptureQueriesContext(db) as captured:
        response = fn()
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


@pytest.mark.django_db
def test_the_survey_page_and_its_search_cost_the_same_at_5_and_at_60_surveys(pm_client, account):
    finished(account, 5)
    few_page, page = queries(lambda: pm_client.get(account.get_absolute_url()))
    few_search, found = queries(lambda: search(pm_client, account, "old"))
    assert found.count(TICK) == 5

    finished(account, 55, start=5)
    many_page, page_60 = queries(lambda: pm_client.get(account.get_absolute_url()))
    many_search, found_60 = queries(lambda: search(pm_client, account, "old"))

    assert (many_page, many_search) == (few_page, few_search)
    assert TICK not in page_60 and 'id="aa-exclusion-q"' in page_60  # a search box, no list of every survey
    assert len(page_60) == len(page)
    assert found_60.count(TICK) == 20 and "Only the first 20 are shown" in found_60


@pytest.mark.django_db
def test_the_search_finds_by_name_and_id_and_says_why_a_survey_cannot_be_excluded(pm_client, account):
    (wave_1,) = finished(account, 1)
    (live,) = finished(account, 1, start=1, status=TargetGroup.Status.LIVE)
    (excluded,) = finished(account, 1, start=2)
    aa.store_exclusions(account, [excluded.remote_id])
    TargetGroupFactory(project=account.project, name="Snacks wave 9 old", remote_id=f"{PENDING_PREFIX}9")
    elsewhere = ProjectFactory(connection=ConnectionFactory(kind=SupplierKind.AUDIENCE_ALIGN, account_id="aa-2"))
    TargetGroupFactory(project=elsewhere, name="Snacks wave 8 old", remote_id="S-8", status="completed")

    by_name = search(pm_client, account, "wave 1").content.decode()
    assert f'value="{wave_1.pk}"> Snacks wave 1 old' in by_name and "AA surveys · S-1" in by_name
    assert f'value="{wave_1.pk}"' in search(pm_client, account, "s-1").content.decode()
    everything = search(pm_client, account, "snacks").content.decode()
    assert everything.count(TICK) == 2  # not itself, not one excluded already, being created, or another account's
    assert f'value="{live.pk}" disabled' in everything
    assert "Live: only completed or closed surveys can be excluded" in everything
    assert "No other survey of this account" in search(pm_client, account, "S-100").content.decode()

    page = pm_client.get(reverse("fielding:aa_exclusions_search", args=[account.pk]), {"q": "wave 1"})
    assert page.status_code == 200 and f'value="{wave_1.pk}"' in page.content.decode()  # without JavaScript
    listed = pm_client.get(account.get_absolute_url()).content.decode()
    assert "Snacks wave 3 old" in listed and "AA surveys · S-3" in listed  # what is excluded, by name and project


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("whose", "words"),
    [
        ("itself", "No other survey of this account has the number"),
        ("live", "“Snacks wave 2 old” cannot be excluded: Live: only completed or closed surveys can be excluded."),
        ("excluded already", "“Snacks wave 3 old” is excluded already."),
        ("being created", "No other survey of this account has the number"),
        ("other account", "No other survey of this account has the number"),
        ("not a number", "No other survey of this account has the number x%00"),
    ],
)
def test_a_survey_that_may_not_be_excluded_is_refused_in_words_and_nothing_is_lost(pm_client, account, whose, words):
    (wave_1,) = finished(account, 1)
    (live,) = finished(account, 1, start=1, status=TargetGroup.Status.LIVE)
    (excluded,) = finished(account, 1, start=2)
    aa.store_exclusions(account, [excluded.remote_id])
    elsewhere = ProjectFactory(connection=ConnectionFactory(kind=SupplierKind.AUDIENCE_ALIGN, account_id="aa-2"))
    bad = {
        "itself": account.pk,
        "live": live.pk,
        "excluded already": excluded.pk,
        "being created": TargetGroupFactory(project=account.project, remote_id=f"{PENDING_PREFIX}9").pk,
        "other account": TargetGroupFactory(project=elsewhere, status="completed").pk,
        "not a number": "x%00",
    }[whose]

    response = pm_client.post(
        reverse("fielding:aa_exclusions_add", args=[account.pk]),
        {"surveys": [str(wave_1.pk), str(bad)], "q": "snacks"},
        **HTMX,
    )

    html = response.content.decode()
    assert words in html[html.index('id="aa-exclusion-errors"') :]
    assert f'value="{wave_1.pk}" checked' in html  # the search and the ticks come back
    assert not RemoteChange.objects.exists()
    account.refresh_from_db()
    assert account.details["exclusions"] == [excluded.remote_id]


@pytest.mark.django_db(transaction=True)
def test_a_survey_found_by_its_id_is_excluded_at_the_supplier(surveys, pm_client):  # noqa: F811
    tg, wave = surveys["Live survey"], surveys["Finished wave"]

    found = search(pm_client, tg, wave.remote_id).content.decode()
    assert f'value="{wave.pk}"> Finished wave' in found
    pm_client.post(reverse("fielding:aa_exclusions_add", args=[tg.pk]), {"surveys": [str(wave.pk)]}, **HTMX)

    assert settled(RemoteChange.objects.get(kind="aa_add_exclusions")).state == "applied"
    survey = AaSurvey.objects.get(project_id=tg.remote_id)
    assert list(survey.exclusions.values_list("excluded__project_id", flat=True)) == [wave.remote_id]
    assert f'value="{wave.pk}"' not in search(pm_client, tg, wave.remote_id).content.decode()  # not offered again
