from django import template

from fielding.purespectrum.surveys import BODY, quotas_in_words

register = template.Library()


@register.simple_tag
def ps_draft_quotas(tg):
    """[(buyer quota id, criteria in words, quantity)] of a PureSpectrum draft as the PM asked for it."""
    return quotas_in_words((tg.details or {}).get(BODY) or {})
