"""What a supplier's reference data, reports and changelog are to the cockpit: plain records.

Its account's users and business units, its definitions (study types, industries, industry
lock-outs), its question library and profiling templates (`adapter.library`); a report or a
reconciliation file it prepares (`adapter.reports`); a launched target group's changelog and
the fielding actions it allows now (`adapter.launched`, `adapter.fielding`). The supplier's
field names stop at its adapter.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class UserRecord:
    remote_id: str
    name: str = ""  # the user's name, else e-mail, else id
    email: str = ""


@dataclass
class BusinessUnitRecord:
    remote_id: str
    name: str = ""
    currency_code: str = ""
    pricing_models: list = field(default_factory=list)


@dataclass
class DefinitionRecord:
    """One entry of a definitions list (``study_type``, ``industry``, ``industry_lockout``)."""

    code: str
    name: str = ""


@dataclass
class QuestionRecord:
    question_id: Any
    name: str = ""
    text: str = ""
    response_type: str = ""
    scope: str = ""
    category_id: int | None = None


@dataclass
class QuestionOptions:
    """A question's answers: ``kind`` (selection, range or region options) and ``options``, each
    ``{"id", "name"}`` or, for a range, ``{"min", "max", "name"}``."""

    kind: str = ""
    options: list = field(default_factory=list)
    response_type: str = ""


@dataclass
class TemplateRecord:
    """A profiling template; its profiles are read one template at a time (`template_profiles`)."""

    remote_id: str
    name: str = ""
    label: str = ""
    description: str = ""
    scope: str = ""
    locales: list = field(default_factory=list)


@dataclass
class ReportRecord:
    """A report the supplier prepares: ``state`` is "generating", "ready" or "failed"."""

    report_id: str = ""
    url: str = ""
    state: str = "generating"
    status_label: str = ""  # the supplier's own word
    message: str = ""  # what the supplier said about a failure


@dataclass
class ReasonCodeRecord:
    code: str
    name: str = ""
    description: str = ""


@dataclass
class FileReconciliationRecord:
    """A reconciliation file as the supplier processes it, with its results per target group
    (``{"target_group_id", "status", <count>: n}``); counts (``submitted_count``, ``expired_count``,
    ``invalid_count``, ``positive_reversed_count``, ``negative_reversed_count``) are those it said."""

    status_label: str = ""
    complete: bool = False
    counts: dict = field(default_factory=dict)
    target_groups: list = field(default_factory=list)


@dataclass
class ChangeRecord:
    """One change of a changelog entry: what (the supplier's word for it) went from `old` to `new`.
    A value is text, a number, a bool, a `Money`, a `UserRef` or None."""

    what: str
    old: Any = None
    new: Any = None


@dataclass
class ChangelogEntry:
    occurred_at: datetime | None
    user_id: str = ""  # lower case, "" for none
    by_system: bool = False  # the supplier's own automation
    changes: list = field(default_factory=list)  # ChangeRecord


@dataclass(frozen=True)
class Money:
    value: Any
    currency: str = ""


@dataclass(frozen=True)
class UserRef:
    """A user of the account named in a change (its id, lower case)."""

    remote_id: str


@dataclass(frozen=True)
class AllowedActions:
    """The fielding actions a supplier allows now on some target groups (launch, pause, resume,
    relaunch, complete), and the target groups (remote ids) it answered for."""

    target_group_ids: frozenset
    allowed: frozenset


@dataclass
class RateCardRecord:
    """The price per complete for each length of interview (rows, minutes) and incidence rate
    (columns, percent): ``prices[row][column]``. ``predicted``: the latest card, which may still be
    replaced (a launched target group's is bound to it once it has gone live)."""

    lengths: list
    rates: list
    prices: list
    currency: str = ""
    country: str = ""
    predicted: bool = True
