from django import template
from django.utils.html import format_html

from projects.listing import parse_sort

register = template.Library()
ARROWS = {"ascending": " ▲", "descending": " ▼"}


@register.simple_tag(takes_context=True)
def sort_header(context, key, label, css=""):
    """A column header that sorts the list by `key` (again: the other way), keeping the other
    parameters of the page (the search, the filters) in its link."""
    request = context["request"]
    current, descending = parse_sort(request.GET.get("sort"))
    params = request.GET.copy()
    params.pop("page", None)
    params["sort"] = f"-{key}" if current == key and not descending else key
    state = ("descending" if descending else "ascending") if current == key else "none"
    return format_html(
        '<th class="{}" aria-sort="{}"><a href="?{}">{}{}</a></th>',
        css,
        state,
        params.urlencode(),
        label,
        ARROWS.get(state, ""),
    )


@register.simple_tag(takes_context=True)
def page_link(context, number, param="page"):
    """The query string of this list's page `number` (kept: the search, the filters, the sort)."""
    params = context["request"].GET.copy()
    params[param] = number
    return f"?{params.urlencode()}"
