"""The outbox change kinds fielding owns, by name (`sync.kinds`): projects and drafts, launches and jobs,
fielding runs, status verbs, a launched target group's settings, and supplier-only surveys."""

from . import audience_align, purespectrum
from .changes import CreateDraftTargetGroup, CreateProject, UpdateDraftTargetGroup
from .jobs import BulkFieldingJob, LaunchFromDraft, ScheduleFromDraft
from .launched import SetCostPerInterview, SetFieldingAssistant, SetFillingStrategy, UpdateLaunchedDetails
from .runs import (
    CompleteFieldingRun,
    LaunchNowFieldingRun,
    PauseFieldingRun,
    RelaunchFieldingRun,
    ResumeFieldingRun,
    UpdateFieldingRunEnd,
)
from .status import ChangeStatus

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
