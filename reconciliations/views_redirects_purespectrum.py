"""A PureSpectrum survey's exit redirects: templates for anyone, links signed for one transaction id for PMs."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from projects.models import Role, TargetGroup

from . import redirects_purespectrum as redirects


@require_GET
def ps_redirects(request, pk):
    tg = get_object_or_404(TargetGroup.objects.select_related("project__connection"), pk=pk)
    transaction_id = (request.GET.get("transaction_id") or "").strip()[:128]
    can_sign = Role.can_change(request.user)
    context = {
        "tg": tg,
        "transaction_id": transaction_id,
        "redirects": redirects.exit_redirects(transaction_id or None, secret=None if can_sign else ""),
        "hashing": bool(redirects.hash_secret()),
        "can_sign": can_sign,
        "placeholder": redirects.TRANSACTION_PLACEHOLDER,
    }
    page = (
        "reconciliations/_redirects_purespectrum.html"
        if request.htmx
        else "reconciliations/redirects_purespectrum.html"
    )
    return render(request, page, context)
