"""Audience-Align's forms as a PM meets them: out-of-range numbers refused next to their field, the
add-qualification form that shows the chosen question's answers only, and the survey's facts in
words (the CPI's currency, the feasibility's incidence as a percentage)."""

import pytest
from django.urls import reverse

from fielding.tests.aa_sandbox import form_data, new_url, sandbox, surveys  # noqa: F401  (fixtures)
from projects.tests.factories import TargetGroupFactory
from sandbox.models import AaSurvey
from sync.models import RemoteChange


def field_section(html, field):
    """The markup of one field of the form, from its wrapper to the end of its errors."""
    section = html[html.index(f'id="field-{field}"') :]
    return section[: section.index("</div>\n")].replace("&#x27;", "'")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("value", "words"),
    [("-1", "must be at least 1"), ("0", "must be at least 1"), ("101", "can be at most 100")],
)
def test_an_incidence_rate_out_of_range_is_refused_next_to_its_field(sandbox, pm_client, value, words):  # noqa: F811
    response = pm_client.post(new_url(sandbox), form_data(incidence_rate=value))

    assert response.status_code == 400
    assert f"The incidence rate (%) {words}." in field_section(response.content.decode(), "incidence_rate")
    assert not RemoteChange.objects.exists() and not AaSurvey.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_very_long_list_of_ranges_is_refused_in_a_few_words(sandbox, pm_client):  # noqa: F811
    response = pm_client.post(new_url(sandbox), form_data(q_42="18-34x" * 200_000))

    section = field_section(response.content.decode(), "q_42")
    assert response.status_code == 400 and "That is too long: at most 20,000 characters." in section
    assert "is not a range" not in section and not AaSurvey.objects.exists()


# --- the add-qualification form: a picker, then the chosen question's answers ----------------------


def add_form(html):
    """The markup of the add-qualification form."""
    start = html.index('id="aa-qualification-form"')
    return html[start : html.index("</form>", start)]


@pytest.mark.django_db(transaction=True)
def test_the_add_qualification_form_offers_the_questions_but_no_answers_until_one_is_chosen(surveys, pm_client):  # noqa: F811
    tg = surveys["Live survey"]

    form = add_form(pm_client.get(tg.get_absolute_url()).content.decode())

    assert '<select name="question"' in form and ">REGION</option>" in form and ">AGE</option>" in form
    assert 'name="q_' not in form  # no question's answers yet: neither REGION's nor AGE's nor ZIP's
    answers = reverse("fielding:aa_qualification_answers", args=[tg.pk])
    assert f'hx-get="{answers}"' in form and 'hx-target="#aa-qualification-answers"' in form


@pytest.mark.django_db(transaction=True)
def test_choosing_a_question_brings_that_question_s_answers_only(surveys, pm_client):  # noqa: F811
    tg = surveys["Live survey"]

    html = pm_client.get(
        reverse("fielding:aa_qualification_answers", args=[tg.pk]), {"question": "96"}, headers={"HX-Request": "true"}
    ).content.decode()

    assert 'name="q_96"' in html and "Northeast" in html and "West" in html
    assert 'name="q_42"' not in html and 'name="q_639"' not in html


@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_chosen_question_s_answers_come_back_and_nothing_is_sent(surveys, pm_client):  # noqa: F811
    tg = surveys["Live survey"]
    url = reverse("fielding:aa_qualification_add", args=[tg.pk])

    response = pm_client.post(url, {"question": "96", "choose": "1"})

    form = add_form(response.content.decode())
    assert response.status_code == 200 and not RemoteChange.objects.exists()
    assert 'value="96" selected' in form and 'name="q_96"' in form and 'name="q_42"' not in form
    missing = pm_client.post(url, {"question": "96"})
    form = add_form(missing.content.decode())
    assert missing.status_code == 400 and not RemoteChange.objects.exists()
    assert "Choose at least one answer to target." in form and 'name="q_96"' in form and 'name="q_42"' not in form


# --- the survey's facts in words -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_cpi_is_shown_in_its_currency(surveys, pm_client):  # noqa: F811
    tg = surveys["Live survey"]

    html = pm_client.get(tg.get_absolute_url()).content.decode()

    assert "2.50 USD" in html[html.index('id="aa-panel"') :]
    assert "<dt>CPI</dt><dd>2.50 USD</dd>" in html
    assert "currency 2" not in html


@pytest.mark.django_db(transaction=True)
def test_the_survey_s_locale_is_mirrored_and_the_dashboard_names_it(surveys, pm_client):  # noqa: F811
    tg = surveys["Live survey"]
    tg.refresh_from_db()

    html = pm_client.get(reverse("projects:dashboard")).content.decode()

    assert tg.locale == "eng_us"
    assert f"{tg.human_readable_id} · eng_us</span>" in html


@pytest.mark.django_db
def test_a_target_group_without_a_locale_shows_no_dangling_separator(pm_client):
    tg = TargetGroupFactory(human_readable_id="ALGN2729", locale="", status="live")

    html = pm_client.get(reverse("projects:dashboard")).content.decode()

    assert f'<a href="{tg.get_absolute_url()}">' in html
    assert "ALGN2729</span>" in html and "ALGN2729 ·" not in html


@pytest.mark.django_db(transaction=True)
def test_feasibility_names_the_incidence_as_a_percentage(sandbox, pm_client):  # noqa: F811
    html = pm_client.post(new_url(sandbox), {**form_data(incidence_rate="40"), "feasibility": "1"}).content.decode()

    assert "Feasible:" in html and "incidence 40%" in html and "incidence 0.4" not in html
