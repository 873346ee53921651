"""Resource methods of the PureSpectrum Buy API, one per call the cockpit uses.

Paths are relative to the ``/buyers/v2`` base URL; every method returns the transport's
``ApiResponse``. Survey and quota edits are JSON-Patch (``replace`` operations) except the
quota quantity, which is a PUT of the quota with its criteria (seed 002, request 1).
"""

from .transport import segment

# `ps_survey_status` codes.
DRAFT, LIVE, PAUSED, CLOSED = 11, 22, 33, 44
PAGE_SIZE = 100


def replace(path, value):
    """A JSON-Patch document of one ``replace`` operation."""
    return [{"op": "replace", "path": path, "value": value}]


class PureSpectrumClient:
    """The Buy API for the account of the transport's access token."""

    def __init__(self, transport, account_id=""):
        self.transport = transport
        self.account_id = account_id

    @property
    def request_count(self):
        return self.transport.request_count

    def _survey(self, survey_id):
        return f"/surveys/{segment(survey_id)}"

    def _quota(self, survey_id, buyer_quota_id):
        return f"{self._survey(survey_id)}/quotas/{segment(buyer_quota_id)}"

    # --- surveys ----------------------------------------------------------------------------

    def list_surveys(self, *, page=1, page_size=PAGE_SIZE):
        return self.transport.request("GET", "/surveys", params={"page": page, "page_size": page_size})

    def iter_surveys(self, *, page_size=PAGE_SIZE):
        """Every survey of the account, one request per page (the answer says how many pages there are)."""
        page = 1
        while True:
            data = self.list_surveys(page=page, page_size=page_size).data or {}
            yield from data.get("surveys") or []
            if page >= int(data.get("total_pages") or 1) or not data.get("surveys"):
                return
            page += 1

    def get_survey(self, survey_id):
        return self.transport.request("GET", self._survey(survey_id))

    def get_performance(self, survey_id):
        return self.transport.request("GET", f"{self._survey(survey_id)}/performance")

    def create_survey(self, body):
        return self.transport.request("POST", "/surveys", json=body)

    def patch_survey(self, survey_id, operations):
        return self.transport.request("PATCH", self._survey(survey_id), json=list(operations))

    def set_completes_required(self, survey_id, completes):
        return self.patch_survey(survey_id, replace("/completes_required", int(completes)))

    def set_offer_price(self, survey_id, price):
        return self.patch_survey(survey_id, replace("/offer_price", float(price)))

    def set_status(self, survey_id, status_code):
        """The status change, in the v1 form ``PUT /surveys/{id}/status?ps_survey_status=<code>``."""
        return self.transport.request(
            "PUT", f"{self._survey(survey_id)}/status", params={"ps_survey_status": int(status_code)}
        )

    # --- quotas -----------------------------------------------------------------------------

    def list_quotas(self, survey_id):
        return self.transport.request("GET", f"{self._survey(survey_id)}/quotas")

    def put_quota(self, survey_id, buyer_quota_id, *, required_count, criteria):
        """The quota's quantity (seed 002, request 1): the whole quota, its criteria as they are."""
        body = {"buyer_quota_id": buyer_quota_id, "required_count": int(required_count), "criteria": criteria}
        return self.transport.request("PUT", self._quota(survey_id, buyer_quota_id), json=body)

    def set_current_target(self, survey_id, buyer_quota_id, current_target):
        """The quota's current target (seed 002, request 2), never above its required_count."""
        return self.transport.request(
            "PATCH", self._quota(survey_id, buyer_quota_id), json=replace("/current_target", int(current_target))
        )

    # --- adjustments (reconciliation) -----------------------------------------------------------

    def submit_adjustment(self, survey_id, transaction_ids):
        body = [{"transaction_id": str(tid)} for tid in transaction_ids]
        return self.transport.request("POST", f"/adjustments/surveys/{segment(survey_id)}", json=body)

    def get_adjustment(self, adjustment_id):
        return self.transport.request("GET", f"/adjustments/{segment(adjustment_id)}")

    def list_adjustments(self, survey_id):
        return self.transport.request("GET", f"/adjustments/surveys/{segment(survey_id)}")
