"""Exit redirects and their signatures, checked against values computed independently.

The expected hashes below were computed outside the project with Python's
`hmac`/`hashlib`/`base64` (HMAC-SHA1 of the URL, base64 with + -> -, / -> _, "="
stripped); each test also recomputes them inline the same way.
"""

import base64
import hashlib
import hmac

import pytest
from django.urls import reverse

from reconciliations.redirects import OUTCOMES, exit_redirects, sign_url

RID = "0F1CE179-A917-49FF-9D50-B05FC91F7BD4"
CALLBACK = "https://samplicio.us/s/ClientCallBack.aspx"
HTMX = {"HTTP_HX_REQUEST": "true"}


def independent_hash(secret, url):
    digest = hmac.new(secret.encode(), url.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode().replace("+", "-").replace("/", "_").rstrip("=")


@pytest.mark.parametrize(
    ("secret", "url", "expected"),
    [
        ("key", "https://example.com/survey?rid=123", "pgzic2RqgC7FxbOTOy1zga8Wzvw"),
        ("key", "https://example.com/end?RID=r5", "mBcdgNvQlGz0_ZiQWSIiO-PD-rk"),  # '/' and '+' in plain base64
        (
            "s3cret",
            f"{CALLBACK}?RIS=10&RID={RID}",
            "ACB67ZwxLlEAkQgEbQ94FTKso28",
        ),
    ],
)
def test_sign_url_matches_known_vectors(secret, url, expected):
    assert independent_hash(secret, url) == expected
    assert sign_url(url, secret) == f"{url}&hash={expected}"


def test_a_url_without_query_gets_hash_as_its_first_parameter():
    assert (
        sign_url("https://example.com/survey", "key") == "https://example.com/survey?hash=5ZI319uergQWdHgejF2YpjguYzE"
    )


def test_an_existing_hash_is_left_out_of_the_signature_and_replaced():
    url = "https://example.com/survey?rid=123&hash=stale"
    assert sign_url(url, "key") == "https://example.com/survey?rid=123&hash=pgzic2RqgC7FxbOTOy1zga8Wzvw"
    assert sign_url(sign_url(url, "key"), "key") == sign_url(url, "key")


def test_the_secret_comes_from_settings_at_call_time(settings):
    settings.CINT_REDIRECT_HASH_SECRET = "key"
    assert sign_url("https://example.com/survey?rid=123").endswith("hash=pgzic2RqgC7FxbOTOy1zga8Wzvw")
    settings.CINT_REDIRECT_HASH_SECRET = ""
    with pytest.raises(ValueError):
        sign_url("https://example.com/survey?rid=123")


def test_the_four_exit_redirects_signed_for_a_rid():
    expected = {
        "complete": (10, "ACB67ZwxLlEAkQgEbQ94FTKso28"),
        "terminate": (20, "Sdfmss9YJ2_JgCHKOob3pPQvet0"),
        "overquota": (40, "ZXptNx1yg1j0CSLotHsi0u5Nj0c"),
        "quality_terminate": (30, "ReT3ZJQ4xcEpjnMzld3H1z43CcM"),
    }
    redirects = exit_redirects(RID, secret="s3cret")
    assert [r.outcome.key for r in redirects] == list(expected)
    for redirect in redirects:
        code, signature = expected[redirect.outcome.key]
        unsigned = f"{CALLBACK}?RIS={code}&RID={RID}"
        assert independent_hash("s3cret", unsigned) == signature
        assert redirect.url == f"{unsigned}&hash={signature}"
        assert redirect.signed


def test_templates_with_the_placeholder_are_never_signed():
    redirects = exit_redirects(None, secret="s3cret")
    assert [r.url for r in redirects] == [f"{CALLBACK}?RIS={code}&RID=[%RID%]" for code in (10, 20, 40, 30)]
    assert not any(r.signed for r in redirects)


def test_without_a_secret_links_are_unsigned(settings):
    settings.CINT_REDIRECT_HASH_SECRET = ""
    assert all("hash=" not in r.url for r in exit_redirects(RID))


def test_s2s_codes_follow_the_guide():
    assert {o.key: o.s2s_code for o in OUTCOMES} == {
        "complete": 5,
        "terminate": 2,
        "overquota": 3,
        "quality_terminate": 4,
    }


# --- the view and its partial -----------------------------------------------------------


@pytest.fixture
def tg(db):
    from projects.tests.factories import TargetGroupFactory

    return TargetGroupFactory(name="US adults", live_url="https://survey.example/s?rid=[%RID%]")


def test_redirect_page_shows_the_links_and_the_s2s_reference(viewer_client, tg, settings):
    settings.CINT_REDIRECT_HASH_SECRET = ""
    response = viewer_client.get(reverse("reconciliations:redirects", args=[tg.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html and "US adults" in html
    for code in (10, 20, 40, 30):
        assert f"{CALLBACK}?RIS={code}&amp;RID=[%RID%]" in html
    assert "does not sign its redirects" in html
    for text in ("S2S", "fulfillment/respondents/transition", "Wait for the success answer", "has [%RID%]"):
        assert text in html
    for code in (5, 2, 3, 4):
        assert f"<strong>{code}</strong>" in html


def test_redirect_partial_signs_links_for_an_rid_with_hashing_on(pm_client, tg, settings):
    settings.CINT_REDIRECT_HASH_SECRET = "s3cret"
    url = reverse("reconciliations:redirects", args=[tg.pk])
    response = pm_client.get(url, {"rid": RID}, **HTMX)
    html = response.content.decode()
    assert "<html" not in html and 'id="redirects"' in html
    assert f"RIS=10&amp;RID={RID}&amp;hash=ACB67ZwxLlEAkQgEbQ94FTKso28" in html
    assert "s3cret" not in html
    unsigned = pm_client.get(url, **HTMX).content.decode()
    assert "hash=" not in unsigned.split("How the hash is made")[0] and "Enter an RID" in unsigned


def test_a_viewer_gets_unsigned_links_with_hashing_on(viewer_client, tg, settings):
    settings.CINT_REDIRECT_HASH_SECRET = "s3cret"
    url = reverse("reconciliations:redirects", args=[tg.pk])
    for extra in ({}, HTMX):
        html = viewer_client.get(url, {"rid": RID}, **extra).content.decode()
        assert f"RIS=10&amp;RID={RID}" in html
        assert "hash=" not in html.split("How the hash is made")[0]
        assert ">signed</span>" not in html
        assert "Signed links are for project managers" in html


def test_the_partial_included_with_only_the_target_group_loads_itself(tg):
    from django.template.loader import render_to_string

    html = render_to_string("reconciliations/_redirects.html", {"tg": tg})
    url = reverse("reconciliations:redirects", args=[tg.pk])
    assert f'hx-get="{url}"' in html and 'hx-trigger="load"' in html and f'href="{url}"' in html
