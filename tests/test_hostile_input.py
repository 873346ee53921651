"""Every form of every supplier, sent hostile values, answers without a server error and, when it
refuses them, leaves every stored value as it was.

The forms are those the pages show a project manager (found by reading the pages of a target group of
each supplier in each state, as `test_no_server_errors` opens them), each field sent in turn a number
past any column's range, a negative number, a word where a number goes and a 1 MB text, and each form as
a whole a NUL character, unicode, nothing at all, and every field twice. A form that recorded no change
for the supplier (refused, or nothing to send) must have changed nothing the cockpit stores.
"""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.test import Client

from fielding.models import FieldingJob, SupplierLookup
from projects.models import Project, TargetGroup
from quotas.models import InterlockedProfile, Profile, Quota
from sync.models import RemoteChange

from .test_no_server_errors import demo, urls  # noqa: F401  (the fixture and the routes)

pytestmark = pytest.mark.django_db(transaction=True)

HUGE = "99999999999999999999999999"
MEGABYTE = "x" * 1_000_000
UNICODE = "Ünïcødé ✓ 🙂 \u202e مرحبا"
# Forms that change no supplier data (a refresh re-reads the supplier; preferences are the PM's own), or end
# the session.
SKIPPED_ACTIONS = ("/logout/", "/preferences/", "/refresh/")


class Forms(HTMLParser):
    """The POST forms of a page: [(action, [(name, value)])], with the values the page filled in. A field
    outside its form that names it (``form="grid-form"``, as the quota grid's fields do) is one of its fields."""

    def __init__(self, page):
        super().__init__()
        self.page, self.forms, self.form, self.select, self.textarea = page, [], None, None, None
        self.named, self.waiting = {}, {}  # forms by id; fields naming a form not read yet

    def _owner(self, attrs):
        """The form a field belongs to: the one it names, else the one it is in (None: no form)."""
        if not attrs.get("form"):
            return self.form
        return self.named.get(attrs["form"]) or (attrs["form"], self.waiting.setdefault(attrs["form"], []))

    @staticmethod
    def _add(owner, field):
        if owner is not None:
            owner[1].append(field)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method", "").lower() == "post" or "hx-post" in attrs):
            self.form = (attrs.get("hx-post") or attrs.get("action") or self.page, [])
            self.forms.append(self.form)
            if attrs.get("id"):
                self.named[attrs["id"]] = self.form
                self.form[1].extend(self.waiting.pop(attrs["id"], []))
        elif tag == "option" and self.select is not None:
            self.select[1] = self.select[1] if self.select[1] is not None else attrs.get("value", "")
            if "selected" in attrs:
                self.select[2] = attrs.get("value", "")
        elif not attrs.get("name") or self._owner(attrs) is None:
            return
        elif tag == "input" and attrs.get("type") not in ("submit", "button", "file", "reset"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self._add(self._owner(attrs), (attrs["name"], attrs.get("value") or ""))
        elif tag == "select":
            self.select = [attrs["name"], None, None, self._owner(attrs)]  # name, first, selected option, form
        elif tag == "textarea":
            self.textarea = [attrs["name"], "", self._owner(attrs)]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select" and self.select is not None:
            name, first, chosen, owner = self.select
            self._add(owner, (name, chosen if chosen is not None else first or ""))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, text, owner = self.textarea
            self._add(owner, (name, text))
            self.textarea = None


def forms_of(client, contexts):
    """[(context, action, fields)]: each form once, where it was first seen."""
    found = {}
    for label, tg in contexts.items():
        for _, path in urls(tg):
            response = client.get(path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = Forms(path)
            parser.feed(response.content.decode())
            for action, fields in parser.forms:
                if action.startswith("/") and not any(skipped in action for skipped in SKIPPED_ACTIONS):
                    found.setdefault((action, tuple(name for name, _ in fields)), (label, fields))
    return [(label, action, fields) for (action, _), (label, fields) in found.items()]


def _numeric(value):
    return value == "" or value.lstrip("-").replace(".", "", 1).isdigit()


def variants(fields):
    """(what, data) pairs: each field hostile in turn, then the form as a whole."""
    plain = [(name, value) for name, value in fields if name != "csrfmiddlewaretoken"]
    for index, (name, value) in enumerate(plain):
        # a number where text goes is no harder than a word: numbers go where numbers may, words and 1 MB elsewhere
        hostile = (("huge", HUGE), ("negative", "-1"), ("word", "abc")) if _numeric(value) else (("1 MB", MEGABYTE),)
        for what, text in hostile:
            yield f"{name}={what}", plain[:index] + [(name, text)] + plain[index + 1 :]
    yield "NUL", [(name, value + "\x00") for name, value in plain]
    yield "unicode", [(name, UNICODE) for name, _ in plain]
    yield "nothing", []
    yield "every field twice", plain + [(name, "abc") for name, _ in plain]


def stored():
    """What the cockpit stores of the supplier's data, and what it asked of the supplier."""
    return {
        "projects": list(Project.objects.order_by("pk").values()),
        "target groups": list(TargetGroup.objects.order_by("pk").values()),
        "profiles": list(Profile.objects.order_by("pk").values()),
        "quotas": list(Quota.objects.order_by("pk").values()),
        "interlocks": list(InterlockedProfile.objects.order_by("pk").values()),
    }


def asked():
    return (RemoteChange.objects.count(), SupplierLookup.objects.count(), FieldingJob.objects.count())


def post(client, action, data, **headers):
    body = {}
    for name, value in data:
        body.setdefault(name, []).append(value)
    return client.post(action, body, **headers)


def test_hostile_values_in_every_form_answer_no_server_error_and_a_refusal_changes_nothing(demo):  # noqa: F811
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username="pm"))
    errors, sent = [], 0
    for label, action, fields in forms_of(client, demo):
        for what, data in variants(fields):
            before, before_asked = stored(), asked()
            # the page's own request, and the same through htmx (whose answers are other templates)
            for how, headers in (("", {}), (" htmx", {"HTTP_HX_REQUEST": "true"})):
                status = post(client, action, data, **headers).status_code
                sent += 1
                if status >= 500:
                    errors.append(f"[{label}] POST {action} ({what}{how}): {status}")
            if asked() == before_asked and stored() != before:
                errors.append(f"[{label}] POST {action} ({what}): refused, yet stored values changed")
    assert sent > 300  # the pages showed their forms
    assert errors == [], "\n".join(errors)
