"""A draft's exclusions: the other target groups whose respondents may not take it.

The supplier knows them by their 26-character ids; the PM picks them by name, grouped by
project, from the target groups the cockpit mirrors for the same account. An id the
cockpit does not know (set in the supplier's own site, say) is kept and shown as an id.
"""

from projects.models import PENDING_PREFIX, TargetGroup

NOT_MIRRORED = "Not in the cockpit"


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
        .order_by("project__name", "project_id", "name")
    )
    return tgs.exclude(pk=exclude.pk) if exclude is not None and exclude.pk else tgs


def _label(tg):
    hrid = f" · {tg.human_readable_id}" if tg.human_readable_id else ""
    return f"{tg.name}{hrid} ({tg.get_status_display().lower()})"


def exclusion_choices(connection, *, exclude=None, kept=()):
    """Grouped choices ``[(project name, [(id, label)…])…]`` of the target groups a draft may exclude;
    `kept` ids the cockpit does not mirror come last, under their own heading."""
    groups, known = {}, set()
    for tg in _candidates(connection, exclude):
        groups.setdefault((tg.project_id, tg.project.name), []).append((tg.remote_id, _label(tg)))
        known.add(tg.remote_id)
    choices = [(name, items) for (_, name), items in groups.items()]
    unknown = [i for i in kept if i and i not in known]
    if unknown:
        choices.append((NOT_MIRRORED, [(i, f"Target group {i}") for i in unknown]))
    return choices


def excluded_names(connection, body):
    """What a draft page shows of its exclusions: "name (project)" per target group, or the id."""
    ids = excluded_ids(body)
    found = {tg.remote_id: f"{tg.name} ({tg.project.name})" for tg in _candidates(connection).filter(remote_id__in=ids)}
    return [found.get(i, f"Target group {i}") for i in ids]
