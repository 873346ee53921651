from django import template

from quotas.rows import table_body

register = template.Library()


@register.simple_tag(takes_context=True)
def quota_rows(context, block):
    """The table body of a profile's (or an interlock's) `entries`; the goals are inputs where the
    signed-in user may change them on this supplier."""
    editable = bool(context.get("can_change")) and bool(context["caps"].quota_goals)
    return table_body(block.entries, block.rows_form, editable=editable)
