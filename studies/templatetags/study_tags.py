"""`{% part_of_study tg %}`: the line "Part of study X" on a target group's page, one query."""

from django import template

from ..models import Study

register = template.Library()


@register.inclusion_tag("studies/_part_of_study.html")
def part_of_study(target_group):
    return {"study": Study.objects.filter(attachments__target_group=target_group).only("pk", "name").first()}
