"""A new PureSpectrum survey (a draft with its qualifications and quotas), created through the outbox.

The form (`fielding.purespectrum.forms`) builds the Buy API's survey body; `request_new_survey` keeps it
on a draft target group with a placeholder id and records the create. PureSpectrum has no
idempotency keys, so before a re-send the kind looks for the survey at PureSpectrum by its
title (the form refuses a title the connection already has), and never creates it twice.
Once created, the survey is taken live from the status panel ("Go live").
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from fielding.drafts.body import is_created, pending_remote_id
from projects.models import TargetGroup
from suppliers.purespectrum import catalogue
from sync.intents import request_change
from sync.kinds import ChangeKind, Verdict

KIND = "ps_create_survey"
BODY = "ps_survey_body"


def quotas_in_words(body):
    """[(buyer quota id, criteria in words, required count)] of a survey body, for the draft's page."""
    return [
        (q["buyer_quota_id"], catalogue.criteria_words(q.get("criteria")), q.get("required_count"))
        for q in body.get("quotas") or []
    ]


def show_body(tg, body):
    """The survey body on the target group's own columns (and kept whole in `details`)."""
    tg.name = body["survey_title"][:255]
    tg.locale = body["survey_localization"]
    tg.filling_goal = body["completes_required"]
    tg.expected_incidence_rate = (Decimal(body["expected_ir"]) / 100).quantize(Decimal("0.01"))
    tg.expected_length_of_interview_minutes = body["expected_loi"]
    tg.cpi = Decimal(str(body["offer_price"]))
    tg.cpi_currency = "USD"
    tg.live_url, tg.test_url = body["live_url"], body["test_url"]
    tg.details = {
        **(tg.details or {}),
        BODY: body,
        "field_time_days": body["field_time"],
        "qualifications": [
            {"code": q["qualification_code"], "words": catalogue.criterion_words(q)} for q in body["qualifications"]
        ],
    }


def request_new_survey(project, body, *, by):
    """A new draft survey: the row now (placeholder id), its create at PureSpectrum through the outbox."""
    with transaction.atomic():
        tg = TargetGroup(project=project, remote_id=pending_remote_id(), status=TargetGroup.Status.DRAFT)
        show_body(tg, body)
        tg.save()
        change = request_change(KIND, connection=project.connection, target_group=tg, payload={"body": body}, by=by)
    return tg, change


class CreateSurvey(ChangeKind):
    name = KIND
    label = "Create a survey"
    capability = "survey_drafts"
    verifies = True  # `read_back` looks the survey up by its title: a lost answer is never a second survey

    def describe(self, change):
        return f"Create the survey “{change.payload.get('body', {}).get('survey_title', '')}”"

    def touches(self, change):
        return ["header"]

    def version(self, change):
        return ""

    def send(self, adapter, change, version, seen=None):
        return adapter.create_survey(change.payload["body"])

    def mirror(self, change, answer, seen=None):
        data = answer.data if isinstance(answer.data, dict) else {}
        self._created(change, data.get("ps_survey_id"))

    def _created(self, change, survey_id):
        tg = TargetGroup.objects.get(pk=change.target_group_id)
        if survey_id is not None and not is_created(tg):
            tg.remote_id = str(survey_id)
        tg.synced_at, tg.sync_error = timezone.now(), ""
        tg.save(update_fields=["remote_id", "synced_at", "sync_error"])
        change.target_group = tg

    def read_back(self, adapter, change):
        """Before a re-send: is the survey already at PureSpectrum (an earlier try created it)? Returns it, or None."""
        title = change.payload["body"]["survey_title"]
        found = adapter.find_survey_titled(title)
        if found is not None:
            self._created(change, found)
        return found

    def verdict(self, change, found):
        if found is None:
            return Verdict(needed=True)
        return Verdict(needed=False, reason="PureSpectrum already has this survey (an earlier try created it).")

    def revert(self, adapter, change, error=None):
        """A refused create leaves the draft in the cockpit with the refusal, to correct and send again."""
