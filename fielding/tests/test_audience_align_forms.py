"""Audience-Align's forms as a PM meets them: out-of-range numbers refused next to their field, the
add-qualification form that shows the chosen question's answers only, and the survey's facts in
words (the CPI's currency, the feasibility's incidence as a percentage)."""

import pytest

from sandbox.models import AaSurvey
from sync.models import RemoteChange

from .aa_sandbox import form_data, new_url, sandbox  # noqa: F401  (fixtures)


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
