"""A supplier's 429 holds back every transport of the account at once (the workers of a sync share a cache)."""

import json

import pytest
import responses

from suppliers.audience_align import AudienceAlignClient, AudienceAlignTransport
from suppliers.cint import CintClient, CintTransport, RateLimited
from suppliers.purespectrum import PureSpectrumClient, PureSpectrumTransport
from suppliers.transport import MemoryCache

from .fake_cint import ACCOUNT_ID, API_VERSION, AUTH_URL, BASE_URL, PROJECT_ID, Clock, api_calls, token_body

PROJECT_URL = f"{BASE_URL}/demand/accounts/{ACCOUNT_ID}/projects/{PROJECT_ID}"


class Worker:
    """One Cint transport as a worker has it: its own clock reading and sleeps, the cache shared."""

    def __init__(self, cache, clock):
        self.clock = clock
        self.slept = []
        self.client = CintClient(
            CintTransport(
                base_url=BASE_URL,
                auth_url=AUTH_URL,
                client_id="cockpit",
                client_secret="s3cret",
                api_version=API_VERSION,
                token_cache=cache,
                read_retries=0,
                sleep=self.sleep,
                clock=clock,
            ),
            ACCOUNT_ID,
        )

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.clock.advance(seconds)


@pytest.fixture
def wire():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(AUTH_URL, json=token_body())
        yield mock


def test_a_429_seen_by_one_worker_holds_back_the_others_until_retry_after(wire):
    cache, clock = MemoryCache(), Clock()
    first, second = Worker(cache, clock), Worker(cache, clock)
    sent_at = []

    def answer(request):
        sent_at.append(clock())
        if len(sent_at) == 1:
            return 429, {"Retry-After": "5"}, '{"detail": "slow down"}'
        return 200, {}, json.dumps({"id": PROJECT_ID})

    wire.add_callback(responses.GET, PROJECT_URL, callback=answer, content_type="application/json")

    with pytest.raises(RateLimited):
        first.client.get_project(PROJECT_ID)
    clock.advance(2)
    second.client.get_project(PROJECT_ID)

    # The second worker never saw the 429, yet waited the 3 seconds left of it before sending.
    assert second.slept == [3.0]
    assert sent_at[1] - sent_at[0] >= 5


def test_a_wait_longer_than_a_worker_may_hold_is_refused_without_sending(wire):
    cache, clock = MemoryCache(), Clock()
    first, second = Worker(cache, clock), Worker(cache, clock)
    wire.get(PROJECT_URL, status=429, headers={"Retry-After": "600"}, json={"detail": "slow down"})
    with pytest.raises(RateLimited):
        first.client.get_project(PROJECT_ID)
    clock.advance(60)

    with pytest.raises(RateLimited) as refused:
        second.client.get_project(PROJECT_ID)

    assert len(api_calls(wire)) == 1  # only the first worker's call reached the supplier
    assert refused.value.retry_after == 540  # what is left, for the outbox to wait before trying again
    assert "nothing was sent" in refused.value.message
    assert second.slept == []


def test_once_the_wait_is_over_calls_go_straight_out(wire):
    cache, clock = MemoryCache(), Clock()
    first, second = Worker(cache, clock), Worker(cache, clock)
    wire.get(PROJECT_URL, status=429, headers={"Retry-After": "5"}, json={"detail": "slow down"})
    wire.get(PROJECT_URL, json={"id": PROJECT_ID})
    with pytest.raises(RateLimited):
        first.client.get_project(PROJECT_ID)
    clock.advance(6)

    second.client.get_project(PROJECT_ID)

    assert second.slept == []


def test_a_pause_of_another_account_holds_nobody_back(wire):
    cache, clock = MemoryCache(), Clock()
    first = Worker(cache, clock)
    wire.get(PROJECT_URL, status=429, headers={"Retry-After": "600"}, json={"detail": "slow down"})
    with pytest.raises(RateLimited):
        first.client.get_project(PROJECT_ID)
    other_account = AudienceAlignTransport("https://api.audience-align.com/v1", "someone-else", "key", cache=cache)

    other_account.pause.wait()  # returns at once


@pytest.mark.parametrize("supplier", ["purespectrum", "audience_align"])
def test_the_other_suppliers_share_the_pause_too(supplier):
    cache = MemoryCache()
    if supplier == "purespectrum":
        base = "https://staging.spectrumsurveys.com/buyers/v2"
        url = f"{base}/surveys/1"

        def make():
            return PureSpectrumClient(PureSpectrumTransport(base, "token", cache=cache, read_retries=0))

        def call(client):
            return client.get_survey("1")
    else:
        base = "https://api.audience-align.com/v1"
        url = f"{base}/endpoints/get_survey"

        def make():
            return AudienceAlignClient(AudienceAlignTransport(base, "client", "key", cache=cache, read_retries=0))

        def call(client):
            return client.get_survey("1")

    with responses.RequestsMock(assert_all_requests_are_fired=False) as wire:
        wire.get(
            f"{base}/endpoints/getHashData",
            body="d098bc2734bea016f495e561d974007aecae6eb2b260321da424105b5a77bac7",
            content_type="text/plain",
        )
        wire.get(url, status=429, headers={"Retry-After": "600"}, json={"status": 429, "error": "Too many requests"})
        first, second = make(), make()
        with pytest.raises(RateLimited):
            call(first)
        sent = len([c for c in wire.calls if "getHashData" not in c.request.url])

        with pytest.raises(RateLimited):
            call(second)

        assert len([c for c in wire.calls if "getHashData" not in c.request.url]) == sent
