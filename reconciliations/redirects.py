"""Respondent exit redirects back to the Cint Exchange, signed when the account hashes them.

At the end of a survey the survey platform sends the respondent back to Cint with
one of four outcomes. The Cint guide ("The respondent journey and implementing
secure redirects") gives the callback address ``https://samplicio.us/s/ClientCallBack.aspx``
and says URL redirects carry the Exchange/Marketplace status code, not the S2S one;
the code travels in the ``RIS`` parameter and the respondent's id in ``RID``.

An account set up for hashed redirects (``CINT_REDIRECT_HASH_SECRET``) must append
a ``hash`` parameter to every redirect: see `sign_url`.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from django.conf import settings

CALLBACK_URL = "https://samplicio.us/s/ClientCallBack.aspx"
RID_PLACEHOLDER = "[%RID%]"
HASH_PARAMETER = "hash"


@dataclass(frozen=True)
class Outcome:
    key: str
    label: str
    exchange_code: int  # in the redirect URL (RIS)
    s2s_code: int  # in the S2S transition call
    meaning: str


OUTCOMES = (
    Outcome("complete", "Complete", 10, 5, "The respondent qualified and finished the survey."),
    Outcome("terminate", "Terminate", 20, 2, "The respondent did not qualify (screen-out)."),
    Outcome("overquota", "Overquota", 40, 3, "The respondent qualified, but the quota they belong to is full."),
    Outcome(
        "quality_terminate",
        "Quality terminate",
        30,
        4,
        "Removed for quality or security reasons, e.g. failed checks (S2S calls it security terminate).",
    ),
)


@dataclass(frozen=True)
class Redirect:
    outcome: Outcome
    url: str
    signed: bool


def hash_secret():
    """The account's redirect-hashing secret, read at call time ("" when hashing is off)."""
    return getattr(settings, "CINT_REDIRECT_HASH_SECRET", "") or ""


def sign_url(url, secret=None):
    """Return `url` with Cint's ``hash`` parameter appended.

    The hash is an HMAC-SHA1 of the full URL as it will be requested, scheme to
    last query parameter, *without* any ``hash`` parameter, keyed with the
    account's secret; it is encoded as URL-safe base64 (``-`` and ``_`` instead of
    ``+`` and ``/``) with the ``=`` padding removed, and appended as the last
    parameter. A ``hash`` already on `url` is dropped and computed again, so
    signing twice gives the same link. `secret` defaults to
    ``settings.CINT_REDIRECT_HASH_SECRET``.
    """
    secret = hash_secret() if secret is None else secret
    if not secret:
        raise ValueError("no redirect hash secret: set CINT_REDIRECT_HASH_SECRET")
    unsigned = strip_hash(url)
    digest = hmac.new(secret.encode(), unsigned.encode(), hashlib.sha1).digest()
    signature = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    separator = "&" if urlsplit(unsigned).query else ("" if unsigned.endswith("?") else "?")
    return f"{unsigned}{separator}{HASH_PARAMETER}={signature}"


def strip_hash(url):
    """`url` without its ``hash`` parameter; every other character is kept as it was."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    kept = [item for item in parts.query.split("&") if item.split("=", 1)[0] != HASH_PARAMETER]
    return urlunsplit(parts._replace(query="&".join(kept)))


def redirect_url(outcome, rid=None):
    """The unsigned exit redirect for `outcome`; the RID placeholder unless `rid` is given."""
    rid_value = RID_PLACEHOLDER if rid is None else quote(rid, safe="")
    query = urlencode({"RIS": outcome.exchange_code}) + f"&RID={rid_value}"
    return f"{CALLBACK_URL}?{query}"


def exit_redirects(rid=None, secret=None):
    """The four exit redirects; signed when hashing is on and a real `rid` is given.

    A hash covers the whole URL, RID included, so a link with the ``[%RID%]``
    placeholder cannot carry a valid one: the survey platform signs each
    respondent's link after filling the RID in.
    """
    secret = hash_secret() if secret is None else secret
    sign = bool(secret) and bool(rid)
    redirects = []
    for outcome in OUTCOMES:
        url = redirect_url(outcome, rid)
        redirects.append(Redirect(outcome, sign_url(url, secret) if sign else url, sign))
    return redirects
