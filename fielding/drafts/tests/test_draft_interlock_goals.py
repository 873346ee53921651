"""A draft's interlocked cells ask for the whole filling goal: the profiling page shows each cell's
completes before launch, and the launched target group's cells, read back from the sandbox, carry
exactly those numbers."""

import re

import pytest
from django.urls import reverse

from fielding.tests.test_sandbox_fielding import launch, new_draft, new_project, sandbox  # noqa: F401  (the `sandbox` fixture)
from sync.tests.sandbox import supplier_client as client_for

pytestmark = pytest.mark.django_db(transaction=True)
GENDER, REGION = 43, 96


def quotas(**per_row):
    data = {"mode": "ungrouped", "unit": "percentage", "quotas_enabled": "on"}
    for row, value in per_row.items():
        data.update({f"{row}_on": "on", f"{row}_quota": str(value)})
    return data


def cells_shown(html):
    """{cell: (percentage, completes)} of the first interlock's table on the profiling page."""
    table = html[html.index('id="interlock-0-cells"') :]
    table = table[: table.index("</tbody>")]
    rows = re.findall(r'<tr><td>([^<]+)</td><td class="num">(\d+)</td><td class="num">(\d+)</td></tr>', table)
    return {label: (int(pct), int(completes)) for label, pct, completes in rows}


def test_gender_by_region_cells_add_up_to_the_goal_shown_before_launch_and_read_back_after(sandbox, pm_client):
    project = new_project(pm_client)
    tg = new_draft(pm_client, project, "US gen pop by region", filling_goal="200")
    assert "REGION" in pm_client.get(reverse("fielding:profiling", args=[tg.pk])).content.decode()
    assert pm_client.post(reverse("fielding:profile", args=[tg.pk, GENDER]), quotas(c0=50, c1=50)).status_code == 302
    region = quotas(c0=25, c1=25, c2=25, c3=25)
    assert pm_client.post(reverse("fielding:profile", args=[tg.pk, REGION]), region).status_code == 302
    pm_client.post(reverse("fielding:build_interlock", args=[tg.pk]), {"questions": [str(GENDER), str(REGION)]})
    change = tg.changes.latest("pk")
    assert change.state == "applied", change.message

    lookup = tg.supplier_lookups.get()
    assert lookup.state == "done", lookup.message
    shown = cells_shown(pm_client.get(reverse("fielding:profiling", args=[tg.pk])).content.decode())
    assert len(shown) == 8
    assert sum(pct for pct, _ in shown.values()) == 100
    assert sum(completes for _, completes in shown.values()) == 200
    assert {completes for _, completes in shown.values()} <= {24, 25, 26}

    job = launch(pm_client, tg)
    assert job.status == "Completed", job.reason
    tg.refresh_from_db()
    launched = client_for(sandbox).list_profiles(project.remote_id, tg.remote_id).data["interlocked_profile"]
    goals = {cell["condition"]["text"]: cell["filling_goal"] for cell in launched["quotas"]["ungrouped"]}
    assert sum(goals.values()) == 200
    assert goals == {label: completes for label, (_, completes) in shown.items()}
