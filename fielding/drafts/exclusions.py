"""A draft's exclusions: the other target groups whose respondents may not take it.

The supplier knows them by their 26-character ids; the PM finds them by name or id (a search that
shows a page of matches at most, however large the account) among the target groups the cockpit
mirrors for the same account. An id the cockpit does not know (set in the supplier's own site, say)
is kept and shown as an id. Which ids a draft may exclude is decided here, on the server, in words.
"""

from django.db.models import Q
from django.urls import reverse

from projects.models import PENDING_PREFIX, TargetGroup

NOT_MIRRORED = "Not in the cockpit"
PICKER_ROWS = 20


def excluded_ids(body):
    """The target group ids a draft body excludes, in order."""
    exclusion = body.get("exclusion") or {}
    ids = [
        str(i)
        for entry in exclusion.get("list") or []
        if entry.get("entity_type", "target_group") == "target_group"
        for i in entry.get("entity_ids") or []
    ]
    return list(dict.fromkeys(ids))


def _candidates(connection, exclude=None):
    tgs = (
        TargetGroup.objects.filter(project__connection=connection, vanished_at__isnull=True)
        .exclude(remote_id="")
        .exclude(remote_id__startswith=PENDING_PREFIX)
        .select_related("project")
        .only("pk", "remote_id", "name", "status", "human_readable_id", "project__name")
        .order_by("project__name", "project_id", "name", "pk")
    )
    return tgs.exclude(pk=exclude.pk) if exclude is not None and exclude.pk else tgs


def label(tg):
    hrid = f" · {tg.human_readable_id}" if tg.human_readable_id else ""
    return f"{tg.name}{hrid} ({tg.get_status_display().lower()})"


class Choice:
    """One target group as the picker shows it: its id, its name and its project (none when not mirrored)."""

    def __init__(self, remote_id, tg=None):
        self.remote_id = remote_id
        self.label = label(tg) if tg is not None else f"Target group {remote_id}"
        self.project = tg.project.name if tg is not None else NOT_MIRRORED


def chosen(connection, ids, *, exclude=None):
    """The picker's chosen exclusions, in order: by name and project where mirrored, else by id."""
    ids = [str(i) for i in dict.fromkeys(ids) if i]
    known = {tg.remote_id: tg for tg in _candidates(connection, exclude).filter(remote_id__in=ids)} if ids else {}
    return [Choice(i, known.get(i)) for i in ids]


def search(connection, query, *, exclude=None, leave_out=()):
    """Target groups a draft may exclude whose name or project has `query`, or whose id is it: a page at most,
    and whether there are more."""
    query = (query or "").strip()
    if not query:
        return [], False
    words = Q(name__icontains=query) | Q(project__name__icontains=query)
    ids = Q(remote_id__iexact=query) | Q(human_readable_id__iexact=query)
    found = list(
        _candidates(connection, exclude).filter(words | ids).exclude(remote_id__in=list(leave_out))[: PICKER_ROWS + 1]
    )
    return [Choice(tg.remote_id, tg) for tg in found[:PICKER_ROWS]], len(found) > PICKER_ROWS


def picker(project, tg, ids, query):
    """What the draft form's picker shows: the chosen target groups (`ids`), the matches of `query` (a page at
    most) not chosen yet, and where it searches (`tg` is the draft, None for a new one)."""
    chosen_now = chosen(project.connection, ids, exclude=tg)
    found, more = search(project.connection, query, exclude=tg, leave_out=[choice.remote_id for choice in chosen_now])
    if tg is not None:
        url = reverse("fielding:draft_exclusions", args=[tg.pk])
    else:
        url = reverse("fielding:draft_exclusions_new", args=[project.pk])
    return {
        "query": (query or "").strip(),
        "chosen": chosen_now,
        "found": found,
        "more": more,
        "rows": PICKER_ROWS,
        "url": url,
    }


def refusals(connection, ids, *, exclude=None, kept=()):
    """Why some of `ids` cannot be excluded, one sentence each; none when every one can.

    A mirrored target group of the account (not the draft itself, not one the supplier has not created)
    can; an id the draft already excluded is kept, mirrored or not."""
    kept = set(kept)
    allowed = set(_candidates(connection, exclude).filter(remote_id__in=ids).values_list("remote_id", flat=True))
    doubtful = [i for i in ids if i not in allowed and i not in kept]
    if not doubtful:
        return []
    seen = {}
    for tg in TargetGroup.objects.filter(remote_id__in=doubtful).select_related("project"):
        if seen.get(tg.remote_id) is None or tg.project.connection_id == connection.pk:
            seen[tg.remote_id] = tg
    return [_why(connection, i, seen.get(i), exclude) for i in doubtful]


def _why(connection, remote_id, tg, exclude):
    if tg is None:
        return f"No target group of this account has the id {remote_id}: search for it by name or id and tick it."
    if exclude is not None and tg.pk == exclude.pk:
        return f"“{tg.name}” is this target group: it cannot exclude its own respondents."
    if tg.project.connection_id != connection.pk:
        return f"“{tg.name}” belongs to another supplier account: only this account's target groups can be excluded."
    if tg.vanished_at is not None:
        return f"“{tg.name}” is no longer at the supplier: it cannot be excluded."
    return f"“{tg.name}” is not created at the supplier yet: it can be excluded once it has an id."


def excluded_names(connection, body):
    """What a draft page shows of its exclusions: "name (project)" per target group, or the id."""
    ids = excluded_ids(body)
    found = {tg.remote_id: f"{tg.name} ({tg.project.name})" for tg in _candidates(connection).filter(remote_id__in=ids)}
    return [found.get(i, f"Target group {i}") for i in ids]
