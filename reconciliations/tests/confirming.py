"""What a PM does to send a reconciliation: post it, read what it will do, and confirm that very list."""

import re

FINGERPRINT = re.compile(r'name="fingerprint" value="([0-9a-f]+)"')
CONFIRM = re.compile(r'name="confirmed" value="([^"]+)"')


def preview_of(response):
    """The confirmation's values in a page or partial: {"fingerprint": …, "confirmed": …}."""
    html = response.content.decode()
    fingerprint, confirmed = FINGERPRINT.search(html), CONFIRM.search(html)
    assert fingerprint and confirmed, "no confirmation in the answer"
    return {"fingerprint": fingerprint.group(1), "confirmed": confirmed.group(1)}


def post_confirmed(client, url, data, **extra):
    """Post `data`, then confirm what it will do; returns the confirmation's answer."""
    shown = client.post(url, data, **extra)
    assert shown.status_code == 200, shown.status_code
    return client.post(url, {**data, **preview_of(shown)}, **extra)
