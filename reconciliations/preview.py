"""What a reconciliation will do, said in numbers before anything is sent.

A list that passed every check is not sent at once: the PM first reads what the supplier will
do with it (which completes stay, which become rejections, where the cockpit cannot know) and
confirms. The confirmation carries the list's fingerprint, so it sends only the very list the
numbers were shown for; a list the cockpit can tell matches none of the completes is refused.

* Cint (`file_preview`): every RID is in the eligible-RIDs report with its target group and
  status, so the numbers are exact: a listed complete becomes a terminate (rejected), a listed
  terminate or drop becomes a complete, every RID not listed stays as it is.
* Suppliers that reconcile a survey by a list of ids (`survey_preview`): the list is the survey's
  final set of valid completes, and the supplier does not tell the cockpit which ids are
  completes. The cockpit says so and gives the bounds from the survey's completes.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.timesince import timesince

from .models import EligibleRid, normalize_rid

# Statuses of the eligible-RIDs report: a listed complete is reversed to a terminate, a listed
# terminate or drop to a complete.
COMPLETE_STATUSES = {"complete", "completed"}
REVERSIBLE_STATUSES = {"terminate", "terminated", "security_terminate", "drop", "dropped"}


@dataclass
class Preview:
    title: str
    lines: list = field(default_factory=list)  # what will happen, one sentence each
    notes: list = field(default_factory=list)  # per target group: [(name, what happens to it)]
    refusal: str = ""  # why the list cannot be sent; "" when it can
    rejects_most: bool = False  # it turns more than half of a target group's completes into rejections
    button: str = ""
    fingerprint: str = ""
    # The completes it starts from, to judge the supplier's result by: a number for one survey,
    # {target group's supplier id: n} for a Cint file.
    completes_before: object = None


def confirmed(request, preview):
    """Whether the PM confirmed this very preview: its button, with the fingerprint of the same list."""
    return bool(request.POST.get("confirmed")) and request.POST.get("fingerprint") == preview.fingerprint


def fingerprint(*parts):
    """A short digest of what is being confirmed (the list as it will be sent)."""
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()[:32]


def _plural(count, word):
    return f"{count:,} {word}{'' if count == 1 else 's'}"


# --- a survey reconciled by a list of ids (PureSpectrum, Audience-Align) ---------------------------


def survey_preview(tg, ids):
    """What sending `ids` for `tg` does, from the survey's completes as last read."""
    style = tg.capabilities.id_reconciliation
    supplier = tg.project.connection.get_kind_display()
    count, word = len(ids), style.id_word
    preview = Preview(
        title=f"Send {_plural(count, word)} to {supplier}?",
        button=f"Yes, send the {_plural(count, word)}",
        fingerprint=fingerprint(tg.pk, *ids),
    )
    preview.lines.append(
        f"{_plural(count, word)} listed. {supplier} does not tell the cockpit which {word}s are completes, "
        f"so it cannot check them against the survey's completes."
    )
    if tg.read_at is None:
        preview.lines.append(
            f"The cockpit has not read this survey's completes yet, so it cannot say how many of them "
            f"{style.unlisted_fate}: every complete not listed does."
        )
        return preview
    completes, ago = tg.current_completes, timesince(tg.read_at)
    preview.completes_before = completes
    if completes == 0:
        preview.refusal = (
            f"The survey has no completes (read {ago} ago), so none of these {word}s can be one. "
            "Nothing was sent; check that this is the right survey."
        )
        return preview
    stay = min(count, completes)
    leave = completes - stay
    said = f"The survey has {_plural(completes, 'complete')} (read {ago} ago). {supplier} takes the list as the "
    if leave:
        said += (
            f"survey's final set of completes: at most {stay:,} of them stay completes, and the others, at least "
            f"{leave:,} of the {completes:,}, {style.unlisted_fate}."
        )
    else:
        said += (
            f"survey's final set of completes: the completes not listed {style.unlisted_fate}, none if the list "
            f"holds all {completes:,}, one more for each it misses."
        )
    preview.lines.append(said)
    if leave * 2 > completes:
        preview.rejects_most = True
        preview.lines.append("This list leaves out most of the survey's completes. Send it only if that is meant.")
    return preview


# --- a Cint file of RID and reason code lines ---------------------------------------------------


def file_preview(connection, result):
    """What sending a checked file (`validation.CheckResult`, every RID in the report) does."""
    keys = [normalize_rid(line.rid) for line in result.lines]
    rows = {}
    current = EligibleRid.objects.current(connection).select_related("target_group")
    for start in range(0, len(keys), 500):
        for row in current.filter(rid_key__in=keys[start : start + 500]):
            rows[row.rid_key] = row
    groups = defaultdict(lambda: {"label": "", "tg": None, "complete": 0, "reversible": 0, "other": 0})
    for key in keys:
        row = rows.get(key)
        remote_id = (row.target_group.remote_id if row.target_group_id else row.target_group_remote_id) if row else ""
        group = groups[remote_id]
        if row is not None:
            group["label"], group["tg"] = row.tg_label or remote_id or "an unknown target group", row.target_group
        status = (row.status if row else "").strip().lower()
        kind = "complete" if status in COMPLETE_STATUSES else "reversible" if status in REVERSIBLE_STATUSES else "other"
        group[kind] += 1
    count = len(keys)
    preview = Preview(
        title=f"Send {_plural(count, 'RID')} to the supplier?",
        button=f"Yes, send the {_plural(count, 'RID')}",
        fingerprint=fingerprint(connection.pk, result.csv),
        completes_before={},
    )
    preview.lines.append(
        f"{_plural(count, 'RID')} in {_plural(len(groups), 'target group')}, each found in the eligible-RIDs "
        "report. The supplier reverses each listed RID: a complete becomes a terminate (rejected, off the "
        "invoice), a terminate or a drop becomes a complete. RIDs not listed stay as they are."
    )
    for remote_id, group in sorted(groups.items(), key=lambda item: item[1]["label"].lower()):
        preview.notes.append((group["label"], _group_words(group)))
        tg = group["tg"]
        if tg is not None and remote_id:
            preview.completes_before[remote_id] = tg.current_completes
            if group["complete"] * 2 > tg.current_completes:
                preview.rejects_most = True
    if preview.rejects_most:
        preview.lines.append("It rejects most of a target group's completes. Send it only if that is meant.")
    return preview


def _group_words(group):
    complete, reversible, other = group["complete"], group["reversible"], group["other"]
    parts = []
    if complete:
        parts.append("1 complete becomes a terminate" if complete == 1 else f"{complete:,} completes become terminates")
        parts[-1] += " (rejected)"
    if reversible:
        parts.append(
            "1 terminate or drop becomes a complete"
            if reversible == 1
            else f"{reversible:,} terminates or drops become completes"
        )
    if other:
        parts.append(f"{_plural(other, 'RID')} in another status, which the supplier judges")
    words = "; ".join(parts)
    tg = group["tg"]
    if tg is None:
        return f"{words}. The cockpit does not mirror this target group, so it cannot say its completes."
    before = tg.current_completes
    after = max(0, before - complete + reversible)
    return f"{words}: {before:,} → {after:,} completes (from the cockpit's count now)."
