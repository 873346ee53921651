"""The outbox change kinds reconciliations owns, by name (`sync.kinds`)."""

from .changes import SubmitReconciliation, SubmitSurveyReconciliation

KINDS = {kind.name: kind for kind in (SubmitReconciliation, SubmitSurveyReconciliation)}
