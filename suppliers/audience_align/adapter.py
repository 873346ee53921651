"""Audience-Align behind the supplier seam: its capabilities, its records, its verbs.

Audience-Align has surveys, not projects: the adapter yields one project per connection
(remote id ``"surveys"``) holding every survey as a target group whose remote id is the
survey's ``project_id``. Qualifications are profiles (named from ``Name`` / ``title``,
their conditions, ranges or postal codes in words); each condition or range is a quota
(a quota the supplier has no number for defaults to the survey's complete goal, soft);
the interlocking's combinations are the cells of the survey's one interlock.

``get_survey`` returns everything per survey, paginated, without a change date: the list
record carries a ``fingerprint`` of the row's content instead, so an unchanged survey costs
no further request. Rows read by the list are kept for the rest of the adapter's life (one
sync run) and serve `read_target_group` and `read_profiles` without asking again; any
write forgets them.
"""

from suppliers.adapter import Capabilities, IdListReconciliation, InterlockLimits, StatusAction, SupplierAdapter
from suppliers.errors import NotFound, SupplierError, ValidationFailed
from suppliers.records import Answer, ProjectRecord, ReconciliationRecord, TargetGroupRecord
from suppliers.values import decimal, whole

from . import meaning
from .client import ACTIVE, CLOSED, COMPLETED, INACTIVE, STATUS_WORDS, AudienceAlignClient, survey_rows
from .shapes import (
    INTERLOCK_ID,
    RECONCILIATION_REVIEW,
    criteria_codes,
    interlock_record,
    interlocking_data,
    profiles_snapshot,
    qualification_body,
    reconciliation_record,
    survey_answer,
    survey_body,
    survey_matches,
    survey_record,
)
from .transport import AudienceAlignTransport

PROJECT_ID = "surveys"
STATUS_CODES = {"live": ACTIVE, "paused": INACTIVE, "completed": COMPLETED, "closed": CLOSED}
CLOSED_WARNING = "Closing is final: a closed survey cannot be changed again, at Audience-Align or here."
STATUS_ACTIONS = (
    StatusAction("activate", "Activate", "live", frozenset({"paused", "completed"})),
    StatusAction("deactivate", "Deactivate", "paused", frozenset({"live"})),
    StatusAction("complete", "Complete", "completed", frozenset({"live", "paused"})),
    StatusAction("close", "Close", "closed", frozenset({"live", "paused", "completed"}), warning=CLOSED_WARNING),
)


class AudienceAlignAdapter(SupplierAdapter):
    kind = "audience_align"
    label = "Audience-Align"
    capabilities = Capabilities(
        quota_goals=True,
        soft_quotas=True,
        interlocks=InterlockLimits(
            min_members=2,
            max_members=4,
            max_cells=200,
            min_cell_goal=1,
            max_cell_goal=10_000,
            member_word="qualifications",
            removable=False,
            split_from_goal=False,
        ),
        status_actions=STATUS_ACTIONS,
        id_reconciliation=IdListReconciliation(
            id_word="UID",
            contact_email=True,
            help="Audience-Align approves the completes whose UIDs you list; it writes to the contact e-mail "
            "about the reconciliation and may hold a list for manual review.",
            unlisted_fate="are not approved",
            unlisted_verb="did not approve",
        ),
        exclusions=True,
        feasibility=True,
        survey_creation=True,
        qualifications=True,
        loi=True,
        cpi=True,
        final_statuses=frozenset({"closed"}),
    )
    config_keys = ("base_url", "client_id", "key", "timeout_seconds")
    quota_meaning = staticmethod(meaning.quota_meaning)

    def __init__(self, client, *, name=""):
        super().__init__(client)
        self.name = name
        self._rows = {}

    @classmethod
    def from_config(cls, config, *, cache=None, session=None):
        transport = AudienceAlignTransport(
            config["base_url"],
            config["client_id"],
            config["key"],
            cache=cache,
            timeout=config.get("timeout_seconds") or 20.0,
            session=session,
        )
        return cls(AudienceAlignClient(transport), name=config.get("account_id") or "")

    # --- reading -----------------------------------------------------------------------------

    def iter_projects(self):
        name = f"Audience-Align surveys ({self.name})" if self.name else "Audience-Align surveys"
        yield ProjectRecord(remote_id=PROJECT_ID, name=name)

    def iter_target_groups(self, project_id):
        self._rows = {}
        for row in self.client.iter_surveys():
            self._rows[str(row["project_id"])] = row
            yield survey_record(row)

    def _survey(self, ref):
        """The survey's row: as the list read it in this run, else asked for."""
        row = self._rows.get(ref.target_group_id)
        if row is not None:
            return row
        rows = survey_rows(self.client.get_survey(ref.target_group_id))
        row = next((r for r in rows if str(r.get("project_id")) == ref.target_group_id), None)
        if row is None:
            raise NotFound(f"Audience-Align has no survey {ref.target_group_id}.", status=404)
        return row

    def read_target_group(self, ref, *, known_version=None, with_statistics=True):
        record = survey_record(self._survey(ref))
        return record, known_version is None or record.version != known_version

    def read_profiles(self, ref):
        row = self._survey(ref)
        self._rows.pop(ref.target_group_id, None)  # read once per run; a later read asks again
        interlocking = interlocking_data(self.client.get_interlocking(ref.target_group_id).data)
        return profiles_snapshot(row, interlocking)

    def read_exclusions(self, ref):
        """The ids of the surveys whose respondents are kept out of this one."""
        try:
            response = self.client.get_exclusions(ref.target_group_id)
        except ValidationFailed as exc:
            if exc.status == 400 and "not found" in (exc.text or "").lower():
                return []  # "Exclusion data not found!": none yet
            raise
        data = response.data.get("data") if isinstance(response.data, dict) else None
        return [str(i) for i in (data or {}).get("exclusion_project") or []]

    # --- change verbs --------------------------------------------------------------------------

    def _wrote(self):
        self._rows = {}

    def set_status(self, ref, action, *, key, version=""):
        wanted = self.capabilities.status_action(action)
        if wanted is None:
            raise ValueError(f"unknown status action {action!r}")
        self._wrote()
        response = self.client.set_survey_status(ref.target_group_id, STATUS_CODES[wanted.to_status])
        if response.no_changes:
            # "No changes made or survey not found": say which, from the survey itself.
            record = survey_record(self._survey(ref))
            if record.status != wanted.to_status:
                said = f"Audience-Align made no change: {response.message or 'no changes made'}"
                raise ValidationFailed.from_parts(422, said, [], body=response.data)
            return Answer(status=response.status, raw=response.data, target_group=record)
        label = STATUS_WORDS[STATUS_CODES[wanted.to_status]]
        record = TargetGroupRecord(remote_id=ref.target_group_id, status=wanted.to_status, status_label=label)
        return Answer(status=response.status, raw=response.data, target_group=record)

    def set_loi(self, ref, minutes, *, key, version=""):
        self._wrote()
        response = self.client.update_survey(ref.target_group_id, loi=int(minutes))
        return survey_answer(ref, response)

    def set_cpi(self, ref, cpi, *, key, version=""):
        self._wrote()
        response = self.client.update_survey(ref.target_group_id, cpi=f"{decimal(cpi, 2):f}")
        return survey_answer(ref, response)

    def set_quota_goals(self, ref, goals, *, key, version=""):
        self._wrote()
        cells, quotas = [], {}
        for (owner, quota_id), goal in sorted(goals.items()):
            if owner == INTERLOCK_ID:
                cells.append({"id": quota_id, "required_count": int(goal)})
            else:
                quotas.setdefault(owner, []).append((quota_id, int(goal)))
        answer = None
        if quotas:
            codes = self._quota_codes(ref, [q for pairs in quotas.values() for q, _ in pairs])
            body = [
                {
                    "qualification_code": int(owner),
                    "criteria": [{"required_count": goal, "condition_codes": codes[q]} for q, goal in pairs],
                }
                for owner, pairs in sorted(quotas.items())
            ]
            response = self.client.save_quota(ref.target_group_id, body)
            answer = Answer(status=response.status, raw=response.data)
        if cells:
            answer = self._update_cells(ref, cells)
        return answer or Answer()

    def _update_cells(self, ref, cells):
        try:
            response = self.client.update_interlocking(ref.target_group_id, cells)
        except ValidationFailed as exc:
            # "No changes were made. Either the quotas are already up to date or the update failed."
            if exc.status != 422 or "no changes" not in (exc.text or "").lower():
                raise
            current = interlocking_data(self.client.get_interlocking(ref.target_group_id).data)
            have = {str(c.get("id")): whole(c.get("quota")) for c in current.get("combinations") or []}
            if any(have.get(cell["id"]) != cell["required_count"] for cell in cells):
                raise
            return Answer(status=200, raw=exc.body)
        data = response.data if isinstance(response.data, dict) else {}
        interlocking = data.get("Interlocking") or data.get("data")
        if isinstance(interlocking, dict) and interlocking.get("combinations"):
            record = interlock_record(interlocking, {})
            return Answer(status=response.status, raw=response.data, interlock=record)
        return Answer(status=response.status, raw=response.data)

    def _quota_codes(self, ref, quota_ids):
        """{quota id: the ``condition_codes`` to send} (digest ids are looked up in the survey's quotas)."""
        codes, unknown = {}, []
        for quota_id in quota_ids:
            _, _, rest = quota_id.partition(":")
            if rest.startswith("#"):
                unknown.append(quota_id)
            else:
                codes[quota_id] = criteria_codes(rest)
        if unknown:
            row = self._survey(ref)
            known = {q.remote_id: q for p in profiles_snapshot(row, {}).profiles for q in p.quotas}
            for quota_id in unknown:
                if quota_id not in known:
                    raise NotFound("Audience-Align no longer has this quota; refresh the survey.", status=404)
                codes[quota_id] = known[quota_id].extra.get("condition_codes")
        return codes

    def create_interlock(self, ref, profile_ids, *, filling_goal, key, version=""):
        self._wrote()
        response = self.client.create_interlocking(ref.target_group_id, list(profile_ids))
        data = response.data if isinstance(response.data, dict) else {}
        interlocking = data.get("Interlocking") or data.get("data") or {}
        if not isinstance(interlocking, dict) or not interlocking.get("combinations"):
            return Answer(status=response.status, raw=response.data)
        record = interlock_record(interlocking, {})
        record.profile_ids = [str(p) for p in profile_ids]
        return Answer(status=response.status, raw=response.data, interlock=record)

    # --- qualifications -----------------------------------------------------------------------

    def add_qualification(self, ref, question_id, conditions_kind, conditions, *, key, version=""):
        self._wrote()
        body = qualification_body(question_id, conditions_kind, conditions)
        response = self.client.save_qualifications(ref.target_group_id, [body])
        return self._profiles_after(ref, response)

    def update_qualification(self, ref, question_id, conditions_kind, conditions, *, key, version=""):
        self._wrote()
        body = qualification_body(question_id, conditions_kind, conditions)
        response = self.client.update_qualifications(ref.target_group_id, [body])
        return self._profiles_after(ref, response)

    def delete_qualification(self, ref, question_id, *, key, version=""):
        self._wrote()
        response = self.client.delete_qualification(ref.target_group_id, question_id)
        return self._profiles_after(ref, response)

    def _profiles_after(self, ref, response):
        """The answer of a qualification change says only that it worked: read the survey's profiles once
        (if that read fails, the change stands and the next sync shows the profiles)."""
        try:
            snapshot = self.read_profiles(ref)
        except SupplierError:
            snapshot = None
        return Answer(status=response.status, raw=response.data, profiles=snapshot)

    # --- reconciliation -------------------------------------------------------------------------

    def submit_reconciliation(self, ref, ids, *, contact_email="", key):
        response = self.client.submit_reconciliation(ref.target_group_id, contact_email, list(ids))
        message = response.message
        record = ReconciliationRecord(
            state="processing",
            status_label="Submitted",
            needs_review=RECONCILIATION_REVIEW in message.lower(),
            message=message,
        )
        return Answer(status=response.status, raw=response.data, reconciliation=record)

    def read_reconciliation(self, ref, remote_id):
        return reconciliation_record(self.client.get_reconciliation(ref.target_group_id).data)

    def find_reconciliation(self, ref, ids):
        """The submission the supplier holds for this survey, if it is this very list (by its UIDs)."""
        try:
            data = self.client.get_reconciliation(ref.target_group_id).data
        except NotFound:
            return None
        if not isinstance(data, dict) or "request_uids" not in data:
            return None  # the supplier does not say which list it holds: it cannot be this one for sure
        if sorted(str(uid) for uid in data.get("request_uids") or []) != sorted(str(uid) for uid in ids):
            return None
        return reconciliation_record(data)

    # --- Audience-Align's own features (behind `exclusions`, `feasibility`, `survey_creation`) -------

    def create_survey(self, spec):
        """Create a survey from a `SurveySpec`-like dict in the cockpit's words; the answer's record is the survey."""
        self._wrote()
        response = self.client.create_survey(survey_body(spec))
        data = response.data.get("data") if isinstance(response.data, dict) else None
        record = survey_record(data) if isinstance(data, dict) and data.get("project_id") else None
        return Answer(status=response.status, raw=response.data, target_group=record)

    def find_survey(self, spec, *, known_ids=()):
        """A survey just like `spec` that is not one of `known_ids` (a create whose answer was lost), or None."""
        body = survey_body(spec)
        for row in self.client.iter_surveys():
            if str(row.get("project_id")) in known_ids:
                continue
            if survey_matches(row, body):
                return survey_record(row)
        return None

    def save_exclusions(self, ref, survey_ids):
        self._wrote()
        response = self.client.save_exclusions(ref.target_group_id, [str(i) for i in survey_ids])
        return Answer(status=response.status, raw=response.data)

    def remove_exclusion(self, ref, survey_id):
        self._wrote()
        response = self.client.delete_exclusions(ref.target_group_id, [str(survey_id)])
        return Answer(status=response.status, raw=response.data)

    def feasibility(self, inputs):
        """``{"minimum", "maximum", "recommended_price"}`` for `inputs` (already in the supplier's words)."""
        data = self.client.feasibility(inputs).data
        found = (data or {}).get("feasibility_data") if isinstance(data, dict) else None
        found = found if isinstance(found, dict) else {}
        return {
            "minimum": whole(found.get("minimum_feasibility")),
            "maximum": whole(found.get("maximum_feasibility")),
            "recommended_price": decimal(found.get("recommended_price"), 2),
        }

    def master_data(self, kind):
        data = self.client.master_data(kind).data
        return list(data.get("data") or []) if isinstance(data, dict) else []

    def standard_qualifications(self, country_id, language_id):
        data = self.client.qualification_master(country_id, language_id).data
        return list(data.get("qualifications_data") or []) if isinstance(data, dict) else []
