"""The outbox change kinds fielding owns, by name (`sync.kinds`): projects and drafts, launches and jobs,
fielding runs, status verbs, a launched target group's settings, and supplier-only surveys."""

from .audience_align import surveys as audience_align
from .drafts.changes import CreateDraftTargetGroup, CreateProject, UpdateDraftTargetGroup
from .launched.changes import SetCostPerInterview, SetFieldingAssistant, SetFillingStrategy
from .launched.details import UpdateLaunchedDetails
from .purespectrum import surveys as purespectrum
from .runs.actions import (
    CompleteFieldingRun,
    LaunchNowFieldingRun,
    PauseFieldingRun,
    RelaunchFieldingRun,
    ResumeFieldingRun,
    UpdateFieldingRunEnd,
)
from .runs.jobs import BulkFieldingJob, LaunchFromDraft, ScheduleFromDraft
from .status.actions import ChangeStatus

KINDS = {
    kind.name: kind
    for kind in (
        CreateProject,
        CreateDraftTargetGroup,
        UpdateDraftTargetGroup,
        LaunchFromDraft,
        ScheduleFromDraft,
        BulkFieldingJob,
        PauseFieldingRun,
        ResumeFieldingRun,
        CompleteFieldingRun,
        RelaunchFieldingRun,
        LaunchNowFieldingRun,
        UpdateFieldingRunEnd,
        ChangeStatus,
        SetCostPerInterview,
        SetFillingStrategy,
        SetFieldingAssistant,
        UpdateLaunchedDetails,
        purespectrum.CreateSurvey,
        audience_align.AddExclusions,
        audience_align.RemoveExclusion,
        audience_align.CreateSurvey,
    )
}
