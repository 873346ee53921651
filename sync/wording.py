"""The outbox in words: a change as the PM asked it, and a refusal with what to do next."""

from suppliers import errors

from .kinds import REGISTRY

OUTCOME_UNKNOWN = (
    "The cockpit could not record what happened to this change; it checks with the supplier before trying "
    "again, so it is never applied twice."
)


def describe(change) -> str:
    """The change in words: as recorded when it was asked, else as its kind words it now."""
    if change.summary:
        return change.summary
    kind = REGISTRY.get(change.kind)
    return kind.describe(change) if kind else change.kind


def refusal_message(exc) -> str:
    """Plain words for a change the supplier refused, with what to do next."""
    if isinstance(exc, errors.NotFound):
        return (
            "The supplier no longer has what this change was about (it may have been removed or replaced). "
            "Refresh from the supplier to see the current state."
        )
    if isinstance(exc, errors.AuthFailed):
        return (
            "The supplier refused the cockpit's credentials, so nothing was changed. "
            "Ask an administrator to check this supplier's credentials in the environment, then try again."
        )
    said = exc.said
    if not said:
        return f"{exc.message} The cockpit shows the supplier's values again."
    said = said if said.endswith(".") else f"{said}."
    return (
        f"The supplier refused this change: {said} "
        "The cockpit shows the supplier's values again; correct the change and ask again if it is still needed."
    )
