"""Audience-Align's own features in the cockpit: master data, new surveys, exclusions, feasibility.

* Master data (countries, languages, study categories, verticals, standard qualifications per
  country and language) is kept in `AudienceAlignMasterData`, refreshed daily by a beat task.
* A new survey is asked through the outbox (``aa_create_survey``): a placeholder target group is
  shown at once and takes the survey's id once Audience-Align created it. Without idempotency keys,
  a re-send first looks for the survey among those the cockpit does not mirror yet.
* Exclusions (``aa_add_exclusions`` / ``aa_remove_exclusion``) go through the outbox too; the list is
  read by the pull sync into ``TargetGroup.details["exclusions"]``.
* Feasibility is asked by a task and polled by the form (`AudienceAlignFeasibility`).
"""

import logging
import uuid

from django.db import transaction
from django.utils import timezone

from config.tasks import task
from fielding.models_audience_align import AudienceAlignFeasibility, AudienceAlignMasterData
from projects.models import PENDING_PREFIX, Project, TargetGroup
from suppliers import errors
from sync.intents import request_change
from sync.kinds import ChangeKind, Verdict
from sync.mirror import apply_record
from sync.reads import register_part
from sync.upsert import Tally

log = logging.getLogger(__name__)

Kind = AudienceAlignMasterData.Kind
LISTS = (Kind.COUNTRY, Kind.LANGUAGE, Kind.STUDY_CATEGORY, Kind.VERTICAL)
ID_FIELDS = {
    "country": "country_id",
    "language": "language_id",
    "study_category": "category_id",
    "vertical": "vertical_id",
}
# Two-letter language codes -> the three letters of a feasibility locale (eng_us).
LANGUAGE_CODES = {"en": "eng", "fr": "fra", "de": "deu", "nl": "nld", "zh": "zho", "es": "spa", "it": "ita"}
FINISHED = (TargetGroup.Status.COMPLETED, TargetGroup.Status.CLOSED)
EXCLUSIONS = "exclusions"


def _adapter(connection, adapter=None):
    from sync.adapters import adapter_for

    return adapter or adapter_for(connection)


# --- master data ---------------------------------------------------------------------------------


def _keep(connection, kind, data, key=""):
    AudienceAlignMasterData.objects.update_or_create(
        connection=connection, kind=kind, key=key, defaults={"data": data, "fetched_at": timezone.now()}
    )


def refresh_master_data(connection, adapter=None):
    """Read every list and each country's standard qualifications (in its own language); returns lists read."""
    adapter = _adapter(connection, adapter)
    for kind in LISTS:
        _keep(connection, kind, adapter.master_data(kind.value))
    done = len(LISTS)
    for country in master(connection, Kind.COUNTRY):
        if country.get("language"):
            fetch_qualifications(connection, country["country_id"], country["language"], adapter=adapter)
            done += 1
    return done


def fetch_qualifications(connection, country_id, language_id, adapter=None):
    adapter = _adapter(connection, adapter)
    try:
        found = adapter.standard_qualifications(country_id, language_id)
    except errors.ValidationFailed:
        found = []  # "No Data Found!": the pair offers none
    _keep(connection, Kind.QUALIFICATIONS, found, key=f"{country_id}/{language_id}")
    return found


def master(connection, kind, key=""):
    row = AudienceAlignMasterData.objects.filter(connection=connection, kind=kind, key=key).first()
    return list(row.data) if row else []


def has_master_data(connection):
    return AudienceAlignMasterData.objects.filter(connection=connection, kind=Kind.COUNTRY).exists()


def choices(connection, kind):
    """[(id, name)] of a list, for a form."""
    return [(str(item[ID_FIELDS[kind]]), item.get("name", "")) for item in master(connection, kind)]


def name_of(connection, kind, item_id):
    return dict(choices(connection, kind)).get(str(item_id), "")


def standard_qualifications(connection, country_id, language_id):
    """The cached standard qualifications of a country and language, or None when not loaded yet."""
    row = AudienceAlignMasterData.objects.filter(
        connection=connection, kind=Kind.QUALIFICATIONS, key=f"{country_id}/{language_id}"
    ).first()
    return list(row.data) if row else None


def locale(connection, country_id, language_id):
    """A feasibility locale such as ``eng_us`` from the master data's short names ("" when unknown)."""
    country = next((c for c in master(connection, Kind.COUNTRY) if c.get("country_id") == str(country_id)), None)
    language = next(
        (item for item in master(connection, Kind.LANGUAGE) if item.get("language_id") == str(language_id)), None
    )
    if not country or not language:
        return ""
    three = LANGUAGE_CODES.get(str(language.get("short_name", "")).lower())
    return f"{three}_{str(country.get('short_name', '')).lower()}" if three else ""


# --- exclusions (a part of the pull sync) ---------------------------------------------------------


def _read_exclusions(adapter, tg):
    return adapter.read_exclusions(tg.ref)


def _store_exclusions(tg, ids):
    tally = Tally()
    if ids is None:
        return tally
    if (tg.details or {}).get(EXCLUSIONS) != list(ids):
        store_exclusions(tg, ids)
        tally.updated += 1
    return tally


def store_exclusions(tg, ids):
    tg.details = {**(tg.details or {}), EXCLUSIONS: list(ids)}
    TargetGroup.objects.filter(pk=tg.pk).update(details=tg.details)


register_part(EXCLUSIONS, read=_read_exclusions, store=_store_exclusions, capability="exclusions")


# --- the survey's locale (a part of the pull sync) ----------------------------------------------------


def _no_request(adapter, tg):
    return None  # the locale is built from the master data the cockpit keeps: nothing to ask


def store_locale(tg, _answer=None):
    """Name the survey's locale (``eng_us``) from its country and language ids, as a Cint target group
    has one; left as it is while the master data does not know them."""
    tally = Tally()
    info = (tg.details or {}).get("audience_align") or {}
    found = locale(tg.project.connection, info.get("country_id"), info.get("language_id"))
    if found and found != tg.locale:
        TargetGroup.objects.filter(pk=tg.pk).update(locale=found)
        tg.locale = found
        tally.updated += 1
    return tally


register_part("aa_locale", read=_no_request, store=store_locale, capability="survey_creation")


class ExclusionChange(ChangeKind):
    capability = "exclusions"

    def touches(self, change):
        return ["aa_exclusions"]

    def version(self, change):
        return ""

    def ids(self, change):
        return [str(i) for i in change.payload.get("survey_ids") or []]

    def names(self, change):
        return ", ".join(change.payload.get("names") or self.ids(change))

    def read_back(self, adapter, change):
        ids = adapter.read_exclusions(change.target_group.ref)
        if ids is not None:
            store_exclusions(change.target_group, ids)
        return ids

    def revert(self, adapter, change, error=None):
        try:
            self.read_back(adapter, change)
        except errors.SupplierError as exc:
            log.warning("could not re-read exclusions after a refused change %s: %s", change.pk, exc)


class AddExclusions(ExclusionChange):
    name = "aa_add_exclusions"
    label = "Exclude surveys' respondents"

    def describe(self, change):
        return f"Exclude the respondents of {self.names(change)}"

    def record_intent(self, change):
        tg = change.target_group
        current = list((tg.details or {}).get(EXCLUSIONS) or [])
        wanted = current + [i for i in self.ids(change) if i not in current]
        if wanted != current:
            store_exclusions(tg, wanted)

    def send(self, adapter, change, version, seen=None):
        return adapter.save_exclusions(change.target_group.ref, self.ids(change))

    def verdict(self, change, remote):
        if remote is not None and set(self.ids(change)) <= set(remote):
            return Verdict(needed=False, reason="The supplier already excluded these surveys; nothing more to do.")
        return Verdict(needed=True)


class RemoveExclusion(ExclusionChange):
    name = "aa_remove_exclusion"
    label = "Stop excluding a survey"

    def describe(self, change):
        return f"Stop excluding the respondents of {self.names(change)}"

    def record_intent(self, change):
        tg = change.target_group
        current = list((tg.details or {}).get(EXCLUSIONS) or [])
        wanted = [i for i in current if i not in self.ids(change)]
        if wanted != current:
            store_exclusions(tg, wanted)

    def send(self, adapter, change, version, seen=None):
        return adapter.remove_exclusion(change.target_group.ref, self.ids(change)[0])

    def verdict(self, change, remote):
        if remote is not None and not set(self.ids(change)) & set(remote):
            return Verdict(needed=False, reason="The supplier no longer excluded this survey; nothing more to do.")
        return Verdict(needed=True)


def request_exclusions(tg, others, *, by):
    payload = {"survey_ids": [o.remote_id for o in others], "names": [o.name for o in others]}
    return request_change(AddExclusions.name, connection=tg.project.connection, target_group=tg, payload=payload, by=by)


def request_exclusion_removal(tg, survey_id, name, *, by):
    payload = {"survey_ids": [survey_id], "names": [name or survey_id]}
    return request_change(
        RemoveExclusion.name, connection=tg.project.connection, target_group=tg, payload=payload, by=by
    )


# --- new surveys ------------------------------------------------------------------------------------


def surveys_project(connection):
    """The connection's one project of surveys (made by the first sync; made here if that has not run)."""
    project = Project.objects.filter(connection=connection).order_by("pk").first()
    if project is None:
        project = Project.objects.create(connection=connection, remote_id="surveys", name=f"{connection.label} surveys")
    return project


class CreateSurvey(ChangeKind):
    """``aa_create_survey``: payload ``{"spec": {…}}`` (the cockpit's words, see the adapter's `survey_body`)."""

    name = "aa_create_survey"
    label = "Create a survey"
    capability = "survey_creation"

    def describe(self, change):
        return f"Create the survey “{change.payload.get('spec', {}).get('name', '')}”"

    def touches(self, change):
        return ["header"]

    def version(self, change):
        return ""

    def send(self, adapter, change, version, seen=None):
        return adapter.create_survey(change.payload["spec"])

    def mirror(self, change, answer, seen=None):
        adopt(change.target_group, answer.target_group)

    def read_back(self, adapter, change):
        tg = change.target_group
        known = set(
            TargetGroup.objects.filter(project__connection=change.connection).values_list("remote_id", flat=True)
        )
        return adapter.find_survey(change.payload["spec"], known_ids=known) if tg.is_pending else None

    def verdict(self, change, found):
        if not change.target_group.is_pending:
            return Verdict(needed=False, reason="The survey was already created at the supplier.")
        if found is None:
            return Verdict(needed=True)
        adopt(change.target_group, found)
        return Verdict(needed=False, reason="The supplier already had this survey (an earlier try reached it).")

    def revert(self, adapter, change, error=None):
        TargetGroup.objects.filter(pk=change.target_group_id).update(
            status=TargetGroup.Status.DRAFT, status_label="Not created", status_reason="The supplier refused it."
        )


def adopt(tg, record):
    """The placeholder of a new survey becomes the survey Audience-Align created."""
    if record is None:
        return
    with transaction.atomic():
        TargetGroup.objects.filter(pk=tg.pk).update(remote_id=record.remote_id, synced_at=None)
        tg.remote_id = record.remote_id
        apply_record(tg, record)
        store_locale(tg)


def request_survey(connection, spec, *, by):
    """Record a placeholder target group and the change that creates the survey; returns the change."""
    with transaction.atomic():
        tg = TargetGroup.objects.create(
            project=surveys_project(connection),
            remote_id=f"{PENDING_PREFIX}{uuid.uuid4()}",
            name=spec["name"][:255],
            status=TargetGroup.Status.PAUSED,
            status_label="Being created",
            filling_goal=int(spec["completes"]),
            expected_length_of_interview_minutes=int(spec["loi"]),
            cpi=spec["cpi"],
        )
        return request_change(CreateSurvey.name, connection=connection, target_group=tg, payload={"spec": spec}, by=by)


# --- feasibility ---------------------------------------------------------------------------------------


def request_feasibility(connection, inputs, *, by):
    run_aa_feasibility = task("fielding.tasks.run_aa_feasibility")

    with transaction.atomic():
        check = AudienceAlignFeasibility.objects.create(
            connection=connection, inputs=inputs, requested_by=by if by and by.is_authenticated else None
        )
        transaction.on_commit(lambda: run_aa_feasibility.delay(check.pk))
    return check


def run_feasibility(check, adapter=None):
    if check.is_settled:
        return check
    try:
        result = _adapter(check.connection, adapter).feasibility(check.inputs)
    except errors.SupplierError as exc:
        check.state = AudienceAlignFeasibility.State.FAILED
        check.message = (
            f"Audience-Align could not be asked just now ({exc.message}) Try again in a minute."
            if exc.retryable
            else f"Audience-Align could not estimate this survey: {exc.message}"
        )
    else:
        check.state = AudienceAlignFeasibility.State.DONE
        check.result = {key: str(value) if value is not None else None for key, value in result.items()}
    check.finished_at = timezone.now()
    check.save(update_fields=["result", "state", "message", "finished_at"])
    return check
