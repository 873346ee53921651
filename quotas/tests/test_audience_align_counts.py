"""An Audience-Align survey's per-quota figures, checked against the sandbox's own respondents:
each quota and interlocking combination counts the completes the supplier counts for it, and a
figure the supplier does not give (an option without a quota of its own, prescreens per quota, a
share of the survey) is shown as unknown, never as 0."""

import csv
import io
import random
import re

import pytest
from django.urls import reverse

from fielding.tests.aa_sandbox import sandbox, today  # noqa: F401  (fixtures)
from projects.models import TargetGroup
from quotas.models import InterlockCell, Quota
from sandbox.models import AaRespondent, AaSurvey
from sandbox.simulation import simulate_parts
from sync.adapters import adapter_for
from sync.pull import sync_connection

pytestmark = pytest.mark.django_db(transaction=True)

SELECTION, RANGE = "selection_conditions_details_template", "range_conditions_details_template"
GENDER = {"question_id": 43, "conditions_kind": SELECTION, "conditions": [{"id": "1"}, {"id": "2"}]}
AGE = {
    "question_id": 42,
    "conditions_kind": RANGE,
    "conditions": [{"id": "18-34", "min": 18, "max": 34}, {"id": "35-54", "min": 35, "max": 54}],
}
REGION = {"question_id": 96, "conditions_kind": SELECTION, "conditions": [{"id": str(i)} for i in range(1, 5)]}


def fill(steps, seed):
    rng = random.Random(seed)
    for _ in range(steps):
        simulate_parts(rng=rng, deliver=False, suppliers=["audience_align"])


def completes_at_the_sandbox(survey, **answers):
    """How many of the survey's respondents completed with these answers ({qualification code: key})."""
    return sum(
        1
        for respondent in AaRespondent.objects.filter(survey=survey, status="complete")
        if all(respondent.answers.get(code) == key for code, key in answers.items())
    )


@pytest.fixture
def fielded(sandbox):  # noqa: F811
    """A live survey with GENDER (a quota per option), AGE and REGION (none), GENDER × AGE interlocked,
    fielded for a while; then AGE 18-34 gets a quota of its own, fielding goes on, and the cockpit reads it."""
    adapter = adapter_for(sandbox)
    spec = {
        "name": "Snack habits", "country_id": "229", "language_id": "5", "audience": "b2c", "incidence_rate": 60,
        "loi": 10, "cpi": "3.50", "completes": 400, "start": today(), "end": today(20),
        "live_url": "https://s.example.com/?uid=[identifier]", "test_url": "https://s.example.com/?uid=[identifier]",
        "qualifications": [GENDER, AGE, REGION],
        "quotas": [{"question_id": 43, "condition": c, "goal": 200} for c in ("1", "2")],
    }  # fmt: skip
    remote_id = adapter.create_survey(spec).target_group.remote_id
    adapter.client.set_survey_status(remote_id, "1")
    adapter.client.create_interlocking(remote_id, [43, 42])
    fill(4, seed=7)
    adapter.client.save_quota(
        remote_id, [{"qualification_code": 42, "criteria": [{"required_count": 150, "condition_codes": "18-34"}]}]
    )
    fill(2, seed=8)
    adapter.close()
    assert sync_connection(sandbox).error_count == 0
    survey = AaSurvey.objects.get(project_id=remote_id)
    assert 0 < survey.completes < survey.complete_needed
    return TargetGroup.objects.get(remote_id=remote_id), survey


def quota(tg, profile, key):
    return Quota.objects.get(profile__target_group=tg, profile__remote_id=profile, remote_id=f"{profile}:{key}")


def test_each_quota_counts_the_completes_audience_align_counts_for_it(fielded):
    tg, survey = fielded

    for key in ("1", "2"):
        assert quota(tg, "43", key).completes == completes_at_the_sandbox(survey, **{"43": key}) > 0
    # Defined once fielding had begun: it counts the completes it already had too.
    assert quota(tg, "42", "18-34").completes == completes_at_the_sandbox(survey, **{"42": "18-34"}) > 0
    cells = {cell.text: cell.completes for cell in InterlockCell.objects.filter(interlocked_profile__target_group=tg)}
    for gender, word in (("1", "Male"), ("2", "Female")):
        for age in ("18-34", "35-54"):
            assert cells[f"{word}, {age}"] == completes_at_the_sandbox(survey, **{"43": gender, "42": age})
    assert sum(cells.values()) == survey.completes == tg.current_completes


def test_what_audience_align_does_not_count_is_unknown_not_zero(fielded, viewer_client):
    tg, survey = fielded

    assert quota(tg, "42", "35-54").completes is None  # no quota of its own: the supplier counts nothing for it
    assert {q.completes for q in Quota.objects.filter(profile__target_group=tg, profile__remote_id="96")} == {None}
    assert {q.prescreens for q in Quota.objects.filter(profile__target_group=tg)} == {None}
    html = viewer_client.get(tg.get_absolute_url()).content.decode()
    head = html.split('id="quota-grid"', 1)[1].split("</thead>", 1)[0]
    assert "Prescreens" not in head and "Starts" not in head  # no column: it counts none per quota
    northeast = re.search(r'<tr id="quota-\d+"><td>Northeast.*?</tr>', html, re.S).group(0)
    assert re.findall(r'<td class="num">([^<]*)</td>', northeast)[1:3] == ["–", "–"]  # achieved, need
    assert 'title="0 of' not in northeast and "not counted" in northeast


def test_the_quotas_csv_leaves_unknown_figures_empty_and_has_the_sandbox_s_counts(fielded, viewer_client):
    tg, survey = fielded

    response = viewer_client.get(reverse("quotas:quotas_csv", args=[tg.pk]))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))

    by_quota = {(row["Profile"], row["Quota"]): row for row in rows}
    male = by_quota[("GENDER", "Male")]
    assert male["Completes"] == str(completes_at_the_sandbox(survey, **{"43": "1"}))
    assert male["Fill (%)"] == str(round(100 * int(male["Completes"]) / 200))
    west = by_quota[("REGION", "West")]
    assert (west["Completes"], west["Fill (%)"], west["Remaining"]) == ("", "", "")
    assert {row["Share of the target group (%)"] for row in rows} == {""}  # Audience-Align sets no shares
    assert {row["Prescreens"] for row in rows} == {""}
