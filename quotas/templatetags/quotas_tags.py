from django import template

register = template.Library()


@register.simple_tag
def goal_field(form, quota):
    """The bound goal field of `quota` in a posted `QuotaGoalsForm`, or None (no form, or another block's)."""
    if not getattr(form, "is_bound", False) or form.field_name(quota) not in form.fields:
        return None
    return form[form.field_name(quota)]
