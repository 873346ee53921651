"""The sandbox's own model of the supplier: nothing here knows about the app's apps."""

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
from .demand import ChangelogEntry, Project, TargetGroup, TargetGroupStatus
from .fielding import BatchJob, FieldingJob, FieldingRun, JobStatus, RunStatus
from .profiles import Condition, Interlock, Profile, Quota
from .respondents import Reconciliation, ReconciliationItem, Report, Respondent
from .webhooks import Webhook, WebhookDelivery
from .wire import AppliedRequest, FaultSettings, IdempotencyRecord

__all__ = [
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
