"""The guard under live traffic on three suppliers: a study of six single cells (Male, Female and four age bands,
so each respondent counts in two) on a Cint target group, a PureSpectrum survey and an Audience-Align survey at
the sandboxes behind a live server. Respondents come in steps until the study is full; Cint tells its fills by
webhook, the others are read by the sync, as in production; the guard's closes go through the outbox.

Per cell: combined completes never exceed the goal by more than the respondents already in the interview when
the guard acted (and Audience-Align's soft passes, which its documentation says its quotas let in); each
supplier's quota of a full cell is closed, read back from its sandbox, by the end of the cycle that filled it;
when the study is full every target group is paused, as the study says."""

import random
from collections import Counter

import pytest
from django.core.cache import cache
from django.urls import reverse

from projects.demo_purespectrum import ensure_sandbox_buyer
from projects.models import SupplierKind, TargetGroup
from projects.tests.factories import ConnectionFactory
from sandbox.audience_align.wire import ensure_client
from sandbox.events import deliver_pending
from sandbox.models import AaQuota, AaSurvey, PsQuota, PsSurvey
from sandbox.models import Quota as CintQuota
from sandbox.models import TargetGroup as CintTargetGroup
from sandbox.seed import ensure_account
from studies import demo
from studies.models import GuardAct, Mapping
from studies.tests import respondents
from studies.tests.wire import CINT_ACCOUNT, no_faults, wait_until_settled
from suppliers.audience_align import AudienceAlignTransport
from suppliers.cint import CintTransport
from suppliers.purespectrum import PureSpectrumTransport
from sync.adapters import adapter_for
from sync.pull import sync_connection
from sync.webhooks import register_webhook

pytestmark = pytest.mark.django_db(transaction=True)

AA_CLIENT, AA_KEY = "study-client", "study-key"
ENTRANTS = 3  # people reaching each supplier's survey per step
CINT_SYNC_EVERY = 3  # the minute's pull of Cint; its fills come by webhook in between


@pytest.fixture
def three(live_server, settings, monkeypatch):
    settings.CINT_BASE_URL = live_server.url + "/sandbox/cint/v1"
    settings.CINT_AUTH_URL = live_server.url + "/sandbox/cint/oauth/token"
    settings.CINT_ACCOUNT_ID = CINT_ACCOUNT
    settings.PURESPECTRUM_BASE_URL = live_server.url + "/sandbox/purespectrum/buyers/v2"
    settings.AUDIENCE_ALIGN_BASE_URL = live_server.url + "/sandbox/audience-align/v1"
    settings.AUDIENCE_ALIGN_CLIENT_ID, settings.AUDIENCE_ALIGN_KEY = AA_CLIENT, AA_KEY
    settings.SANDBOX_JOB_SECONDS = 0
    settings.SYNC_BACKOFF_BASE_SECONDS = 0.02
    settings.SYNC_BACKOFF_MAX_SECONDS = 0.3
    for transport in (CintTransport, PureSpectrumTransport, AudienceAlignTransport):
        monkeypatch.setattr(transport, "backoff_seconds", 0.01)
    cache.clear()
    no_faults()
    ensure_account(CINT_ACCOUNT)
    ensure_sandbox_buyer()
    ensure_client(AA_CLIENT, AA_KEY)
    connections = [
        ConnectionFactory(account_id=CINT_ACCOUNT, label="Cint"),
        ConnectionFactory(kind=SupplierKind.PURESPECTRUM, account_id="sandbox", label="PureSpectrum"),
        ConnectionFactory(kind=SupplierKind.AUDIENCE_ALIGN, account_id=AA_CLIENT, label="Audience-Align"),
    ]
    adapters = [adapter_for(connection) for connection in connections]
    assert len(demo.field_at_suppliers(*adapters, goals=(40, 40, 40))) == 3
    for adapter in adapters:
        adapter.close()
    for connection in connections:
        run = sync_connection(connection)
        assert run.error_count == 0, run.errors
    register_webhook(connections[0], live_server.url + reverse("sync:webhook", args=["cint", connections[0].pk]))
    study, _ = demo.make_study(connections, goal=60)
    return study, connections


def remote(connection):
    return TargetGroup.objects.get(project__connection=connection).remote_id


def held_at_suppliers(cint_tg, ps_survey, aa_survey):
    """{cell label: [(supplier, achieved, closed?)]} as each sandbox holds its quotas now."""
    cells = {}
    for q in CintQuota.objects.filter(target_group_id=cint_tg).prefetch_related("profile__conditions"):
        condition = next(c for c in q.profile.conditions.all() if c.id in q.condition_ids)
        label = {"1": "Male", "2": "Female"}.get(condition.option) or f"{condition.min_value}-{condition.max_value}"
        cells.setdefault(label, []).append(("cint", q.completes, q.completes_goal <= q.completes))
    for q in PsQuota.objects.filter(survey_id=ps_survey):
        label = {"male": "Male", "female": "Female"}.get(q.buyer_quota_id) or q.buyer_quota_id.removeprefix("age-")
        cells.setdefault(label, []).append(("purespectrum", q.achieved, q.room == 0))
    for q in AaQuota.objects.filter(qualification__survey__project_id=aa_survey).select_related("qualification"):
        label = {"1": "Male", "2": "Female"}.get(q.key) if q.qualification.code == 43 else q.key
        cells.setdefault(label, []).append(("audience_align", q.completes, q.required_count <= q.completes))
    return cells


def test_the_guard_keeps_a_study_on_three_suppliers_within_its_goals_under_live_traffic(three):
    study, (cint, ps, aa) = three
    mappings = Mapping.objects.filter(study=study)
    assert mappings.count() == 18
    assert set(mappings.values_list("confidence", flat=True)) == {"sure"}
    assert not mappings.filter(confirmed_at__isnull=True).exists()
    goals = {cell.label: cell.goal for cell in study.cells.all()}
    assert goals == {"Male": 30, "Female": 30, "18-29": 15, "30-44": 15, "45-59": 15, "60-99": 15} or goals == {
        "Male": 30, "Female": 30, "18-29": 15, "30-44": 15, "45-59": 15, "60+": 15}  # fmt: skip
    age_of = {label: label for label in goals} | {"60-99": "60+" if "60+" in goals else "60-99"}
    ids = (remote(cint), remote(ps), remote(aa))
    suppliers = {
        "cint": respondents.Cint(ids[0]),
        "purespectrum": respondents.PureSpectrum(int(ids[1]) if ids[1].isdigit() else ids[1]),
        "audience_align": respondents.AudienceAlign(AaSurvey.objects.get(project_id=ids[2]).pk),
    }
    rng = random.Random(22)
    in_interview, when_acted, soft_after = [], {}, Counter()
    step = 0
    while step < 80:
        step += 1
        full = GuardAct.objects.filter(study=study, cell__isnull=True).exists()
        before = {label: sum(n for _, n, _ in rows) for label, rows in held_at_suppliers(*ids).items()}
        if not full:
            for supplier in suppliers.values():
                for respondent in respondents.arrive(supplier, rng, entrants=ENTRANTS):
                    in_interview.append(respondent)
                    if respondent.soft_pass:
                        for cell in respondent.cells:
                            soft_after[age_of.get(cell, cell)] += respondent.completes
        in_interview = respondents.finish_step(suppliers, in_interview)
        # The cockpit hears: Cint's webhook batch, the pull of the others (and Cint's, once a minute).
        deliver_pending()
        for connection in (ps, aa) + ((cint,) if step % CINT_SYNC_EVERY == 0 else ()):
            assert sync_connection(connection).error_count == 0
        wait_until_settled()

        held = held_at_suppliers(*ids)
        acted = {act.cell.label for act in GuardAct.objects.filter(study=study, cell__isnull=False)}
        for label, rows in held.items():
            cell = age_of.get(label, label)
            achieved = sum(n for _, n, _ in rows)
            if cell not in when_acted and cell in acted:  # record who was still in the interview as it acted
                completed_in_cycle = achieved - before[label]
                waiting = sum(cell in (age_of.get(c, c) for c in r.cells) for r in in_interview if r.completes)
                when_acted[cell] = waiting + completed_in_cycle
            if achieved >= goals[cell]:
                assert cell in acted, f"step {step}: {cell} is full ({achieved} of {goals[cell]}) and was not closed"
                assert all(closed for _, _, closed in rows), f"step {step}: {cell} still open at {rows}"
        if full and not in_interview:
            break
    assert not in_interview, f"the study did not fill in {step} steps"
    for connection in (cint, ps, aa):
        sync_connection(connection)
    wait_until_settled()

    final = {age_of.get(label, label): sum(n for _, n, _ in rows) for label, rows in held_at_suppliers(*ids).items()}
    for cell, goal in goals.items():
        allowed = when_acted[cell] + soft_after[cell]
        assert goal <= final[cell] <= goal + allowed, (cell, final[cell], goal, when_acted[cell], soft_after[cell])
    stopped = GuardAct.objects.get(study=study, cell__isnull=True)
    assert stopped.text.startswith("The study reached")
    assert CintTargetGroup.objects.get(pk=ids[0]).status == CintTargetGroup.Status.PAUSED
    assert PsSurvey.objects.get(pk=suppliers["purespectrum"].survey_id).status == PsSurvey.Status.PAUSED
    assert AaSurvey.objects.get(project_id=ids[2]).status == AaSurvey.Status.INACTIVE
