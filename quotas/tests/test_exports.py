"""The quotas CSV of a target group: every quota and interlock cell with its goal and fill, for
every supplier, safe to open in a spreadsheet, for anyone who can see the target group."""

import csv
import io

import pytest
from django.urls import reverse

from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from quotas.tests.factories import InterlockCellFactory, InterlockedProfileFactory, ProfileFactory, QuotaFactory

pytestmark = pytest.mark.django_db
SUPPLIERS = {
    "cint": {"account_id": "1001"},
    "purespectrum": {"account_id": "sandbox"},
    "audience_align": {"account_id": "aa-client"},
}


def download(client, tg):
    response = client.get(reverse("quotas:quotas_csv", args=[tg.pk]))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return response, list(csv.DictReader(io.StringIO(text)))


def target_group(kind):
    connection = ConnectionFactory(kind=kind, label=kind, **SUPPLIERS[kind])
    tg = TargetGroupFactory(project__connection=connection, name="US adults", filling_goal=400)
    age = ProfileFactory(target_group=tg, name="AGE", question_id=42)
    QuotaFactory(profile=age, text="18-24", completes_goal=100, completes=100, prescreens=150, quota=25)
    QuotaFactory(profile=age, text="25-34", completes_goal=300, completes=30, prescreens=90, quota=75, traffic_cap=120)
    interlock = InterlockedProfileFactory(target_group=tg, name="AGE × GENDER")
    InterlockCellFactory(interlocked_profile=interlock, text="18-24, Male", completes_goal=50, completes=7)
    return tg


@pytest.mark.parametrize("kind", list(SUPPLIERS))
def test_the_quotas_csv_has_every_quota_and_cell_with_goal_and_fill(viewer_client, kind):
    tg = target_group(kind)
    response, rows = download(viewer_client, tg)
    assert 'filename="us-adults-quotas.csv"' in response["Content-Disposition"]
    by_quota = {row["Quota"]: row for row in rows}
    assert set(by_quota) == {"18-24", "25-34", "18-24, Male"}
    young, older, cell = by_quota["18-24"], by_quota["25-34"], by_quota["18-24, Male"]
    assert (young["Profile"], young["Goal"], young["Completes"], young["Fill (%)"]) == ("AGE", "100", "100", "100")
    assert (older["Goal"], older["Completes"], older["Fill (%)"], older["Remaining"]) == ("300", "30", "10", "270")
    assert older["Share of the target group (%)"] == "75" and older["Prescreens"] == "90"
    assert (cell["Profile"], cell["Kind"]) == ("Interlock: AGE × GENDER", "interlock cell")
    assert (cell["Goal"], cell["Completes"]) == ("50", "7")
    # The current target is a column only where the supplier caps traffic (PureSpectrum).
    assert ("Current target" in rows[0]) == tg.capabilities.traffic_caps
    if tg.capabilities.traffic_caps:
        assert older["Current target"] == "120" and young["Current target"] == ""


@pytest.mark.parametrize("kind", list(SUPPLIERS))
def test_the_cockpit_links_the_quotas_csv_next_to_the_profiles(viewer_client, kind):
    tg = target_group(kind)
    html = viewer_client.get(reverse("quotas:profiles", args=[tg.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert f'href="{reverse("quotas:quotas_csv", args=[tg.pk])}"' in html


def test_cells_that_look_like_formulas_are_kept_as_text(viewer_client):
    tg = TargetGroupFactory(name="=cmd|' /C calc'!A0")
    profile = ProfileFactory(target_group=tg, name="+SUM(A1:A9)")
    for text in ('=HYPERLINK("http://evil.example")', "-2+3", "@SUM(1)", "\tTab", "\rReturn", "Plain"):
        QuotaFactory(profile=profile, text=text, completes_goal=10, completes=0)
    _, rows = download(viewer_client, tg)
    texts = {row["Quota"] for row in rows}
    assert texts == {'\'=HYPERLINK("http://evil.example")', "'-2+3", "'@SUM(1)", "'\tTab", "'\rReturn", "Plain"}
    assert {row["Profile"] for row in rows} == {"'+SUM(A1:A9)"}
    assert {row["Goal"] for row in rows} == {"10"}  # numbers stay numbers


def test_someone_logged_out_gets_the_login_page_not_the_csv(client):
    tg = target_group("cint")
    response = client.get(reverse("quotas:quotas_csv", args=[tg.pk]))
    assert response.status_code == 302 and "/login" in response["Location"]
