from django import template

from quotas.rows import table_body

register = template.Library()


@register.simple_tag(takes_context=True)
def quota_rows(context, block, kind="quota"):
    """The grid rows of a profile's quotas (or, with `kind` "cell", an interlock's cells): every column
    the supplier fills; in the grid's edit mode each goal and current target is a field."""
    return table_body(
        block.entries,
        context["columns"],
        kind=kind,
        form=context.get("grid_form"),
        editing=bool(context.get("editing")),
    )
