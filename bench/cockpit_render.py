"""How much the target group page costs beyond rendering its template.

For a TG of 20 profiles × 10 quotas and one of 60 × 20, prints the median server
time of GET /target-groups/<pk>/ (queries, context building, template) divided by
the median time of rendering the same template from prebuilt plain dicts (the
floor: no database, no model code). Both are measured in this one run.

    python bench/cockpit_render.py [--repeat N]
"""

import argparse
import statistics
import time

from _django import setup

setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.urls import reverse  # noqa: E402

from fielding.views import fielding_panel_context  # noqa: E402
from projects.models import Project, Role, SupplierConnection, TargetGroup  # noqa: E402
from quotas import page  # noqa: E402
from quotas.forms import FillingGoalForm, InterlockForm  # noqa: E402
from quotas.models import InterlockCell, InterlockedProfile, Profile, Quota  # noqa: E402
from sync.models import RemoteChange  # noqa: E402


def build(profiles, quotas, connection, user):
    project = Project.objects.create(connection=connection, remote_id=f"P{profiles}x{quotas}", name="Bench project")
    tg = TargetGroup.objects.create(
        project=project, remote_id=f"TG{profiles}x{quotas}", name=f"Bench {profiles}x{quotas}",
        status="live", locale="eng_us", filling_goal=1000, current_completes=400,
    )
    rows = Profile.objects.bulk_create(
        Profile(target_group=tg, remote_id=f"P{i}", question_id=i, name=f"QUESTION {i}", position=i)
        for i in range(profiles)
    )
    Quota.objects.bulk_create(
        Quota(profile=p, remote_id=f"{p.pk}-{j}", text=f"Option {j}", completes_goal=50, completes=j * 3,
              prescreens=j * 9, position=j)
        for p in rows for j in range(quotas)
    )
    interlock = InterlockedProfile.objects.create(target_group=tg, remote_id="IL", name="QUESTION 0, QUESTION 1")
    InterlockCell.objects.bulk_create(
        InterlockCell(interlocked_profile=interlock, remote_id=f"C{j}", text=f"Option {j}, Option {j}", position=j)
        for j in range(quotas)
    )
    Profile.objects.filter(pk__in=[rows[0].pk, rows[1].pk]).update(interlocked_profile=interlock)
    for p in rows[:5]:
        RemoteChange.objects.create(kind="disable_quotas", connection=connection, target_group=tg, profile=p,
                                    requested_by=user, state="applied")
    return tg


# -- the floor: the same template, from plain dicts ------------------------------------

def plain_change(c):
    return c and {"pk": c.pk, "is_settled": c.is_settled, "state": c.state, "get_state_display": c.get_state_display(),
                  "description": c.description, "message": c.message, "created_at": c.created_at,
                  "attempts": c.attempts, "requested_by": c.requested_by and {
                      "get_full_name": c.requested_by.get_full_name(), "username": c.requested_by.username}}


def plain_quota(q):
    return {"pk": q.pk, "text": q.text, "completes_goal": q.completes_goal, "completes": q.completes,
            "prescreens": q.prescreens, "remote_id": q.remote_id}


def plain_tg(tg):
    values = {f.attname: getattr(tg, f.attname) for f in tg._meta.concrete_fields}
    values.update(pk=tg.pk, get_absolute_url=tg.get_absolute_url(), get_status_display=tg.get_status_display(),
                  is_launched=tg.is_launched,
                  project={"name": tg.project.name, "get_absolute_url": tg.project.get_absolute_url()})
    return values


def plain_context(tg, user):
    ctx = page.profiles_context(tg)
    profiles = [
        {"pk": p.pk, "name": p.name, "description": p.description, "quotas_enabled": p.quotas_enabled,
         "interlocked_profile": p.interlocked_profile and {"name": p.interlocked_profile.name},
         "latest_change": plain_change(p.latest_change),
         "ungrouped": [plain_quota(q) for q in p.ungrouped], "grouped": [plain_quota(q) for q in p.grouped]}
        for p in ctx["profiles"]
    ]
    interlocks = [
        {"pk": i.pk, "name": i.name, "quotas_enabled": i.quotas_enabled,
         "profiles": {"all": [{"name": p.name} for p in i.profiles.all()]},
         "cells": {"all": [plain_quota(c) for c in i.cells.all()]}}
        for i in ctx["interlocks"]
    ]
    return {
        "tg": plain_tg(tg), "profiles": profiles, "interlocks": interlocks,
        "interlock_change": plain_change(ctx["interlock_change"]), "tg_change": plain_change(ctx["tg_change"]),
        "changes": [plain_change(c) for c in page.changes_panel(tg)],
        "interlock_form": InterlockForm(target_group=tg, profiles=ctx["profiles"]),
        "filling_goal_form": FillingGoalForm(initial={"filling_goal": tg.filling_goal}),
        **fielding_panel_context(tg, user),
    }


def median_seconds(fn, repeat):
    fn()  # warm caches (templates, URL resolver)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    connection = SupplierConnection.objects.create(kind="cint", account_id="bench", label="Bench")
    user = User.objects.create_user("bench-pm", password="x")
    user.groups.add(Group.objects.get(name=Role.PROJECT_MANAGERS))
    client = Client()
    client.force_login(user)
    request = RequestFactory().get("/")
    request.user = user
    request.htmx = False

    print(f"{'profiles x quotas':>18} {'page (ms)':>10} {'floor (ms)':>11} {'ratio':>7}")
    for profiles, quotas in ((20, 10), (60, 20)):
        tg = build(profiles, quotas, connection, user)
        url = reverse("quotas:target_group", args=[tg.pk])

        def served(url=url):
            response = client.get(url)
            assert response.status_code == 200

        context = plain_context(tg, user)

        def floor(context=context):
            render_to_string("quotas/target_group.html", context, request)

        ours, base = median_seconds(served, args.repeat), median_seconds(floor, args.repeat)
        print(f"{profiles:>8} x {quotas:<8} {ours * 1000:>10.1f} {base * 1000:>11.1f} {ours / base:>7.2f}")


if __name__ == "__main__":
    main()
