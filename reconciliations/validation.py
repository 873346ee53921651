"""Check a reconciliation file before anything is sent to the supplier.

The supplier wants a CSV of ``RID,reason code`` lines without a header, at most
20,000 of them, and rejects or silently drops what does not fit. `check_lines`
finds every such problem first and reports each bad line by its number, so a PM
fixes the file once instead of learning about it from a half-processed request.

Nothing here touches the database or the network: the caller passes the known
reason codes, a function that looks RIDs up in the eligible-RIDs report, and
"today", so every rule can be tested on its boundary.
"""

import csv
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

# A RID and a reason code, with room to spare: a longer line is not one of them.
MAX_LINE_LENGTH = 500
MAX_LINES = 20_000
# The last day of the month after a complete's month on which it may still be reconciled.
DEADLINE_DAY = 25
HEADER_WORDS = {"rid", "rids", "id", "respondent id", "respondent_id", "response id", "response_id", "reason code"}


@dataclass(frozen=True)
class Line:
    number: int
    rid: str
    reason_code: str


@dataclass
class Problem:
    """One bad line (or range of lines), with every reason it is bad."""

    number: int
    text: str
    messages: list[str] = field(default_factory=list)
    last_number: int | None = None  # for a range of lines, e.g. those over the limit

    @property
    def where(self):
        if self.last_number and self.last_number != self.number:
            return f"Lines {self.number:,}–{self.last_number:,}"
        return f"Line {self.number:,}"


@dataclass
class CheckResult:
    lines: list[Line]
    problems: list[Problem]

    @property
    def ok(self):
        return bool(self.lines) and not self.problems

    @property
    def csv(self):
        """The file to send: one ``RID,reason code`` line each, no header."""
        return "".join(f"{line.rid},{line.reason_code}\n" for line in self.lines)


def reconciliation_deadline(completed_on: date) -> date:
    """The last day a complete of `completed_on` may be reconciled: the 25th of the next month."""
    year, month = divmod(completed_on.year * 12 + completed_on.month, 12)  # month after, 0-based
    return date(year, month + 1, DEADLINE_DAY)


def in_window(completed_on: date, today: date) -> bool:
    return today <= reconciliation_deadline(completed_on)


def utc_today() -> date:
    return datetime.now(UTC).date()


def check_lines(
    text: str,
    *,
    reason_codes: Iterable[str],
    lookup: Callable[[set[str]], Mapping[str, date | None]],
    today: date,
) -> CheckResult:
    """Parse `text` (``RID,reason code`` per line) and check every rule.

    `lookup(keys)` receives upper-cased RIDs and returns, for those the
    eligible-RIDs report lists, the day each completed (``None`` if unknown).
    Blank lines are skipped but still counted, so numbers match the PM's file.
    """
    codes = {str(code).strip() for code in reason_codes}
    numbered = [(number, raw) for number, raw in enumerate(text.splitlines(), start=1) if raw.strip()]
    problems = {}  # line number -> Problem
    parsed = []  # Lines well formed so far, each RID's first occurrence
    first_seen = {}

    def complain(number, raw, message):
        problems.setdefault(number, Problem(number, raw)).messages.append(message)

    for index, (number, raw) in enumerate(numbered[:MAX_LINES]):
        if len(raw) > MAX_LINE_LENGTH:
            complain(
                number,
                raw[:80] + "…",
                f"This line is {len(raw):,} characters long; a RID and a reason code "
                f"take at most {MAX_LINE_LENGTH}. Check that the file is the right one.",
            )
            continue
        try:
            fields = [value.strip() for value in next(csv.reader([raw]))]
        except csv.Error:
            complain(number, raw, "This line is not a CSV line (RID, a comma, the reason code).")
            continue
        if len(fields) != 2:
            complain(number, raw, _column_message(raw, fields))
            continue
        rid, code = fields
        if index == 0 and _looks_like_header(rid, code, codes):
            complain(number, raw, "This looks like a header row. Remove it: the supplier wants no header.")
            continue
        if not rid:
            complain(number, raw, "The RID (first column) is empty.")
        elif any(char.isspace() for char in rid):
            complain(number, raw, f"The RID “{rid}” contains spaces; check that it was copied whole.")
        if not code:
            complain(number, raw, "The reason code (second column) is empty.")
        elif code not in codes:
            complain(number, raw, f"“{code}” is not one of the supplier's reason codes ({_list(codes)}).")
        if not rid:
            continue
        key = rid.upper()
        if key in first_seen:
            complain(number, raw, f"The RID {rid} is already on line {first_seen[key]:,}; list each RID once.")
            continue
        first_seen[key] = number
        parsed.append((Line(number, rid, code), raw))

    if len(numbered) > MAX_LINES:
        (first, raw), (last, _) = numbered[MAX_LINES], numbered[-1]
        problems[first] = Problem(
            first,
            raw,
            [
                f"The supplier accepts at most {MAX_LINES:,} lines per submission and this has {len(numbered):,}. "
                f"Send the lines from line {first:,} on as a second submission."
            ],
            last_number=last,
        )

    found = lookup(set(first_seen)) if first_seen else {}
    for line, raw in parsed:
        key = line.rid.upper()
        if key not in found:
            complain(
                line.number,
                raw,
                f"The RID {line.rid} is not in the eligible-RIDs report. Check it, or generate the report "
                "again if this respondent completed after the report was made.",
            )
        elif found[key] is not None and not in_window(found[key], today):
            completed_on = found[key]
            complain(
                line.number,
                raw,
                f"The RID {line.rid} completed on {_day(completed_on)}; completes of {completed_on:%B %Y} could "
                f"be reconciled until {_day(reconciliation_deadline(completed_on))}. Remove this line.",
            )

    if not numbered:
        problems[0] = Problem(0, "", ["There are no lines to send. Add one “RID,reason code” line per respondent."])
    lines = [line for line, _ in parsed if line.number not in problems]
    return CheckResult(lines=lines, problems=[problems[number] for number in sorted(problems)])


def _day(value):
    return f"{value.day} {value:%B %Y}"


def _looks_like_header(rid, code, codes):
    return code not in codes and (rid.lower() in HEADER_WORDS or code.lower() in HEADER_WORDS | {"reason", "code"})


def _column_message(raw, fields):
    count = len(fields)
    columns = "1 column" if count == 1 else f"{count} columns"
    hint = ""
    if count == 1 and ";" in raw:
        hint = " Use a comma, not a semicolon, between them."
    elif count == 1 and "\t" in raw:
        hint = " Use a comma, not a tab, between them."
    return f"This line has {columns}; it needs exactly two: RID, reason code.{hint}"


def _list(codes):
    ordered = sorted(codes, key=lambda code: (len(code), code))
    return ", ".join(ordered) if ordered else "none loaded yet"
