"""The cost blocks other apps' pages include without importing this app: the dashboard's spend totals and a
project's spend and budget."""

from django import template

from ..summary import spend_totals as totals_of
from ..views import project_cost_context

register = template.Library()


@register.inclusion_tag("costs/_spend_totals.html")
def spend_totals(target_groups):
    """Spend and projected spend of the listed target groups (a queryset), by supplier and currency."""
    return totals_of(target_groups)


@register.inclusion_tag("costs/_project_cost.html", takes_context=True)
def project_cost(context, project):
    request = context["request"]
    return {**project_cost_context(project, request.user), "request": request, "csrf_token": context.get("csrf_token")}
