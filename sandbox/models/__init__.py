"""The sandbox's own model of the suppliers: nothing here knows about the app's apps.

Shared by every supplier part: `wire` (the applied-write log, the fault settings).
`audience_align` holds the Audience-Align part's models. The other modules are the Cint
part's (`accounts`, `demand`, `fielding`, `profiles`, `respondents`, `webhooks`,
`idempotency`); they keep their names because migration 0001 names `demand`'s default
functions by path. A new supplier's models go in a module named after it. All stay in
the `sandbox` app (no table renames).
"""

from .accounts import (
    AccessToken,
    Account,
    ApiCredential,
    BusinessUnit,
    ProfilingTemplate,
    Question,
    QuestionOption,
    ReasonCode,
    SandboxUser,
)
from .audience_align import (
    AaClient,
    AaCombination,
    AaExclusion,
    AaInterlocking,
    AaQualification,
    AaQuota,
    AaReconciliation,
    AaRespondent,
    AaSurvey,
)
from .demand import ChangelogEntry, Project, TargetGroup, TargetGroupStatus
from .fielding import BatchJob, FieldingJob, FieldingRun, JobStatus, RunStatus
from .idempotency import IdempotencyRecord
from .profiles import Condition, Interlock, Profile, Quota
from .purespectrum import PsAdjustment, PsBuyer, PsQuota, PsSurvey, PsTransaction
from .respondents import Reconciliation, ReconciliationItem, Report, Respondent
from .webhooks import Webhook, WebhookDelivery
from .wire import AppliedRequest, FaultSettings

__all__ = [
    "AaClient",
    "AaCombination",
    "AaExclusion",
    "AaInterlocking",
    "AaQualification",
    "AaQuota",
    "AaReconciliation",
    "AaRespondent",
    "AaSurvey",
    "AccessToken",
    "Account",
    "ApiCredential",
    "AppliedRequest",
    "BatchJob",
    "BusinessUnit",
    "ChangelogEntry",
    "Condition",
    "FaultSettings",
    "FieldingJob",
    "FieldingRun",
    "IdempotencyRecord",
    "Interlock",
    "JobStatus",
    "Profile",
    "ProfilingTemplate",
    "PsAdjustment",
    "PsBuyer",
    "PsQuota",
    "PsSurvey",
    "PsTransaction",
    "Project",
    "Question",
    "QuestionOption",
    "Quota",
    "ReasonCode",
    "Reconciliation",
    "ReconciliationItem",
    "Report",
    "Respondent",
    "RunStatus",
    "SandboxUser",
    "TargetGroup",
    "TargetGroupStatus",
    "Webhook",
    "WebhookDelivery",
]
