"""The cockpit blocks a settled change re-renders out of band (see `sync.blocks`)."""

from projects.models import TargetGroup
from sync.blocks import register_block

from .models import Profile
from .sections import section_html


def _target_group(change):
    return TargetGroup.objects.select_related("project__connection").filter(pk=change.target_group_id).first()


def _section(name, **options):
    def render(request, change, arg):
        tg = _target_group(change)
        return section_html(request, tg, name, oob=True, **options) if tg is not None else ""

    return render


def _profile(request, change, arg):
    tg = _target_group(change)
    profile = Profile.objects.filter(pk=arg, target_group=tg, vanished_at__isnull=True).first() if tg else None
    if profile is None:
        return ""
    # A goals change may be of quotas past the first rows: show them all, as when the PM saved them.
    return section_html(request, tg, "profile", profile, oob=True, all_rows=change.kind == "set_quota_goals")


register_block("header", _section("header"))
register_block("profiles", _section("profiles"))
register_block("interlocks", _section("interlocks"))
register_block("profile", _profile)
# The grid's figures were saved from every row of it (its edit mode): they come back whole, as the save did.
register_block("grid", _section("profiles", all_rows=True))
