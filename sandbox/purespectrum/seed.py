"""The PureSpectrum part's buyer: the account an access token opens."""

from ..models import PsBuyer


def ensure_buyer(access_token, name="Sandbox buyer"):
    """The buyer whose access token is `access_token` (created on first use)."""
    buyer, _ = PsBuyer.objects.get_or_create(access_token=access_token, defaults={"name": name})
    return buyer
