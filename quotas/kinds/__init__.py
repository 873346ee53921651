"""The outbox change kinds of a launched target group's quotas, interlocks, goals, qualifications and
settings, found by name (`sync.kinds`). Each module says its kinds' payloads.

Each kind shows its intent on the local rows at once, sends through the supplier's adapter with the
change's idempotency key and the target group's version, mirrors the supplier's answer, and after a
412 (or before re-sending to a supplier that does not de-duplicate) reads the supplier back to decide
whether the change is still needed. The payload is kept exactly as asked; names for messages come
from the local rows.
"""

from .figures import SetQuotaFigures
from .goals import SetQuotaGoals, SetTargetGroupFillingGoal, SetTrafficCap
from .profiles import CreateInterlock, DisableQuotas, EnableQuotas, RemoveInterlock
from .qualifications import AddQualification, DeleteQualification, UpdateQualification
from .survey import SetCpi, SetLoi

KINDS = {
    kind.name: kind
    for kind in (
        EnableQuotas,
        DisableQuotas,
        CreateInterlock,
        RemoveInterlock,
        SetQuotaGoals,
        SetQuotaFigures,
        SetTargetGroupFillingGoal,
        SetTrafficCap,
        AddQualification,
        UpdateQualification,
        DeleteQualification,
        SetLoi,
        SetCpi,
    )
}
