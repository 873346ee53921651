"""Fixtures for the supplier clients: a fake Cint at the wire, a clock and a recorded sleep."""

import pytest
import responses

from suppliers.cint import CintClient, CintTransport

from .fake_cint import ACCOUNT_ID, API_VERSION, AUTH_URL, BASE_URL, Clock, token_body


@pytest.fixture
def wire():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def token_endpoint(wire):
    """The OAuth endpoint, answering with a 24-hour token."""
    return wire.post(AUTH_URL, json=token_body())


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def sleeps():
    """What the transport would have slept, instead of sleeping."""
    return []


@pytest.fixture
def transport(clock, sleeps):
    return CintTransport(
        base_url=BASE_URL,
        auth_url=AUTH_URL,
        client_id="cockpit",
        client_secret="s3cret",
        api_version=API_VERSION,
        sleep=sleeps.append,
        clock=clock,
    )


@pytest.fixture
def client(transport):
    return CintClient(transport, ACCOUNT_ID)
