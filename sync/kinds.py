"""What a kind of remote change declares, and the registry that finds a kind by its name.

A kind (enable quotas, pause a fielding run, …) is one class beside its domain: each app lists its
kinds in a ``KINDS`` table in its `kinds` module (``{name: class}``, healthchecks' ``TRANSPORTS``
idiom), gathered here when the apps are ready (`load`). The outbox owns the loop — claim, send,
outcome, retry, recovery — and asks a kind only these things:

* **asking** — `check` (can the supplier take it?), `describe` (in words), `touches` (the page blocks
  it changes), `record_intent` and `intent_key` (the wanted state shown locally at once);
* **sending** — `version` (the If-Match) and `send` (the adapter call; the answer is returned);
* **reading back** — `read_back` re-reads the supplier and returns what it saw, and `verdict` is given
  that value and says whether the change is still needed (after a 412, before a re-send);
* **mirroring** — `mirror` stores an answer and returns what the PM should know, `carry` gathers the
  answers of a run of changes to store them once, `revert` brings the rows back after a refusal.

State goes from one step to the next as values returned and given (what `read_back` saw is given to
`verdict`, `send` and `mirror`; the refusal to `revert`), never as attributes set on the change.
"""

import importlib
import logging
from dataclasses import dataclass

from django.apps import apps

from suppliers import errors
from suppliers.adapter import Unsupported

from .models import RemoteChange

log = logging.getLogger(__name__)

State = RemoteChange.State

REGISTRY = {}  # name: the kind (an instance), from every app's `kinds` module


@dataclass
class Verdict:
    """What a re-read (after a 412, or before a re-send) says about a change."""

    needed: bool
    state: str = State.APPLIED  # when not needed: APPLIED (already so) or CONFLICT
    reason: str = ""


class ChangeKind:
    """How one kind of change is asked for, sent, read back and mirrored.

    Subclasses set `name` and `label` and implement `send`; the other steps have sensible defaults.
    `capability` names the `Capabilities` field the supplier must have; `operation` is what the
    supplier's `idempotent_operations` are checked for.
    """

    name = ""
    label = ""
    capability = ""
    operation = ""
    # Re-read and check the verdict before the first send too, not only before a re-send: for a
    # write the supplier guards with no version (If-Match), so values changed there since the
    # page was drawn are seen before they are overwritten.
    reread_before_send = False
    # A change of what fills (quotas, goals, prices): refused once the target group has finished
    # (completed, closed, archived), where the pages offer it no more either.
    while_open = False

    @property
    def verifies(self) -> bool:
        """Whether `read_back` + `verdict` tell if the supplier already holds the change (a kind that has both).

        Where the supplier does not de-duplicate the operation by key, a re-send is preceded by
        them; a kind without them must be safe to send twice (a PUT of the whole resource, say).
        """
        cls = type(self)
        return cls.read_back is not ChangeKind.read_back and cls.verdict is not ChangeKind.verdict

    # --- asking ------------------------------------------------------------------------------

    def check(self, change, capabilities) -> None:
        """Raise `Unsupported` (in words) if the supplier cannot take this change; nothing is recorded then."""
        if self.capability and not capabilities.allows(self.capability):
            raise Unsupported(
                f"{change.connection.get_kind_display()} does not offer this change ({self.label.lower()}), "
                "so nothing was sent. Make it in the supplier's own site if it is needed."
            )

    def describe(self, change) -> str:
        """One line for the changes panel, e.g. "Disable quotas on AGE"."""
        return self.label

    def touches(self, change) -> list:
        """The page blocks this change affects (`sync.blocks`), the one that shows its badge first."""
        return []

    def record_intent(self, change) -> None:
        """Show the wanted state locally, in the same transaction as the change row.

        Must be idempotent: a pull sync writes the supplier's values and then calls it
        again for every change still unsettled (`reapply_intents`), so a pending change
        never looks undone. Write with queryset updates; `change.target_group` is the
        caller's instance, so set its attributes too when changing the target group.
        """

    def intent_key(self, change):
        """What the intent sets, when it sets it whole (e.g. ``("quotas_enabled", profile id)``), or None.

        Two unsettled changes with the same key write the same fields of the same rows with values of
        their own, so only the later one's intent shows: `reapply_intents` records just that one.
        """
        return None

    # --- sending -----------------------------------------------------------------------------

    def version(self, change) -> str:
        """The version sent in If-Match: the target group's latest by default."""
        return change.target_group.version if change.target_group_id else ""

    def send(self, adapter, change, version, seen=None):  # pragma: no cover - abstract
        """Send the change through `adapter` and return its answer. `seen` is what `read_back` returned
        just before (after a 412, or a re-read before sending), or None."""
        raise NotImplementedError

    # --- reading back ------------------------------------------------------------------------

    def read_back(self, adapter, change):
        """Re-read the resource from the supplier, so `version` and the local rows are current; returns what
        was read, for `verdict` (None: nothing to judge by)."""
        return None

    def verdict(self, change, seen) -> Verdict:
        """Given what `read_back` returned: is the change still needed?"""
        return Verdict(needed=True)

    # --- mirroring ---------------------------------------------------------------------------

    def mirror(self, change, answer, seen=None) -> str:
        """Store what the supplier answered on the local rows; returns what the PM should know about the
        applied change (shown beside "Applied"), or "". `seen`: what `read_back` returned before the send."""
        return ""

    def carry(self, change, answer, carried):
        """In a run of changes: write nothing, keep on the instances what the next send needs (the target
        group's new version), and return `carried` (None for the first) with this answer added, an object
        whose ``store(target_group)`` writes all it holds once, after the run's last answer (the waiting
        changes' intents are shown again then). None (the default): `mirror` stores the answer now.

        A run of changes asked in a burst is so mirrored once, not once per change.
        """
        return None

    def revert(self, adapter, change, error=None) -> None:
        """After a refusal (`error`, the supplier's, when it refused): bring the local rows back to the
        supplier's truth.

        When the supplier cannot be read either, the target group is marked for a full
        read at the next pull, which replaces the intent with the supplier's values.
        """
        try:
            self.read_back(adapter, change)
        except errors.SupplierError as exc:  # the refusal is what the PM must see; log the rest
            log.warning("could not re-read after a refused change %s: %s", change.pk, exc)
            if change.target_group_id:
                change.target_group.needs_full_read()


def kind_named(name) -> ChangeKind:
    return REGISTRY[name]


def kind_of(change) -> ChangeKind:
    return REGISTRY[change.kind]


def load():
    """Gather the ``KINDS`` table of every installed app's `kinds` module (called once the apps are ready)."""
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.kinds")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.kinds":
                raise
            continue
        for name, kind_cls in getattr(module, "KINDS", {}).items():
            if name != kind_cls.name:
                raise ValueError(f"change kind {kind_cls.__name__} listed as {name!r}, named {kind_cls.name!r}")
            if name in REGISTRY and type(REGISTRY[name]) is not kind_cls:
                raise ValueError(f"change kind {name!r} listed twice")
            REGISTRY[name] = kind_cls()
