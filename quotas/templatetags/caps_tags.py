from django import template

register = template.Library()


@register.simple_tag
def bound_for(form, quota):
    """`form` if it is a posted form about `quota` (its `target`), else None: its errors go on that row only."""
    if not getattr(form, "is_bound", False) or getattr(form, "target", None) != quota:
        return None
    return form
