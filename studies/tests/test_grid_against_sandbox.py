"""The combined grid checked against its sources: a Cint target group and a PureSpectrum survey at the sandbox
behind a live server, with simulated respondents, mirrored by the ordinary sync, attached to one study whose
gender cells their gender quotas are mapped to. Each cell's goal and achieved per supplier on the study page
are what each supplier says, read back from the sandbox."""

import datetime
import random
import re

import pytest
from django.utils import timezone

from projects.demo_purespectrum import ensure_sandbox_buyer, launch_surveys
from projects.models import SupplierKind, TargetGroup
from projects.tests.factories import ConnectionFactory
from quotas.models import Quota
from sandbox.faults import set_faults
from sandbox.models import PsQuota
from sandbox.models import Quota as CintQuota
from sandbox.seed import ensure_account
from sandbox.simulation import simulate_parts
from studies.models import Attachment, Mapping
from suppliers.cint import CintTransport
from suppliers.purespectrum import PureSpectrumTransport
from sync.pull import sync_connection
from sync.tests.sandbox import launch_target_groups, supplier_client

from .grid_builders import make_cells, make_study

pytestmark = pytest.mark.django_db(transaction=True)

ACCOUNT_ID = "1001"
GENDER = 43  # Cint's gender question: option 1 is male, 2 female


@pytest.fixture
def suppliers(live_server, settings, monkeypatch):
    """A live Cint target group and a live PureSpectrum survey, each with a quota per gender, respondents
    let in for a while, and both mirrored by a sync."""
    settings.CINT_BASE_URL = live_server.url + "/sandbox/cint/v1"
    settings.CINT_AUTH_URL = live_server.url + "/sandbox/cint/oauth/token"
    settings.CINT_ACCOUNT_ID = ACCOUNT_ID
    settings.PURESPECTRUM_BASE_URL = live_server.url + "/sandbox/purespectrum/buyers/v2"
    settings.SANDBOX_JOB_SECONDS = 0
    monkeypatch.setattr(CintTransport, "backoff_seconds", 0)
    monkeypatch.setattr(PureSpectrumTransport, "backoff_seconds", 0)
    ensure_account(ACCOUNT_ID)
    ensure_sandbox_buyer()
    set_faults(error_rate=0.0, rate_limit_rate=0.0, stale_etag_rate=0.0, lost_response_rate=0.0, latency_ms=0)
    cint = ConnectionFactory(kind=SupplierKind.CINT, account_id=ACCOUNT_ID, label="Cint")
    ps = ConnectionFactory(kind=SupplierKind.PURESPECTRUM, account_id="sandbox", label="PureSpectrum")
    cint_client, ps_client = supplier_client(cint), supplier_client(ps)
    launch_target_groups(cint_client, 1, prefix="Study Cint")
    launch_surveys(ps_client, 1, prefix="Study PS", goal=400)
    for client in (cint_client, ps_client):
        client.transport.session.close()  # no idle keep-alive connection left for the live server to trip on
    # Respondents for a while, from the moment the Cint target group's fielding starts.
    rng, start = random.Random(22), timezone.now() + datetime.timedelta(hours=3)
    for step in range(20):  # about half of each goal (`SANDBOX_FILL_HOURS` is six minutes in tests)
        simulate_parts(
            start + datetime.timedelta(seconds=10 * step), rng, deliver=False, suppliers=["cint", "purespectrum"]
        )
    for connection in (cint, ps):
        run = sync_connection(connection)
        assert run.error_count == 0, run.errors
    return TargetGroup.objects.get(project__connection=cint), TargetGroup.objects.get(project__connection=ps)


def page_figures(html, cell):
    """Per target group column, (goal, achieved) in the cell's row of the combined grid."""
    row = html.split(f'<tr id="cell-{cell.pk}">', 1)[1].split("</tr>", 1)[0]
    numbers = re.findall(r'<td class="num tg-first">([\d,]+)</td><td class="num">([\d,]+)</td>', row)
    return [(int(goal.replace(",", "")), int(done.replace(",", ""))) for goal, done in numbers]


def test_each_cells_goal_and_achieved_per_supplier_are_the_suppliers_own(suppliers, pm_client):
    cint_tg, ps_tg = suppliers
    study = make_study(goal=600, name="US adults by gender")
    male, female = make_cells(study, [("Male", 300), ("Female", 300)])
    for tg in (cint_tg, ps_tg):
        Attachment.objects.create(study=study, target_group=tg)
    cint_quotas = Quota.objects.filter(profile__target_group=cint_tg, profile__question_id=GENDER)
    by_option = {quota.condition_ids[0]: quota for quota in cint_quotas}
    cint_options = {
        condition["id"]: condition.get("option") for condition in cint_quotas[0].profile.conditions
    }  # condition id → option
    cint_male = next(q for cid, q in by_option.items() if cint_options[cid] == "1")
    cint_female = next(q for cid, q in by_option.items() if cint_options[cid] == "2")
    ps_male = Quota.objects.get(profile__target_group=ps_tg, remote_id="male")
    ps_female = Quota.objects.get(profile__target_group=ps_tg, remote_id="female")
    for tg, quota, cell in ((cint_tg, cint_male, male), (cint_tg, cint_female, female), (ps_tg, ps_male, male),
                            (ps_tg, ps_female, female)):  # fmt: skip
        Mapping.objects.create(study=study, target_group=tg, quota=quota, cell=cell, confidence="sure")

    html = pm_client.get(study.get_absolute_url()).content.decode()

    at_cint = {
        q.id: (q.completes_goal, q.completes) for q in CintQuota.objects.filter(target_group_id=cint_tg.remote_id)
    }
    at_ps = {
        q.buyer_quota_id: (q.required_count, q.achieved) for q in PsQuota.objects.filter(survey_id=ps_tg.remote_id)
    }
    assert page_figures(html, male) == [at_cint[cint_male.remote_id], at_ps["male"]]
    assert page_figures(html, female) == [at_cint[cint_female.remote_id], at_ps["female"]]
    # Respondents came in at both suppliers, so the comparison says something.
    assert at_ps["male"][1] + at_ps["female"][1] > 0
    assert at_cint[cint_male.remote_id][1] + at_cint[cint_female.remote_id][1] > 0
