"""Questions put to the supplier for a page: feasibility, and a generated interlock.

The view records a ``SupplierLookup`` with its inputs and answers at once; a task asks
the supplier and stores the answer (or the reason it could not); the page polls the row.
"""

import uuid

from django.db import transaction
from django.utils import timezone

from config.tasks import task
from fielding.models import SupplierLookup
from fielding.profiling.profiles import add_interlocks, feasibility_profiles, generate_request
from suppliers import errors

from .body import draft_body, is_created, rfc3339

Kind = SupplierLookup.Kind
State = SupplierLookup.State


def feasibility_inputs(tg):
    """What the feasibility is computed for: the draft's body, or a launched TG's current values."""
    if tg.status == tg.Status.DRAFT:
        body = draft_body(tg)
        spec = body.get("fielding_specification") or {}
        inputs = {
            "business_unit_id": int(body["business_unit_id"])
            if str(body.get("business_unit_id", "")).isdigit()
            else body.get("business_unit_id"),
            "locale": body.get("locale") or tg.locale,
            "collects_pii": bool(body.get("collects_pii")),
            "incidence_rate": body.get("expected_incidence_rate"),
            "length_of_interview": body.get("expected_length_of_interview_minutes"),
            "filling_goal": body.get("filling_goal"),
            "start_date": spec.get("start_at"),
            "end_date": spec.get("end_at"),
        }
        if body.get("cost_per_interview"):
            inputs["price"] = body["cost_per_interview"]
        profiles = feasibility_profiles(body)
        if profiles:
            inputs["profiles"] = profiles
        return inputs
    ir = tg.incidence_rate if tg.incidence_rate is not None else tg.expected_incidence_rate
    loi = tg.expected_length_of_interview_minutes
    if tg.median_length_of_interview_seconds:
        loi = max(1, round(tg.median_length_of_interview_seconds / 60))
    inputs = {
        "locale": tg.locale,
        "collects_pii": tg.collects_pii,
        "incidence_rate": float(ir) if ir else None,
        "length_of_interview": loi,
        "filling_goal": tg.filling_goal,
        "start_date": rfc3339(tg.fielding_start_at),
        "end_date": rfc3339(tg.fielding_end_at),
    }
    if tg.cpi is not None and tg.pricing_model == "dynamic":
        inputs["price"] = {"value": f"{tg.cpi:.4f}", "currency_code": tg.cpi_currency}
    return {key: value for key, value in inputs.items() if value is not None}


def request_feasibility(tg, *, by):
    return _request(Kind.FEASIBILITY, tg, feasibility_inputs(tg), by)


def request_interlock(tg, question_ids, *, by):
    return _request(Kind.INTERLOCK, tg, {"question_ids": list(question_ids), "key": str(uuid.uuid4())}, by)


def _request(kind, tg, inputs, by):
    run_lookup = task("fielding.tasks.run_lookup")

    with transaction.atomic():
        lookup = SupplierLookup.objects.create(
            kind=kind, target_group=tg, inputs=inputs, requested_by=by if by and by.is_authenticated else None
        )
        transaction.on_commit(lambda: run_lookup.delay(lookup.pk))
    return lookup


def run(lookup):
    """Ask the supplier once (`adapter.drafts`) and record the answer. Returns the lookup."""
    if lookup.is_settled:
        return lookup
    from sync.adapters import open_adapter

    tg = lookup.target_group
    try:
        with open_adapter(tg.project.connection) as adapter:
            if lookup.kind == Kind.FEASIBILITY:
                lookup.result = _feasibility(adapter.drafts, tg, lookup.inputs)
            else:
                lookup.result = _interlock(adapter.drafts, tg, lookup)
    except errors.SupplierError as exc:
        lookup.state = State.FAILED
        lookup.message = _words(lookup, exc)
    else:
        lookup.state = State.DONE
    lookup.finished_at = timezone.now()
    lookup.save(update_fields=["inputs", "result", "state", "message", "finished_at"])
    return lookup


def _feasibility(drafts, tg, inputs):
    created = tg.status != tg.Status.DRAFT and is_created(tg)
    return drafts.feasibility(tg.project.remote_id, tg.remote_id if created else None, inputs)


def _interlock(drafts, tg, lookup):
    """Generate the interlocked profile, put it in the draft and save the draft through the outbox."""
    from .changes import request_draft_update

    body = draft_body(tg)
    request = generate_request(body, lookup.inputs["question_ids"])
    lookup.inputs = {**lookup.inputs, "request": request}
    generated = drafts.generate_interlock(request, key=lookup.inputs["key"])
    with transaction.atomic():
        add_interlocks(body, generated)
        change = request_draft_update(tg, body, by=lookup.requested_by)
    return {"interlocked_profiles": generated, "change": change.pk}


def _words(lookup, exc):
    what = "feasibility" if lookup.kind == Kind.FEASIBILITY else "the interlocked quotas"
    if exc.retryable:
        return f"The supplier could not be asked for {what} just now ({exc.message}) Try again in a minute."
    return f"The supplier could not compute {what}: {exc.message}"
