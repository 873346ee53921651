"""The seed is idempotent and makes everything the app's demo seed expects."""

import pytest
from django.core.management import call_command

from sandbox.models import Account, BusinessUnit, ProfilingTemplate, Question, ReasonCode, SandboxUser
from sandbox.seed import SCHEDULE_NAME, ensure_account, ensure_schedule


@pytest.mark.django_db
def test_ensure_account_is_idempotent():
    ensure_account(1001)
    ensure_account("1001")
    assert Account.objects.count() == 1
    assert BusinessUnit.objects.count() == 2
    assert SandboxUser.objects.count() == 3
    assert ProfilingTemplate.objects.count() == 2
    assert set(Question.objects.values_list("locale", flat=True)) == {"eng_us", "eng_gb", "deu_de"}
    assert Question.objects.count() == 15
    assert ReasonCode.objects.exists()


@pytest.mark.django_db
def test_ensure_schedule_creates_one_periodic_task():
    from django_celery_beat.models import PeriodicTask

    ensure_schedule()
    task = ensure_schedule()
    assert PeriodicTask.objects.filter(name=SCHEDULE_NAME).count() == 1
    assert task.task == "sandbox.tasks.simulate_traffic"
    assert task.interval.every == 10 and task.interval.period == "seconds"


@pytest.mark.django_db
def test_seed_command():
    call_command("sandbox_seed", "--account", "3003")
    assert Account.objects.filter(pk=3003).exists()
