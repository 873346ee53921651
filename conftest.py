"""Shared fixtures: personas, factories, and the Celery mode of the tests."""

import pytest
from django.contrib.auth.models import User

from projects.models import Role
from projects.tests.factories import (  # noqa: F401  (re-exported for tests)
    ConnectionFactory,
    ProjectFactory,
    TargetGroupFactory,
)


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    """Logins hash their passwords with a quick hasher: the production one takes a second of CPU per user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_eager(settings):
    """Tasks run in the test's process unless a test starts a real worker."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from config.celery import app

    app.conf.task_always_eager = True
    yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a supplier's pause (a 429 another test provoked) or its token
    holds nothing over."""
    from django.core.cache import cache

    from sandbox.faults import forget_fault_settings

    cache.clear()
    forget_fault_settings()  # nor its fault settings of the test before (rolled back without a signal)


@pytest.fixture(autouse=True)
def _quick_fieldwork(settings):
    """The sandbox's respondents fill a live survey in a few dozen steps (six minutes of simulated
    fieldwork), not in the demo's afternoon: a test sees its quotas move, and fill, in a few steps."""
    settings.SANDBOX_FILL_HOURS = 0.1


def _user(username, group=None, **extra):
    user = User.objects.create_user(username=username, password="pw-" + username, **extra)
    if group:
        Role.grant(user, group)
    return user


@pytest.fixture
def pm(db):
    """A project manager: may change supplier data."""
    return _user("pm", Role.PROJECT_MANAGERS, first_name="Pat", last_name="Manager")


@pytest.fixture
def viewer(db):
    """A viewer: sees everything, changes nothing."""
    return _user("viewer", Role.VIEWERS)


@pytest.fixture
def pm_client(client, pm):
    client.force_login(pm)
    return client


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def connection(db):
    return ConnectionFactory()
