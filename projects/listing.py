"""Search and sorting of target group lists (the dashboard and the project pages).

The search is a plain GET parameter (`q`), the sort another (`sort`: a column's key, "-" in front
for descending), so both live in the URL: a link keeps them, a reload shows the same list.
"""

from django.db.models import F, Q

from .queries import FINISHED_STATUSES  # noqa: F401  (listed as completed)

# Column key -> the ordering it stands for (ascending); ties go by name.
SORTS = {
    "name": ("name",),
    "project": ("project__name", "name"),
    "status": ("status", "name"),
    "locale": ("locale", "name"),
    "completes": ("current_completes", "name"),
    "goal": ("filling_goal", "name"),
    "updated": ("remote_updated_at", "name"),
}
RECENTLY_COMPLETED_SHOWN = 10


def search(queryset, q):
    """Target groups whose name, id (the supplier's or its human-readable one) or project name contain `q`."""
    q = (q or "").strip()
    if not q:
        return queryset
    return queryset.filter(
        Q(name__icontains=q)
        | Q(remote_id__icontains=q)
        | Q(human_readable_id__icontains=q)
        | Q(project__name__icontains=q)
        | Q(project__human_readable_id__icontains=q)
    )


def parse_sort(value):
    """(key, descending) of a `sort` parameter, or (None, False) when it names no column."""
    value = value or ""
    key = value.removeprefix("-")
    return (key, value.startswith("-")) if key in SORTS else (None, False)


def sort(queryset, value):
    key, descending = parse_sort(value)
    if key is None:
        return queryset
    first, *rest = SORTS[key]
    head = F(first).desc(nulls_last=True) if descending else F(first).asc(nulls_last=True)
    return queryset.order_by(head, *rest, "pk")
