"""PureSpectrum's exit redirects: `st` codes, `ps_hash` against independent SHA-1 vectors, signed only for PMs."""

import hashlib

import pytest
from django.urls import reverse

from projects.models import SupplierKind
from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from reconciliations.redirects_purespectrum import OUTCOMES, exit_redirects, redirect_url, sign_url

# Vectors made with hashlib alone: sha1(<link> + <secret>).hexdigest().
VECTORS = [
    (
        "https://spectrumsurveys.com/surveydone?st=21&transaction_id=TX123",
        "s3cret",
        "c9cbbb85881259d1c54a2444472ff10eafd62338",
    ),
    (
        "https://spectrumsurveys.com/surveydone?st=18&transaction_id=a%2Fb%20c",
        "k",
        "6773f5018e178e395e3e4e68bf76bde7226fccf1",
    ),
]


@pytest.mark.parametrize(("url", "secret", "digest"), VECTORS)
def test_ps_hash_is_the_sha1_of_the_link_and_the_secret(url, secret, digest):
    assert hashlib.sha1((url + secret).encode()).hexdigest() == digest  # the vector itself
    assert sign_url(url, secret) == f"{url}&ps_hash={digest}"


def test_signing_twice_gives_the_same_link():
    url, secret, digest = VECTORS[0]

    assert sign_url(sign_url(url, secret), secret) == f"{url}&ps_hash={digest}"


def test_links_carry_st_first_then_the_transaction_id_escaped():
    complete = next(o for o in OUTCOMES if o.key == "complete")

    assert redirect_url(complete, "a/b c") == "https://spectrumsurveys.com/surveydone?st=21&transaction_id=a%2Fb%20c"
    assert [o.st for o in OUTCOMES] == [21, 18, 17, 20, 30]


def test_templates_are_never_signed_only_real_transaction_ids():
    assert not any(r.signed for r in exit_redirects(None, secret="k"))
    terminate = next(r for r in exit_redirects("a/b c", secret="k") if r.outcome.key == "terminate")
    assert terminate.url == f"{VECTORS[1][0]}&ps_hash={VECTORS[1][2]}"


@pytest.fixture
def survey(db):
    connection = ConnectionFactory(kind=SupplierKind.PURESPECTRUM, account_id="sandbox", label="PS")
    return TargetGroupFactory(project__connection=connection, project__remote_id="surveys", remote_id="77")


def url(survey, **params):
    return reverse("reconciliations:ps_redirects", args=[survey.pk]) + ("?transaction_id=TX123" if params else "")


def test_a_pm_gets_links_signed_for_a_transaction_id(pm_client, survey, settings):
    settings.PURESPECTRUM_REDIRECT_HASH_SECRET = "s3cret"

    html = pm_client.get(url(survey, signed=True)).content.decode()

    assert f"transaction_id=TX123&amp;ps_hash={VECTORS[0][2]}" in html
    assert "s3cret" not in html


def test_a_viewer_never_gets_a_signed_link(viewer_client, survey, settings):
    settings.PURESPECTRUM_REDIRECT_HASH_SECRET = "s3cret"

    html = viewer_client.get(url(survey, signed=True)).content.decode()

    assert VECTORS[0][2] not in html and "transaction_id=TX123</code>" in html
    assert "Signed links are for project managers" in html


def test_without_a_secret_nothing_is_signed(pm_client, survey, settings):
    settings.PURESPECTRUM_REDIRECT_HASH_SECRET = ""

    html = pm_client.get(url(survey, signed=True)).content.decode()

    assert "ps_hash=" not in html and "does not sign its redirects" in html
