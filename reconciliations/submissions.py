"""Reconciliation submissions: check, record and send a file, then follow it at the supplier.

`submit_reconciliation` records a checked file and its outbox change in one
transaction; the outbox sends it (see `changes.py`). `advance_submission` reads
the supplier's status and per-target-group results once and says whether the
submission is settled, so a task can repeat it with backoff.
"""

from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from config.tasks import task
from projects.models import TargetGroup
from sync.intents import request_change
from sync.news import tell

from . import counts
from .models import EligibleRid, ReasonCode, Submission, SubmissionTargetGroup
from .reports import completed_on
from .validation import check_lines, utc_today

KIND = "reconciliation_submit"
REASON_CODES_MAX_AGE = timedelta(hours=24)
COUNTS = ("submitted_count", "expired_count", "invalid_count", "positive_reversed_count", "negative_reversed_count")
State = Submission.State


# --- reason codes -----------------------------------------------------------------------


def reason_codes(connection):
    return ReasonCode.objects.filter(connection=connection).order_by("code")


def reason_codes_stale(connection, now=None):
    oldest = reason_codes(connection).order_by("fetched_at").values_list("fetched_at", flat=True).first()
    return oldest is None or oldest < (now or timezone.now()) - REASON_CODES_MAX_AGE


def load_reason_codes_if_stale(connection):
    """Ask a worker for the supplier's reason codes when the cached ones are old (at most once a minute)."""
    fetch_reason_codes = task("reconciliations.tasks.fetch_reason_codes")

    if reason_codes_stale(connection) and cache.add(f"reconciliations:reason-codes:{connection.pk}", 1, 60):
        transaction.on_commit(lambda: fetch_reason_codes.delay(connection.pk))


def remember_reason_code_error(connection, exc):
    cache.set(f"reconciliations:reason-codes-error:{connection.pk}", exc.message, 600)


def reason_code_error(connection):
    """Why the reason codes could not be loaded lately, if they could not."""
    return cache.get(f"reconciliations:reason-codes-error:{connection.pk}", "")


def refresh_reason_codes(connection, reports):
    """Replace the cached reason codes of `connection` with the supplier's list (`adapter.reports`)."""
    listed = {item.code: item for item in reports.reason_codes()}
    now = timezone.now()
    cache.delete(f"reconciliations:reason-codes-error:{connection.pk}")
    with transaction.atomic():
        ReasonCode.objects.filter(connection=connection).exclude(code__in=listed).delete()
        for code, item in listed.items():
            ReasonCode.objects.update_or_create(
                connection=connection,
                code=code,
                defaults={"name": item.name, "description": item.description, "fetched_at": now},
            )
    return len(listed)


# --- checking and sending ---------------------------------------------------------------


def eligible_lookup(connection):
    """``lookup(keys)`` for `check_lines`: the day each RID completed, from the current report rows."""

    def lookup(keys):
        found = {}
        keys = sorted(keys)
        current = EligibleRid.objects.current(connection)
        for start in range(0, len(keys), 500):
            rows = current.filter(rid_key__in=keys[start : start + 500]).values_list("rid_key", "completed_at")
            for key, moment in rows:
                found[key] = completed_on(moment)
        return found

    return lookup


def check_submission(connection, text, *, today=None):
    """Check `text` against every rule, with the connection's reason codes and eligible RIDs."""
    return check_lines(
        text,
        reason_codes=reason_codes(connection).values_list("code", flat=True),
        lookup=eligible_lookup(connection),
        today=today or utc_today(),
    )


def submit_reconciliation(connection, result, *, name, completes_before=None, by=None):
    """Record a checked file (`result` of `check_submission`) and the change that sends it.

    `completes_before`: {target group's supplier id: completes} the PM confirmed it against."""
    if not result.ok:
        raise ValueError("only a file without problems may be submitted")
    with transaction.atomic():
        submission = Submission.objects.create(
            connection=connection,
            name=name,
            csv=result.csv,
            line_count=len(result.lines),
            completes_before=completes_before or {},
            requested_by=by if by is not None and by.is_authenticated else None,
        )
        submission.change = request_change(
            KIND,
            connection=connection,
            payload={"submission_id": submission.pk, "name": name, "lines": len(result.lines)},
            by=by,
        )
        submission.save(update_fields=["change", "updated_at"])
    return submission


def default_file_name(now=None):
    return f"cockpit-{(now or timezone.now()):%Y%m%d-%H%M%S}.csv"


# --- following at the supplier ----------------------------------------------------------


def accepted(submission, request_id):
    """The supplier took the file: keep its request id and start following it."""
    follow_submission = task("reconciliations.tasks.follow_submission")

    submission.request_id = request_id
    submission.state = State.PROCESSING
    submission.accepted_at = timezone.now()
    submission.message = ""
    submission.save(update_fields=["request_id", "state", "accepted_at", "message", "updated_at"])
    transaction.on_commit(lambda: follow_submission.delay(submission.pk))


def advance_submission(submission, reports):
    """Read the supplier's status and per-TG results once (`adapter.reports`). Returns whether the
    submission is settled."""
    if submission.state != State.PROCESSING:
        return submission.state in (State.COMPLETE, State.FAILED)
    answer = reports.read_file_reconciliation(submission.request_id)
    submission.remote_status = answer.status_label
    for count in COUNTS:
        if count in answer.counts:
            setattr(submission, count, answer.counts[count])
    with transaction.atomic():
        _store_target_groups(submission, answer.target_groups)
        if answer.complete:
            submission.state = State.COMPLETE
            submission.finished_at = timezone.now()
            submission.message = ""
            # The target groups whose completes it reversed are read again: their counts follow.
            counts.read_again(
                submission.target_group_results.filter(target_group__isnull=False)
                .filter(Q(positive_reversed_count__gt=0) | Q(negative_reversed_count__gt=0))
                .values_list("target_group_id", flat=True)
            )
        submission.save()
        if submission.state == State.COMPLETE:
            tell_results(submission)
    return submission.state == State.COMPLETE


def tell_results(submission):
    """The supplier's result for each target group of a reconciliation file: to the PM who sent it (a file
    spans target groups, and is asked of the account, not of one of them), else to the PMs who hear of each."""
    users = [submission.requested_by_id] if submission.requested_by_id else None
    for result in submission.target_group_results.filter(target_group__isnull=False).select_related("target_group"):
        counts = ", ".join(
            f"{getattr(result, count):,} {count.removesuffix('_count').replace('_', ' ')}"
            for count in COUNTS
            if getattr(result, count)
        )
        tell(
            "reconciliation_result",
            target_group=result.target_group_id,
            text=f"Reconciliation “{submission.name}” is done for “{result.tg_label}”: {counts or 'nothing changed'}.",
            users=users,
        )


def _store_target_groups(submission, results):
    remote_ids = [item["target_group_id"] for item in results]
    tgs = dict(
        TargetGroup.objects.filter(project__connection=submission.connection, remote_id__in=remote_ids).values_list(
            "remote_id", "pk"
        )
    )
    for item in results:
        remote_id = item["target_group_id"]
        values = {count: item[count] for count in COUNTS if count in item}
        before = (submission.completes_before or {}).get(remote_id)
        SubmissionTargetGroup.objects.update_or_create(
            submission=submission,
            target_group_remote_id=remote_id,
            defaults={
                "target_group_id": tgs.get(remote_id),
                "status": item["status"],
                "completes_before": before if isinstance(before, int) else None,
                **values,
            },
        )


def check_again(submission):
    """The PM asked: follow a processing submission again, starting from the shortest delay."""
    follow_submission = task("reconciliations.tasks.follow_submission")

    updated = Submission.objects.filter(pk=submission.pk, state=State.PROCESSING).update(polls=0, message="")
    if updated:
        transaction.on_commit(lambda: follow_submission.delay(submission.pk))
    return bool(updated)


def record_error(submission, exc, *, giving_up):
    """While following: keep the PM informed; the file itself stays accepted whatever happens here."""
    if not exc.retryable:
        submission.message = (
            f"The supplier accepted the file (request {submission.request_id}), but its status could not be read: "
            f"{exc.message} Use “Check now” to try again."
        )
    elif giving_up:
        submission.message = (
            f"The supplier accepted the file, but its status could not be read after {submission.polls} tries "
            f"({exc.message}) Use “Check now” later to read its results."
        )
    else:
        submission.message = f"Still checking: {exc.message}"
    submission.save(update_fields=["message", "updated_at"])
