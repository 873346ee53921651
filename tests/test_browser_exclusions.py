"""A PM picks a draft's exclusions in a real browser: the matches of what they type appear as they type, what
they tick stays chosen while they search on, unticking removes it, and Enter in the search box saves nothing."""

import pytest
from django.urls import reverse

from projects.tests.factories import ProjectFactory, TargetGroupFactory

from .test_browser import log_in, page, sandbox  # noqa: F401  (fixtures and helpers)

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the page fixture skips
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def posted(page):
    """The exclusions the draft form would send now."""
    return page.evaluate(
        "() => new FormData(document.getElementById('draft-form')).getAll('excluded_target_group_ids')"
    )


def test_pm_searches_ticks_and_unticks_exclusions_as_they_type(sandbox, live_server, pm, page):  # noqa: F811
    project = ProjectFactory(connection=sandbox, name="Drinks tracker")
    for n in range(1, 31):
        TargetGroupFactory(
            project=ProjectFactory(connection=sandbox, name=f"Tracker wave {n}"),
            name=f"Wave {n} gen pop",
            remote_id=f"01HWAVE{n:019d}",
            status="completed",
        )
    log_in(page, live_server.url + reverse("fielding:draft_create", args=[project.pk]), pm)
    page.get_by_label("Target group name").fill("Typed before searching")

    search = page.get_by_label("Find a target group of this account to exclude", exact=False)
    search.fill("gen pop")
    found = page.locator("#exclusions-found")
    expect(found).to_contain_text("Only the first 20 are shown")
    assert found.locator("input[type=checkbox]").count() == 20

    search.fill("wave 7")
    expect(found).to_contain_text("Wave 7 gen pop")
    found.get_by_label("Wave 7 gen pop", exact=False).check()
    search.fill("wave 12")
    expect(page.locator("#exclusions-chosen")).to_contain_text("Wave 7 gen pop")
    expect(page.locator("#exclusions-chosen")).to_contain_text("Tracker wave 7")
    found.get_by_label("Wave 12 gen pop", exact=False).check()
    search.press("Enter")  # searches again; the draft is not created
    expect(page.locator("#exclusions-chosen")).to_contain_text("Wave 12 gen pop")
    assert sorted(posted(page)) == ["01HWAVE0000000000000000007", "01HWAVE0000000000000000012"]

    page.locator("#exclusions-chosen").get_by_label("Wave 7 gen pop", exact=False).uncheck()
    assert posted(page) == ["01HWAVE0000000000000000012"]
    assert page.get_by_label("Target group name").input_value() == "Typed before searching"
    assert not project.target_groups.exists()
