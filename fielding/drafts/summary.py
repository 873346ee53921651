"""What the pages show of a draft's profiling: each question by name, each quota's share and
the completes it will ask for, and the profiles whose shares leave part of the goal unasked.

Before launch the supplier takes quotas as whole percentages of the filling goal (a regular
quota may also carry a count); at launch it splits the goal by them. An interlock's cells are
percentages only. The completes shown are that split, the largest remainders rounded up, so a
PM sees per cell what the launched target group will ask for.
"""

from fielding.models import Question
from fielding.profiling.profiles import apportion, condition_label

from .body import draft_body
from .library import questions_for


def question_names(connection, locale, *, fetch=True):
    """{question id: name} from the cached library (read once from the supplier when empty, if `fetch`)."""
    if fetch:
        questions, _ = questions_for(connection, locale)
    else:
        questions = Question.objects.filter(connection=connection, locale=locale)
    return dict(questions.values_list("question_id", "name"))


def question_name(draft, names):
    question_id = draft.get("question_id")
    return draft.get("_name") or names.get(question_id) or f"Question {question_id}"


def _whole(value):
    """A count or percentage as the supplier gave it, or None when it is not a whole number."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _items(value):
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def launch_completes(goal, quotas, *, counts=True):
    """The completes each quota asks for at launch: its count where it has one, else its share of `goal`."""
    split = apportion(goal or 0, [(_whole(quota.get("quota_percentage")) or 0) / 100 for quota in quotas])
    return [
        (_whole(quota.get("quota_nominal")) if counts else None) or share
        for quota, share in zip(quotas, split, strict=True)
    ]


def _totals(goal, percentages, completes, *, enabled=True):
    total, total_percentage = sum(completes), sum(p or 0 for p in percentages)
    short = ""
    if enabled and goal and total < goal:
        short = (
            f"These quotas add up to {total_percentage}%: they ask for {total} of the "
            f"{goal} completes, so the target group would stop short of its goal."
        )
    return {"total_percentage": total_percentage, "total_completes": total, "short": short}


def _label(conditions, index):
    if _whole(index) is not None and 0 <= index < len(conditions) and isinstance(conditions[index], dict):
        return condition_label(conditions[index])
    return f"#{index}"


def summarise_profile(draft, goal, names):
    """A regular profile: ``rows`` of (label, percentage, completes), its totals and any shortfall."""
    conditions = _items((draft.get("conditions") or {}).get("data"))
    quotas = draft.get("quotas") or {}
    grouped, ungrouped = _items(quotas.get("grouped")), _items(quotas.get("ungrouped"))
    labels = []
    for quota in grouped:
        indexes = quota.get("indexes") if isinstance(quota.get("indexes"), list) else []
        labels.append(f"{quota.get('name') or 'Group'} ({', '.join(_label(conditions, i) for i in indexes)})")
    for quota in ungrouped:
        labels.append(_label(conditions, quota.get("index", 0)))
    ordered = [*grouped, *ungrouped]
    completes = launch_completes(goal, ordered)
    percentages = [_whole(quota.get("quota_percentage")) for quota in ordered]
    rows = list(zip(labels, percentages, completes, strict=True))
    enabled = draft.get("quotas_enabled", True)
    if not rows:
        rows = [(condition_label(c), None, None) for c in conditions]
        enabled = False
    return {
        "question_id": draft.get("question_id"),
        "name": question_name(draft, names),
        "unit": draft.get("_unit", "percentage"),
        "quotas_enabled": draft.get("quotas_enabled", True),
        "grouped": bool(grouped),
        "rows": rows,
        **_totals(goal, percentages, [c or 0 for c in completes], enabled=enabled and bool(ordered)),
    }


def summarise_interlock(item, goal):
    """An interlocked profile: ``cells`` of (label, percentage, completes), its totals and any shortfall."""
    cells = _items((item.get("quotas") or {}).get("ungrouped"))
    percentages = [_whole(cell.get("quota_percentage")) for cell in cells]
    completes = launch_completes(goal, cells, counts=False)
    labels = [(cell.get("condition") or {}).get("text") or cell.get("id") or "" for cell in cells]
    return {
        "name": item.get("name") or "",
        "cells": list(zip(labels, percentages, completes, strict=True)),
        **_totals(goal, percentages, completes, enabled=item.get("quotas_enabled", True)),
    }


def summarise(body, names):
    """{"profiles": […], "interlocks": […]} of a draft body, for the draft and profiling pages."""
    goal = _whole(body.get("filling_goal")) or 0
    profile = body.get("profile") or {}
    return {
        "profiles": [summarise_profile(d, goal, names) for d in _items(profile.get("drafts"))],
        "interlocks": [summarise_interlock(i, goal) for i in _items(profile.get("interlocked_profiles"))],
    }


def shortfalls(body, names):
    """The sentences about profiles that ask for fewer completes than the goal, with the profile's name."""
    summary = summarise(body, names)
    return [
        f"{item['name']}: {item['short']}"
        for kind in ("interlocks", "profiles")
        for item in summary[kind]
        if item["short"]
    ]


def draft_profiling(tg):
    """The summary of a draft target group's profiling, questions named from the library."""
    return summarise(draft_body(tg), question_names(tg.project.connection, tg.locale))
