"""Wrong passwords in a row pause logging in with that user name, with a message saying so."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def attempt(client, password):
    return client.post(reverse("login"), {"username": "pm", "password": password}, REMOTE_ADDR="203.0.113.9")


def test_five_wrong_passwords_pause_that_login_with_a_clear_message(client, pm, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "wrong").status_code == 200  # the form again, with its error

    locked = attempt(client, "wrong")
    right_but_locked = attempt(client, "pw-pm")

    assert locked.status_code == 429 and right_but_locked.status_code == 429
    page = right_but_locked.content.decode()
    assert "Too many wrong passwords" in page and "paused for 15 minutes" in page
    assert "_auth_user_id" not in client.session


def test_a_right_password_before_the_limit_logs_in_and_starts_the_count_again(client, pm, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "wrong")

    assert attempt(client, "pw-pm").status_code == 302
    client.logout()
    assert attempt(client, "wrong").status_code == 200  # counted from zero again
