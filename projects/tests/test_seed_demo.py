"""The demo seed fills the app from the sandbox, through the client and the pull sync."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from projects.demo import DEMO_TARGET_GROUPS
from projects.demo_purespectrum import DEMO_SURVEYS
from projects.models import Project, TargetGroup
from studies import demo as study_demo


def log_in(client, username, password):
    """Through the login page, as a person does (the throttling backend needs the request)."""
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.django_db
def test_seed_from_an_empty_database_then_log_in_and_see_the_target_groups(client, settings):
    settings.SANDBOX_JOB_SECONDS = 0
    assert not TargetGroup.objects.exists()

    call_command("seed_demo", stdout=StringIO())

    assert log_in(client, "pm", "cockpit-demo")
    html = client.get(reverse("projects:dashboard")).content.decode()
    live = TargetGroup.objects.filter(status=TargetGroup.Status.LIVE, project__connection__kind="cint")
    assert live.count() == 4 + 1  # and the study's
    for tg in live:
        assert tg.name in html
    cint = TargetGroup.objects.filter(project__connection__kind="cint")
    assert set(cint.values_list("name", flat=True)) == {*DEMO_TARGET_GROUPS, study_demo.CINT_NAME}
    # PureSpectrum's live surveys beside Cint's target groups
    surveys = TargetGroup.objects.filter(status=TargetGroup.Status.LIVE, project__connection__kind="purespectrum")
    assert surveys.count() == 2 + 1 and all(tg.name in html for tg in surveys) and "PureSpectrum" in html
    ps = TargetGroup.objects.filter(project__connection__kind="purespectrum")
    assert set(ps.values_list("name", flat=True)) == {*DEMO_SURVEYS, study_demo.PURESPECTRUM_NAME}
    # the rows came from the supplier: they carry its ids and ETags
    assert all(tg.remote_id for tg in TargetGroup.objects.all())
    assert all(tg.synced_at and tg.version for tg in live)
    assert TargetGroup.objects.get(name="US adults 18-54").profiles.count() == 3


@pytest.mark.django_db
def test_seeding_twice_adds_nothing(settings):
    settings.SANDBOX_JOB_SECONDS = 0
    call_command("seed_demo", stdout=StringIO())
    counts = (Project.objects.count(), TargetGroup.objects.count())
    call_command("seed_demo", stdout=StringIO())
    # Cint + Audience-Align + PureSpectrum + the study's (a Cint project, a target group at each supplier)
    assert (Project.objects.count(), TargetGroup.objects.count()) == counts == (3 + 1 + 1 + 1, 6 + 2 + 3 + 3)


@pytest.mark.django_db
def test_the_viewer_login_cannot_change_anything(client, settings):
    settings.SANDBOX_JOB_SECONDS = 0
    call_command("seed_demo", stdout=StringIO())
    assert log_in(client, "viewer", "cockpit-demo")
    tg = TargetGroup.objects.get(name="US parents")
    html = client.get(tg.get_absolute_url()).content.decode()
    assert "AGE" in html and "Disable quotas" not in html


@pytest.mark.django_db
def test_the_demo_has_two_live_audience_align_surveys_with_traffic_and_one_interlock(client, settings):
    import random

    from projects.demo_audience_align import DEMO_SURVEYS
    from projects.inprocess import in_process_session
    from quotas.models import InterlockedProfile
    from sandbox.simulation import simulate_parts
    from sync.adapters import adapter_for
    from sync.pull import sync_connection

    settings.SANDBOX_JOB_SECONDS = 0
    call_command("seed_demo", stdout=StringIO())
    surveys = TargetGroup.objects.filter(project__connection__kind="audience_align").exclude(
        name=study_demo.AUDIENCE_ALIGN_NAME  # the study's, seen in `studies/tests/test_demo_study.py`
    )
    assert set(surveys.values_list("name", flat=True)) == set(DEMO_SURVEYS)
    assert set(surveys.values_list("status", "status_label")) == {("live", "Active")}
    assert InterlockedProfile.objects.filter(target_group__in=surveys).count() == 1

    rng = random.Random(7)
    for _ in range(5):
        simulate_parts(rng=rng, deliver=False, suppliers=["audience_align"])
    connection = surveys.first().project.connection
    sync_connection(connection, adapter=adapter_for(connection, session=in_process_session()))
    assert all(tg.current_completes > 0 for tg in surveys.all())

    assert log_in(client, "pm", "cockpit-demo")
    html = client.get(reverse("projects:dashboard")).content.decode()
    assert all(name in html for name in DEMO_SURVEYS) and "Audience-Align" in html


@pytest.mark.django_db(transaction=True)
def test_the_seeded_draft_shows_its_profiling_by_name_and_no_actual_figures_before_anyone_answered(
    client, settings, live_server
):
    from django.core.cache import cache

    settings.SANDBOX_JOB_SECONDS = 0
    settings.CINT_BASE_URL = live_server.url + "/sandbox/cint/v1"
    settings.CINT_AUTH_URL = live_server.url + "/sandbox/cint/oauth/token"
    cache.clear()
    call_command("seed_demo", stdout=StringIO())
    assert log_in(client, "pm", "cockpit-demo")
    tg = TargetGroup.objects.get(name="US holiday shoppers")
    assert (tg.status, tg.current_completes) == ("draft", 0)

    html = client.get(tg.get_absolute_url()).content.decode()
    assert "expected 50% · actual –" in html and "expected 12 min · actual –" in html
    assert "no profiles yet" not in html
    profiling = html[html.index('id="draft-profiling"') :]
    assert "<h3>AGE " in profiling and "<h3>GENDER " in profiling
    assert "18-34 <strong>50%</strong> (150)" in profiling

    for page in ("fielding:draft", "fielding:profiling"):
        text = client.get(reverse(page, args=[tg.pk])).content.decode()
        assert "<h3>AGE " in text and "<h3>GENDER " in text, page
        assert "<h3>42 " not in text and "<h3>43 " not in text, page
