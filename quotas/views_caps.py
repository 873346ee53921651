"""A quota's quantity and current target, and the CPI, for suppliers that have them
(PureSpectrum's required_count, current_target and offer_price).

Like every cockpit action: the form is checked here (errors next to the field, the input
kept), an outbox change is recorded, and the affected block comes back with its badge.
"""

from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from projects.permissions import pm_only
from suppliers.adapter import Unsupported

from . import services
from .forms_caps import CpiForm, QuotaQuantityForm, TrafficCapForm
from .models import InterlockCell, Quota
from .views import _confirm, _done, _invalid, _nothing_to_do, _target_group


def _row(tg, kind, row_pk):
    """The quota (or interlock cell) and the block that shows it: ("profile", profile) or ("interlocks", None)."""
    if kind == "cell":
        cell = get_object_or_404(
            InterlockCell, pk=row_pk, interlocked_profile__target_group=tg, interlocked_profile__vanished_at=None
        )
        return cell, "interlocks", None
    quota = get_object_or_404(
        Quota.objects.select_related("profile"), pk=row_pk, profile__target_group=tg, profile__vanished_at=None
    )
    return quota, "profile", quota.profile


def _offered(tg, capability):
    if not tg.capabilities.allows(capability):
        raise Unsupported(f"{tg.project.connection.get_kind_display()} does not take this change; nothing was sent.")
    if tg.status == tg.Status.CLOSED:
        raise Unsupported("A closed survey cannot be changed any more; nothing was sent.")


@require_POST
@pm_only
def quota_quantity(request, pk, kind, row_pk):
    tg = _target_group(pk)
    _offered(tg, "quota_goals")
    quota, section, profile = _row(tg, kind, row_pk)
    form = QuotaQuantityForm(request.POST, quota=quota, survey_goal=tg.filling_goal)
    if not form.is_valid():
        return _invalid(request, tg, f"The quantity of {quota.text} was not changed: see below.", section, profile,
                        quantity_form=form)  # fmt: skip
    value = form.cleaned_data["required_count"]
    if value == quota.completes_goal:
        return _nothing_to_do(request, tg, f"The quantity of {quota.text} is already {value}.", section, profile)
    siblings = profile.quotas.all() if profile is not None else quota.interlocked_profile.cells.all()
    if not form.check(tg, siblings):
        message = f"The quantity of {quota.text} was not sent yet: see the warning, then save anyway or change it."
        return _confirm(request, tg, message, section, profile, quantity_form=form)
    change = services.request_quota_goals(tg, {quota: value}, profile=profile, by=request.user)
    return _done(request, tg, change, section, profile)


@require_POST
@pm_only
def traffic_cap(request, pk, kind, row_pk):
    """A new current target, or "Stop traffic" (`stop`): the current target set to what is already achieved."""
    tg = _target_group(pk)
    _offered(tg, "traffic_caps")
    quota, section, profile = _row(tg, kind, row_pk)
    stop = request.POST.get("stop") == "1"
    data = {"traffic_cap": quota.completes} if stop else request.POST
    form = TrafficCapForm(data, quota=quota)
    if not form.is_valid():
        return _invalid(request, tg, f"The current target of {quota.text} was not changed: see below.", section,
                        profile, cap_form=form)  # fmt: skip
    value = form.cleaned_data["traffic_cap"]
    if value == quota.traffic_cap:
        return _nothing_to_do(request, tg, f"The current target of {quota.text} is already {value}.", section, profile)
    change = services.request_traffic_cap(tg, quota, value, stop=stop, by=request.user)
    return _done(request, tg, change, section, profile)


@require_POST
@pm_only
def cpi(request, pk):
    tg = _target_group(pk)
    _offered(tg, "cpi")
    form = CpiForm(request.POST)
    if not form.is_valid():
        return _invalid(request, tg, "The CPI was not changed: see below.", "header", cpi_form=form)
    if tg.cpi is not None and form.cleaned_data["cpi"] == tg.cpi:
        return _nothing_to_do(request, tg, "The CPI is unchanged.", "header")
    change = services.request_cpi(tg, form.cleaned_data["cpi"], by=request.user)
    return _done(request, tg, change, "header")
