from django import template

register = template.Library()


@register.simple_tag
def goal_field(form, quota):
    """The bound goal field of `quota` in a `QuotaGoalsForm`, or None when no form was posted."""
    if not getattr(form, "is_bound", False):
        return None
    return form[form.field_name(quota)]
