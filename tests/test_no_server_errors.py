"""Every URL of the cockpit, in every supplier's context, answers without a server error.

The demo is seeded into the sandbox served by `live_server`, so the pages that read the
supplier at request time read a supplier that answers as the real ones do. Each URL pattern
is then opened with the ids of a target group of each supplier in each state (live, draft,
finished) as a project manager and as a viewer: a plain GET, the same through htmx, and an
empty POST. A page a target group's supplier cannot serve answers 404 with the layout; none
answers 5xx.
"""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from projects.models import TargetGroup
from quotas.models import InterlockedProfile, Profile, Quota

pytestmark = pytest.mark.django_db(transaction=True)

# Routes that end the session or that no person opens (the supplier's webhooks have their own tests).
SKIPPED = {"logout", "sync:webhook"}
ACTIONS = ["pause", "resume", "complete", "relaunch", "schedule", "close", "activate", "not-an-action"]


def patterns(resolvers=None, prefix="", namespace=""):
    """(name, pattern) of every route of the cockpit, the admin and the sandbox aside."""
    for entry in get_resolver().url_patterns if resolvers is None else resolvers:
        if isinstance(entry, URLResolver):
            route = str(entry.pattern)
            if route.startswith(("admin/", "sandbox/")):
                continue
            yield from patterns(entry.url_patterns, prefix + route, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            if name not in SKIPPED:
                yield name, entry.pattern


@pytest.fixture
def demo(live_server, settings):
    """The demo of all three suppliers, the sandbox answering over HTTP on the live server."""
    settings.SITE_URL = live_server.url
    settings.CINT_BASE_URL = live_server.url + "/sandbox/cint/v1"
    settings.CINT_AUTH_URL = live_server.url + "/sandbox/cint/oauth/token"
    settings.PURESPECTRUM_BASE_URL = live_server.url + "/sandbox/purespectrum/buyers/v2"
    settings.AUDIENCE_ALIGN_BASE_URL = live_server.url + "/sandbox/audience-align/v1"
    settings.SANDBOX_JOB_SECONDS = 0
    from django.core.cache import cache

    cache.clear()
    call_command("seed_demo", stdout=StringIO())
    contexts = {}
    for kind in ("cint", "purespectrum", "audience_align"):
        groups = TargetGroup.objects.filter(project__connection__kind=kind).order_by("pk")
        live = groups.filter(status=TargetGroup.Status.LIVE).first()
        contexts[f"{kind} live"] = live
        draft = groups.filter(status=TargetGroup.Status.DRAFT).first()
        if draft is not None:
            contexts[f"{kind} draft"] = draft
        finished = groups.filter(status=TargetGroup.Status.LIVE).exclude(pk=live.pk).first()
        if finished is not None:
            TargetGroup.objects.filter(pk=finished.pk).update(status=TargetGroup.Status.COMPLETED)
            contexts[f"{kind} finished"] = TargetGroup.objects.get(pk=finished.pk)
    study_of_demo(contexts)
    return contexts


def study_of_demo(contexts):
    """A study fielded on the live target group of each supplier, its plan typed and its mapping proposed."""
    from studies.mapping import propose_mappings
    from studies.models import Attachment, Study
    from studies.planning.parsing import build_cells, parse_dimensions
    from studies.planning.saving import save_plan

    now = timezone.now()
    study = Study.objects.create(name="Demo study", goal=600, field_start=now, field_end=now + timedelta(days=14))
    dimensions = parse_dimensions("Gender: Male, Female\nAge: 18-34, 35-54, 55+")
    cells = build_cells(dimensions, [])
    for cell in cells:
        cell.goal = 100
    save_plan(study, dimensions, cells)
    for kind in ("cint", "purespectrum", "audience_align"):
        Attachment.objects.create(study=study, target_group=contexts[f"{kind} live"])
    propose_mappings(study)


def ids_for(tg):
    """The values a route's arguments take in `tg`'s context: its own rows where it has them."""
    profile = Profile.objects.filter(target_group=tg).first()
    quota = Quota.objects.filter(profile__target_group=tg).first()
    interlock = InterlockedProfile.objects.filter(target_group=tg).first()
    change = tg.changes.first()
    return {
        "project_pk": tg.project_id,
        "connection_pk": tg.project.connection_id,
        "profile_pk": profile.pk if profile else 1,
        "question_id": int(profile.remote_id) if profile and str(profile.remote_id).isdigit() else 42,
        "row_pk": quota.pk if quota else 1,
        "interlock_pk": interlock.pk if interlock else 1,
        "change_pk": change.pk if change else 1,
        "index": 0,
        "survey_id": "S-1",
        "reconciliation_pk": 1,
        "attachment_pk": study_row("attachments"),
        "mapping_pk": study_row("mappings"),
    }


def study_row(related):
    """The pk of the demo study's first attachment or mapping (1 where it has none)."""
    from studies.models import Study

    study = Study.objects.order_by("pk").first()
    row = getattr(study, related).order_by("pk").first() if study else None
    return row.pk if row else 1


def pk_for(route, tg):
    """`pk` names a target group, a project, a connection or a row of its own, by the route."""
    if route.startswith("target-groups/"):
        return tg.pk
    if route.startswith("projects/"):
        return tg.project_id
    if route.startswith("reconciliation/<int:pk>"):
        return tg.project.connection_id
    if route.startswith("studies/<int:pk>"):
        from studies.models import Study

        return Study.objects.order_by("pk").values_list("pk", flat=True).first() or 1
    return 1


def urls(tg):
    values = ids_for(tg)
    for name, pattern in patterns():
        route = str(pattern)
        arguments = {key: values.get(key) for key in pattern.converters}
        if "pk" in pattern.converters:
            arguments["pk"] = pk_for(route, tg)
        for action in ACTIONS if "action" in pattern.converters else [None]:
            if action:
                arguments["action"] = action
            yield name, _fill(route, arguments)


def _fill(route, arguments):
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(arguments[m.group(1)]), route)


LINK = re.compile(r'(?:href|hx-get)="(/[^"#?]*)[^"]*"')


def walk(client, tg):
    errors, pages = [], []
    for name, path in urls(tg):
        for method, headers in (("get", {}), ("get", {"HTTP_HX_REQUEST": "true"}), ("post", {})):
            response = getattr(client, method)(path, **headers)
            if response.status_code >= 500:
                errors.append(f"{method.upper()} {path} ({name}{' htmx' if headers else ''}): {response.status_code}")
            elif response.status_code == 404 and not headers and b'class="topbar"' not in response.content:
                errors.append(f"{method.upper()} {path} ({name}): 404 without the layout")
            elif response.status_code == 200 and method == "get" and "html" in response.get("Content-Type", ""):
                pages.append((path, response.content.decode()))
    return errors + dead_links(client, pages)


def dead_links(client, pages):
    """A page links only to what its target group's supplier can serve: no link it shows answers 404 or 5xx."""
    errors, seen = [], set()
    for page, html in pages:
        for link in set(LINK.findall(html)) - seen:
            seen.add(link)
            if link.startswith(("/static/", "/admin/", "/sandbox/", "/logout")):
                continue
            status = client.get(link).status_code
            if status == 404 or status >= 500:
                errors.append(f"{page} links to {link}, which answers {status}")
    return errors


def test_no_url_answers_a_server_error_in_any_suppliers_context(demo):
    assert {
        "cint live",
        "cint draft",
        "cint finished",
        "purespectrum live",
        "purespectrum draft",
        "audience_align live",
        "audience_align finished",
    } <= set(demo)
    errors = []
    for user in User.objects.filter(username__in=["pm", "viewer"]):  # the demo's logins
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for label, tg in demo.items():
            errors += [f"[{user.username}, {label}] {error}" for error in walk(client, tg)]
    assert errors == [], "\n".join(errors)
