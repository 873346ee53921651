"""The CPI, for suppliers whose CPI the cockpit changes (PureSpectrum's offer_price).

Like every cockpit action: the form is checked here (errors next to the field, the input
kept), an outbox change is recorded, and the affected block comes back with its badge. Quantities
and current targets are changed in the quota grid (`quotas.views_grid`).
"""

from django.views.decorators.http import require_POST

from projects.permissions import pm_only
from suppliers.adapter import Unsupported

from . import services
from .forms_caps import CpiForm
from .views import _done, _invalid, _nothing_to_do, _target_group


def _offered(tg, capability):
    if not tg.capabilities.allows(capability):
        raise Unsupported(f"{tg.project.connection.get_kind_display()} does not take this change; nothing was sent.")
    if tg.status == tg.Status.CLOSED:
        raise Unsupported("A closed survey cannot be changed any more; nothing was sent.")


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
