"""Search, sorting and pages of target group lists (the dashboard and the project pages).

The search is a plain GET parameter (`q`), the sort another (`sort`: a column's key, "-" in front
for descending), the page a third (`page`), so all live in the URL: a link keeps them, a reload shows
the same list. A list reads one page of keys (ordered and counted in the database), then that page's
rows with what they show: its cost does not grow with the account.
"""

from django.core.paginator import Paginator
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
    "attention": ("attention_rank", "project__name", "name"),  # needs an alias from queries.with_attention_rank
    # The figures the cost step stores per target group (`costs.models.TargetGroupFigures`, `figures`).
    "pace": ("figures__per_day", "name"),
    "finish": ("figures__finish_at", "name"),
    "spend": ("figures__spend", "name"),
}
RECENTLY_COMPLETED_SHOWN = 10
PAGE_SIZE = 25


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


def sort(queryset, value, default=None):
    """`queryset` in the order the `sort` parameter asks, or by the column key `default` when it names none."""
    key, descending = parse_sort(value)
    if key is None:
        if default is None:
            return queryset
        key = default
    first, *rest = SORTS[key]
    head = F(first).desc(nulls_last=True) if descending else F(first).asc(nulls_last=True)
    return queryset.order_by(head, *rest, "pk")


class _Counted(Paginator):
    """A paginator told its count (read beforehand with other figures in one aggregate query)."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self.known_count = count

    @property
    def count(self):
        return self.known_count


def page_of(ordered, rows, number, per_page=PAGE_SIZE, count=None):
    """The page `number` of the `ordered` queryset, its rows read from `rows` (the same objects with what
    the list shows annotated), in order. Only the keys of one page are read in order; `rows` is asked for
    that page's keys alone. `count`: the number of rows in `ordered`, when it is known already."""
    keys = ordered.values_list("pk", flat=True)
    paginator = Paginator(keys, per_page) if count is None else _Counted(keys, per_page, count)
    page = paginator.get_page(number)
    keys = list(page.object_list)
    by_pk = rows.in_bulk(keys) if keys else {}
    page.object_list = [by_pk[pk] for pk in keys]
    return page
