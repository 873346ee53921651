"""Reconciling one survey by a list of respondent ids, for suppliers that work that way
(`Capabilities.id_reconciliation`: PureSpectrum's transaction ids, Audience-Align's UIDs).

The list is checked line by line before anything is sent (every bad line reported by its
number; nothing is sent while one is bad), recorded as a `SurveyReconciliation`, sent
through the outbox, and followed at the supplier until it is complete or failed.
"""

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from config.tasks import task
from sync.intents import request_change
from sync.news import tell

from . import counts
from .models import SurveyReconciliation

KIND = "submit_survey_reconciliation"
# A first line that names the column instead of holding an id is skipped.
HEADER_WORDS = {"id", "ids", "uid", "uids", "transaction_id", "transaction id", "transaction_ids", "respondent id"}


@dataclass
class IdProblem:
    number: int
    text: str
    message: str

    @property
    def where(self):
        return f"Line {self.number:,}"


@dataclass
class IdCheck:
    ids: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    @property
    def ok(self):
        return bool(self.ids) and not self.problems


def check_ids(text, style):
    """Every id of `text` (one per line) against `style` (an `IdListReconciliation`)."""
    pattern = re.compile(style.id_pattern)
    word = style.id_word
    result, seen = IdCheck(), {}
    lines = (text or "").splitlines()
    for number, raw in enumerate(lines, start=1):
        value = raw.strip().strip('"').strip()
        if not value:
            continue
        if number == 1 and value.lower() in HEADER_WORDS:
            continue
        if "," in value or ";" in value or "\t" in value:
            result.problems.append(IdProblem(number, raw, f"Put one {word} per line, with nothing else on it."))
            continue
        if not pattern.fullmatch(value):
            result.problems.append(
                IdProblem(number, raw, f"“{value[:60]}” does not look like a {word} (letters, digits, - _ . : only).")
            )
            continue
        if value in seen:
            result.problems.append(IdProblem(number, raw, f"The same {word} as line {seen[value]:,}."))
            continue
        seen[value] = number
        result.ids.append(value)
    if len(result.ids) > style.max_ids:
        result.problems.append(
            IdProblem(
                0,
                "",
                f"{len(result.ids):,} {word}s: the supplier takes at most {style.max_ids:,} at once. "
                "Split the list and submit it in parts.",
            )
        )
    return result


def request_survey_reconciliation(tg, ids, *, name, contact_email="", completes_before=None, by=None):
    """Record the list and send it through the outbox; returns the `SurveyReconciliation`.

    `completes_before`: the survey's completes the PM confirmed it against (None: not known)."""
    with transaction.atomic():
        reconciliation = SurveyReconciliation.objects.create(
            connection=tg.project.connection,
            target_group=tg,
            name=name[:255],
            ids=list(ids),
            contact_email=contact_email,
            completes_before=completes_before,
            requested_by=by if by is not None and by.is_authenticated else None,
        )
        change = request_change(
            KIND,
            connection=tg.project.connection,
            target_group=tg,
            payload={"reconciliation": reconciliation.pk, "count": len(ids), "name": name},
            by=by,
        )
        reconciliation.change = change
        reconciliation.save(update_fields=["change"])
    return reconciliation


def store(reconciliation, record):
    """Write what the supplier says of the submission (a `ReconciliationRecord`) on its row."""
    states = SurveyReconciliation.State
    reconciliation.state = {"complete": states.COMPLETE, "failed": states.FAILED}.get(record.state, states.PROCESSING)
    reconciliation.remote_id = record.remote_id or reconciliation.remote_id
    reconciliation.status_label = record.status_label[:60]
    reconciliation.summary = record.summary or reconciliation.summary
    reconciliation.accepted_ids = list(record.accepted_ids or reconciliation.accepted_ids)
    # Once the supplier said a person reviews the list, a later read that does not say so keeps it.
    reconciliation.needs_review = record.needs_review or reconciliation.needs_review
    reconciliation.message = record.message
    if reconciliation.state in SurveyReconciliation.SETTLED and reconciliation.finished_at is None:
        reconciliation.finished_at = timezone.now()
        if reconciliation.state == states.COMPLETE:
            reconciliation.rejected_count = counts.rejected(reconciliation.completes_before, record)
            counts.read_again([reconciliation.target_group_id])
        tell_result(reconciliation)
    reconciliation.save()


def tell_result(reconciliation):
    """The supplier's result of a list of ids, to the PMs who hear of its target group."""
    name = reconciliation.target_group.name
    if reconciliation.state == SurveyReconciliation.State.FAILED:
        said = f": {reconciliation.message}" if reconciliation.message else "."
        text = f"The reconciliation of {len(reconciliation.ids):,} ids on “{name}” failed{said}"
    else:
        rejected = reconciliation.rejected_count
        words = f"{rejected:,} completes rejected" if rejected is not None else "the supplier's counts are on its page"
        text = f"The reconciliation of {len(reconciliation.ids):,} ids on “{name}” is done: {words}."
    tell("reconciliation_result", target_group=reconciliation.target_group_id, text=text)


def advance(reconciliation, adapter):
    """Read the submission at the supplier once; True once it is settled."""
    record = adapter.read_reconciliation(reconciliation.target_group.ref, reconciliation.remote_id)
    store(reconciliation, record)
    return reconciliation.state in SurveyReconciliation.SETTLED


def follow_soon(reconciliation):
    follow_survey_reconciliation = task("reconciliations.tasks.follow_survey_reconciliation")

    transaction.on_commit(lambda: follow_survey_reconciliation.delay(reconciliation.pk))
