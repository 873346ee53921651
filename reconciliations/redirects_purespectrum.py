"""Respondent exit redirects back to PureSpectrum, signed with ``ps_hash`` when the account has a secret.

At the end of the survey the respondent goes back to ``https://spectrumsurveys.com/surveydone``
with the outcome in ``st`` (21 complete, 18 terminate, 17 over quota, 20 quality, 30 dedupe) and
the respondent's ``transaction_id``, in that order. An account with a shared secret
(``PURESPECTRUM_REDIRECT_HASH_SECRET``) appends ``ps_hash``: the SHA-1, in hex, of the full
URL without ``ps_hash`` followed by the secret (see `sign_url`).
"""

import hashlib
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

from django.conf import settings

DONE_URL = "https://spectrumsurveys.com/surveydone"
TRANSACTION_PLACEHOLDER = "[%%transaction_id%%]"
HASH_PARAMETER = "ps_hash"


@dataclass(frozen=True)
class Outcome:
    key: str
    label: str
    st: int
    meaning: str


OUTCOMES = (
    Outcome("complete", "Complete", 21, "The respondent qualified and finished the survey."),
    Outcome("terminate", "Terminate", 18, "The respondent did not qualify (screen-out)."),
    Outcome("overquota", "Over quota", 17, "The respondent qualified, but the quota they belong to is full."),
    Outcome("quality", "Quality", 20, "Removed for quality reasons, e.g. failed attention checks or speeding."),
    Outcome("dedupe", "Dedupe", 30, "A duplicate: the respondent has already taken part."),
)


@dataclass(frozen=True)
class Redirect:
    outcome: Outcome
    url: str
    signed: bool


def hash_secret():
    """The account's shared secret, read at call time ("" when redirects are not signed)."""
    return getattr(settings, "PURESPECTRUM_REDIRECT_HASH_SECRET", "") or ""


def strip_hash(url):
    """`url` without its ``ps_hash`` parameter; every other character as it was."""
    parts = urlsplit(url)
    kept = [item for item in parts.query.split("&") if item and item.split("=", 1)[0] != HASH_PARAMETER]
    return urlunsplit(parts._replace(query="&".join(kept)))


def sign_url(url, secret=None):
    """`url` with ``ps_hash`` appended: sha1(url without ps_hash + secret), hex; signing twice gives the same link."""
    secret = hash_secret() if secret is None else secret
    if not secret:
        raise ValueError("no redirect hash secret: set PURESPECTRUM_REDIRECT_HASH_SECRET")
    unsigned = strip_hash(url)
    digest = hashlib.sha1((unsigned + secret).encode()).hexdigest()
    separator = "&" if urlsplit(unsigned).query else "?"
    return f"{unsigned}{separator}{HASH_PARAMETER}={digest}"


def redirect_url(outcome, transaction_id=None):
    """The unsigned exit link: ``st`` first, then ``transaction_id`` (the placeholder unless one is given)."""
    value = TRANSACTION_PLACEHOLDER if transaction_id is None else quote(transaction_id, safe="")
    return f"{DONE_URL}?st={outcome.st}&transaction_id={value}"


def exit_redirects(transaction_id=None, secret=None):
    """The five exit links; signed when there is a secret and a real `transaction_id` (a hash over the
    placeholder would be refused: the survey platform signs each respondent's link)."""
    secret = hash_secret() if secret is None else secret
    sign = bool(secret) and bool(transaction_id)
    return [
        Redirect(
            o, sign_url(redirect_url(o, transaction_id), secret) if sign else redirect_url(o, transaction_id), sign
        )
        for o in OUTCOMES
    ]
