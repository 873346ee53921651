"""A survey's exclusions as the PM picks them: the surveys it excludes now, a search of the account's other surveys
(a page of matches at most, however large the account), and which ticked ones can be excluded, each refusal in
words. The changes that send them are `surveys.AddExclusions` and `surveys.RemoveExclusion`."""

from django.db.models import Q

from projects.models import PENDING_PREFIX, TargetGroup

from .surveys import EXCLUSIONS, FINISHED

PICKER_ROWS = 20


def exclusions_of(tg):
    """[(survey id, the cockpit's target group or None)] the survey excludes."""
    ids = list((tg.details or {}).get(EXCLUSIONS) or [])
    known = {
        t.remote_id: t
        for t in TargetGroup.objects.filter(project__connection=tg.project.connection_id, remote_id__in=ids)
        .exclude(pk=tg.pk)
        .select_related("project")
    }
    return [(rid, known.get(rid)) for rid in ids]


def _others(tg):
    return (
        TargetGroup.objects.filter(project__connection=tg.project.connection_id, vanished_at__isnull=True)
        .exclude(pk=tg.pk)
        .exclude(remote_id__startswith=PENDING_PREFIX)
        .select_related("project")
    )


def why_not_excluded(other):
    """Why a survey cannot be excluded now ("" when it can)."""
    if other.status in FINISHED:
        return ""
    return f"{other.status_text}: only completed or closed surveys can be excluded."


def search(tg, query):
    """The connection's other surveys not excluded yet whose name has `query` or whose id is it, a page at most:
    ``([(survey, can be excluded, why not)…], whether there are more)``."""
    query = (query or "").strip()
    if not query:
        return [], False
    taken = list((tg.details or {}).get(EXCLUSIONS) or [])
    found = list(
        _others(tg)
        .filter(Q(name__icontains=query) | Q(remote_id__iexact=query))
        .exclude(remote_id__in=taken)
        .order_by("name", "pk")[: PICKER_ROWS + 1]
    )
    return [(other, not why_not_excluded(other), why_not_excluded(other)) for other in found[:PICKER_ROWS]], (
        len(found) > PICKER_ROWS
    )


def refusals(tg, pks):
    """``({pk: survey}, [why not…])`` for the target group pks a PM ticked: the surveys that can be excluded,
    and a sentence for each that cannot."""
    taken = set((tg.details or {}).get(EXCLUSIONS) or [])
    numbers = [pk for pk in pks if pk.isascii() and pk.isdigit() and len(pk) < 19]
    found = {str(other.pk): other for other in _others(tg).filter(pk__in=numbers)} if numbers else {}
    allowed, refused = {}, []
    for pk in pks:
        other = found.get(pk)
        if other is None:
            refused.append(f"No other survey of this account has the number {pk[:40]}: search for it and tick it.")
        elif other.remote_id in taken:
            refused.append(f"“{other.name}” is excluded already.")
        elif why_not_excluded(other):
            refused.append(f"“{other.name}” cannot be excluded: {why_not_excluded(other)}")
        else:
            allowed[pk] = other
    return allowed, refused
