"""The target group's page and the parts of it that are re-rendered on their own.

The page is the header, the profiles with their quotas and interlocks, the changes, and the panels
other apps register for what the target group's supplier offers (`quotas.panels`).
"""

from django.template.loader import render_to_string

from fielding.drafts.summary import draft_profiling
from fielding.mirror import read_supplier_draft
from projects.models import Role, TargetGroup
from projects.queries import FINISHED_STATUSES

from . import page
from .forms import FillingGoalForm, InterlockForm
from .grid import grid_extras
from .panels import panels_context


def frozen(tg):
    """A target group in a status its supplier takes no more changes in offers none (the context
    processor's `can_change` is overridden for its pages); a finished one (completed, closed,
    archived) offers no quota, goal or CPI changes either: nothing fills any more. Its status
    actions (reactivate, relaunch) stay in their own panels."""
    if tg.status in tg.capabilities.final_statuses:
        return {"can_change": False, "frozen": True}
    if tg.status in FINISHED_STATUSES:
        return {"can_change": False, "finished": True}
    return {}


def header_context(tg, tg_change=False, **extra):
    """`tg_change`: the change shown next to the filling goal (False: look it up)."""
    if tg_change is False:
        tg_change = page.latest_changes(tg).get("tg")
    return {
        **frozen(tg),
        "tg": tg,
        "caps": tg.capabilities,
        "filling_goal_form": FillingGoalForm(initial={"filling_goal": tg.filling_goal}),
        "tg_change": tg_change,
        **extra,
    }


def _grid(request, tg, context):
    """The grid's columns, paces and sparklines; the signed-in user's role and the target group's status
    say whether its rows may be locked."""
    can_change = context.get("can_change", request is not None and Role.can_change(request.user))
    context.update(grid_extras(tg, can_change=can_change, request=request))


def profiles_context(tg, request=None, all_rows=False, **extra):
    """`all_rows`: every quota of a long profile, as the grid's edit mode showed them."""
    context = page.profiles_context(tg)
    context.update(frozen(tg))
    context["caps"] = tg.capabilities
    if tg.status == TargetGroup.Status.DRAFT and tg.capabilities.drafts:
        # The supplier makes a draft's profiles at launch; until then they are the draft body's.
        context["draft_profiling"] = draft_profiling(tg)
    context["interlock_form"] = InterlockForm(target_group=tg, profiles=context["profiles"])
    context.update(extra)
    _grid(request, tg, context)
    return page.add_rows(context, all_rows=all_rows)


def page_context(request, tg, open_section=None, **extra):
    """The context of ``quotas/target_group.html``; `extra` (forms with errors, a notice) wins;
    `open_section` names the section the URL opens."""
    if tg.status == TargetGroup.Status.DRAFT and tg.capabilities.drafts:
        read_supplier_draft(tg)  # a draft only listed so far: its expected figures and profiling
    profiles = profiles_context(tg, request, **extra)
    context = {**header_context(tg, profiles["tg_change"]), **profiles, "changes": page.changes_panel(tg)}
    context.update(panels_context(request, tg, context, open_section))
    context.update(extra)
    return context


def block_context(tg, profile, request=None, all_rows=False, **extra):
    block = page.profiles_context(tg, only=profile)["profiles"][0]
    context = {**frozen(tg), "tg": tg, "caps": tg.capabilities, "profile": block, **extra}
    _grid(request, tg, context)
    return page.add_rows(context, all_rows=all_rows)


# The partial each part of the page is re-rendered from, and its context.
SECTIONS = {
    "header": ("quotas/_header.html", lambda request, tg, profile, extra: header_context(tg, **extra)),
    "profiles": ("quotas/_profiles.html", lambda request, tg, profile, extra: profiles_context(tg, request, **extra)),
    "interlocks": (
        "quotas/_interlocks.html",
        lambda request, tg, profile, extra: profiles_context(tg, request, **extra),
    ),
    "profile": (
        "quotas/_profile_block.html",
        lambda request, tg, profile, extra: block_context(tg, profile, request, **extra),
    ),
}


def section_html(request, tg, section, profile=None, **extra):
    """One part of the page as HTML (``oob=True`` marks it for an out-of-band swap)."""
    template, context = SECTIONS[section]
    return render_to_string(template, context(request, tg, profile, extra), request)
