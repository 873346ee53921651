"""Constants and helpers shared by the Cint tests (fixtures are in ``conftest.py``)."""

BASE_URL = "https://api.cint.com/v1"
AUTH_URL = "https://auth.lucidhq.test/oauth/token"
API_VERSION = "2025-02-17"
ACCOUNT_ID = "1001"
PROJECT_ID = "01JMY4R3R9SFGWJ6TK080Y0NC5"
TARGET_GROUP_ID = "01JN1FTC33C5QRW2S7X09V5RFC"


class Clock:
    """Wall-clock seconds the test moves by hand."""

    def __init__(self, now=1_700_000_000.0):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


def token_body(token="token-1", expires_in=86400):
    return {"access_token": token, "expires_in": expires_in, "token_type": "Bearer"}


def api_calls(wire):
    """The calls that went to the API (not to the token endpoint)."""
    return [call for call in wire.calls if call.request.url.startswith(BASE_URL)]


def token_calls(wire, auth_url=AUTH_URL):
    return [call for call in wire.calls if call.request.url.startswith(auth_url)]
