"""Fakes at the wire for the notifications: names resolved as the test says, posts answered by `responses`."""

import socket

import pytest
import responses

HOOK = "https://hooks.example.com/services/T1/B2/abc"

# Host names the tests' resolver knows: public ones, and names that lead inside the network.
ADDRESSES = {
    "hooks.example.com": "93.184.215.14",
    "other.example.org": "151.101.1.69",
    "intranet.example.com": "10.1.2.3",
    "metadata.example.com": "169.254.169.254",
    "mapped.example.com": "::ffff:127.0.0.1",
}


@pytest.fixture
def resolver(monkeypatch):
    """`socket.getaddrinfo` answering from ADDRESSES (and IP literals as themselves), as DNS would."""
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        address = ADDRESSES.get(host, host)
        try:
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            socket.inet_pton(family, address)
        except OSError:
            return real(host, port, *args, **kwargs)
        sockaddr = (address, port, 0, 0) if family == socket.AF_INET6 else (address, port)
        return [(family, socket.SOCK_STREAM, 6, "", sockaddr)]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return ADDRESSES


@pytest.fixture
def hooks(resolver, settings):
    """`responses` active for webhook posts, with no real waiting between tries."""
    settings.NOTIFY_WEBHOOK_BACKOFF_SECONDS = 0
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps
