"""A launched Cint target group's own settings, as the adapter offers them (`adapter.launched`):
its CPI (dynamic pricing), its filling strategy, its Fielding Assistant assignment and its details;
its changelog (`capabilities.changelog`) and its rate card (`capabilities.rate_cards`).

The app passes plain values; the request bodies (``TargetGroupDetailsUpdateRequest``, the CPI's
``target_group_cpi``…) are built here. The Fielding Assistant assignment is kept by the cockpit as
the supplier's document and passed through whole.
"""

from decimal import Decimal, InvalidOperation

from suppliers.records import TargetGroupRecord
from suppliers.reference import ChangelogEntry, ChangeRecord, Money, RateCardRecord, UserRef
from suppliers.values import when

from .runs import answer

SYSTEM_USER = "system_marketplace_user"


class CintLaunched:
    """Settings of launched target groups of one Cint account: ``CintLaunched(client)``."""

    def __init__(self, client):
        self.client = client

    def set_cpi(self, ref, value, currency, *, key):
        """The price offered per complete; the answer's record holds the CPI the supplier took."""
        response = self.client.update_cost_per_interview(
            ref.project_id, ref.target_group_id, value=value, currency_code=currency, idempotency_key=key
        )
        data = response.data if isinstance(response.data, dict) else {}
        cpi = data.get("target_group_cpi") or None
        record = TargetGroupRecord(remote_id=ref.target_group_id)
        if cpi:
            record.cpi, record.cpi_currency = cpi.get("value"), cpi.get("currency_code") or ""
            record.extra = {"current_cost_per_interview": cpi}
        return answer(response, target_group=record)

    def set_filling_strategy(self, ref, strategy, *, key):
        """``strategy``: ``"automated"``, ``"prescreens"`` or ``"completes"``."""
        response = self.client.update_filling_strategy(
            ref.project_id, ref.target_group_id, strategy, idempotency_key=key
        )
        data = response.data if isinstance(response.data, dict) else {}
        record = TargetGroupRecord(
            remote_id=ref.target_group_id, extra={"filling_strategy": data.get("filling_strategy")}
        )
        return answer(response, target_group=record)

    def read_assistant(self, ref):
        """``(assignment, version)``: the Fielding Assistant assignment and the ETag guarding it."""
        response = self.client.get_fielding_assistant_assignment(ref.project_id, ref.target_group_id)
        return (response.data if isinstance(response.data, dict) else {}), response.etag or ""

    def set_assistant(self, ref, assignment, *, key, version=""):
        response = self.client.put_fielding_assistant_assignment(
            ref.project_id, ref.target_group_id, assignment, idempotency_key=key, if_match=version or None
        )
        return answer(response)

    def set_details(self, ref, values, *, dynamic, key):
        """Replace the details with `values` (name, project_manager_id, expected LOI and IR as text,
        industry_lockout_code, client_cpi {value, currency_code}, live_url, test_url); the CPI note is sent
        only with `dynamic` pricing. The answer's record holds the CPI note the supplier kept."""
        response = self.client.update_target_group_details(
            ref.project_id, ref.target_group_id, details_body(values, dynamic=dynamic), idempotency_key=key
        )
        data = response.data if isinstance(response.data, dict) else {}
        record = TargetGroupRecord(remote_id=ref.target_group_id, extra={"client_cpi": data.get("client_cpi")})
        return answer(response, target_group=record if data else None)

    def changelog_page(self, ref, *, cursor=None, page_size=None):
        """One page of the changelog, newest first: ``(entries, next cursor or "")`` (`ChangelogEntry`s)."""
        page = self.client.list_changelog(
            ref.project_id, ref.target_group_id, page_size=page_size, start_after=cursor
        ).data
        page = page if isinstance(page, dict) else {}
        entries = [changelog_entry(batch) for batch in page.get("changelog") or [] if isinstance(batch, dict)]
        return entries, page.get("next_cursor") or ""

    def rate_card(self, ref):
        """The target group's rate card: predicted until it has first gone live, then the one bound to
        it (a `RateCardRecord`, None when the answer holds none). Raises NotFound without one."""
        data = self.client.get_target_group_rate_card(ref.project_id, ref.target_group_id).data or {}
        predicted = "predicted_rate_card" in data
        card = data.get("predicted_rate_card") if predicted else data.get("bound_rate_card")
        return rate_card_record(card, predicted=predicted, country=data.get("country_code") or "")


def changelog_entry(batch):
    """A ``TargetGroupChangelog`` batch: who changed what, when."""
    user = batch.get("user") or {}
    return ChangelogEntry(
        occurred_at=when(batch.get("occurred_at")),
        user_id=str(user.get("las_user_id") or "").lower(),
        by_system=user.get("type") == SYSTEM_USER,
        changes=[
            ChangeRecord(
                what=c.get("object") or "", old=_change_value(c.get("old_value")), new=_change_value(c.get("new_value"))
            )
            for c in batch.get("changes") or []
            if isinstance(c, dict)
        ],
    )


def _change_value(value):
    if isinstance(value, dict) and "value" in value:
        return Money(value["value"], value.get("currency_code", ""))
    if isinstance(value, dict) and "las_user_id" in value:
        return UserRef(str(value["las_user_id"]).lower())
    return value


def rate_card_record(data, *, predicted, country):
    """A ``RateCardData`` (None if it is not one)."""
    if not isinstance(data, dict):
        return None
    try:
        lengths = [int(v) for v in data.get("length_of_interview_minutes") or []]
        rates = [Decimal(str(v)) for v in data.get("incidence_rate_percents") or []]
        prices = [[Decimal(str(v)) for v in row] for row in data.get("pricing_table_data") or []]
    except (InvalidOperation, TypeError, ValueError):
        return None
    if not lengths or not rates or len(prices) != len(lengths):
        return None
    return RateCardRecord(
        lengths=lengths,
        rates=rates,
        prices=prices,
        currency=data.get("pricing_table_currency_code") or "",
        country=country,
        predicted=predicted,
    )


def details_body(values, *, dynamic):
    """The ``TargetGroupDetailsUpdateRequest`` for `values`."""
    body = {
        "name": values["name"],
        "project_manager_id": values["project_manager_id"],
        "expected_length_of_interview_minutes": values["expected_length_of_interview_minutes"],
        "expected_incidence_rate": float(values["expected_incidence_rate"]),
        "live_url": values["live_url"],
        "test_url": values["test_url"],
    }
    if values.get("industry_lockout_code"):
        body["industry_lockout_code"] = values["industry_lockout_code"]
    if dynamic and values.get("client_cpi"):
        body["client_cpi"] = dict(values["client_cpi"])
    return body
