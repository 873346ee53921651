"""Resource methods of the Audience-Align Demand API, one per endpoint of seed 004.

Each method names an endpoint relative to the ``/v1`` base URL, the headers the seed
lists for it (``X-Project-Id``, ``X-Qualification-Id``) and its body, and returns the
transport's ``ApiResponse``. Bodies keep the seed's types: ids and numbers as strings
where its examples have strings, integers where they have integers.
"""

from suppliers.errors import ValidationFailed

from .transport import ApiResponse

# Survey statuses (`survey_status`).
ACTIVE, INACTIVE, COMPLETED, CLOSED = "1", "2", "4", "5"
STATUS_WORDS = {ACTIVE: "Active", INACTIVE: "Inactive", COMPLETED: "Completed", CLOSED: "Closed"}
# How many surveys one page of `get_survey` holds (see NOTES.md: the answer does not say).
SURVEY_PAGE_SIZE = 50
MASTER_TYPES = ("country", "language", "study_category", "vertical")


class AudienceAlignClient:
    """The Demand API for one client id and key: ``AudienceAlignClient(transport)``."""

    def __init__(self, transport):
        self.transport = transport

    @property
    def request_count(self):
        return self.transport.request_count

    def _call(self, method, endpoint, body=None, *, params=None, project_id=None, qualification_id=None):
        return self.transport.request(
            method, endpoint, params=params, json=body, project_id=project_id, qualification_id=qualification_id
        )

    # --- surveys -----------------------------------------------------------------------------

    def list_surveys(self, page=1):
        """One page of the account's surveys, each with its progress, qualifications and quotas."""
        return self._call("GET", "endpoints/get_survey", params={"page": page})

    def iter_surveys(self):
        """Every survey, page after page, until a page is short or empty (the answer gives no total)."""
        page, size = 1, SURVEY_PAGE_SIZE
        while True:
            try:
                rows = survey_rows(self.list_surveys(page))
            except ValidationFailed as exc:
                if exc.status == 422 and "not found" in (exc.text or "").lower():
                    return  # past the last page (or no survey at all)
                raise
            if not rows:
                return
            yield from rows
            size = max(size, len(rows))
            if len(rows) < size:
                return
            page += 1

    def get_survey(self, project_id):
        """One survey (``X-Project-Id``), in the list's shape: a list of one."""
        return self._call("GET", "endpoints/get_survey", project_id=project_id)

    def create_survey(self, body):
        return self._call("POST", "endpoints/create_survey", body)

    def update_survey(self, project_id, *, loi=None, cpi=None):
        """Change a survey's LOI and/or CPI (strings, as the seed sends them)."""
        body = {"project_id": project_id}
        if loi is not None:
            body["loi"] = str(loi)
        if cpi is not None:
            body["cpi"] = str(cpi)
        return self._call("PATCH", "endpoints/update_survey", body)

    def set_survey_status(self, project_id, status):
        """``status``: "1" Active, "2" Inactive, "4" Completed, "5" Closed."""
        return self._call("PUT", "endpoints/survey_status", {"project_id": project_id, "status": str(status)})

    # --- qualifications and quotas --------------------------------------------------------------

    def list_qualifications(self, project_id, qualification_id=None):
        return self._call("GET", "endpoints/qualifications", project_id=project_id, qualification_id=qualification_id)

    def save_qualifications(self, project_id, qualifications):
        """Add qualifications: ``[{"qualification_code": 43, "condition_codes": [1, 2]}, …]``."""
        body = {"project_id": project_id, "qualifications": list(qualifications)}
        return self._call("POST", "endpoints/save_qualification", body)

    def update_qualifications(self, project_id, qualifications):
        """Change the targeting of qualifications the survey has (one type per qualification)."""
        body = {"project_id": project_id, "qualifications": list(qualifications)}
        return self._call("PATCH", "endpoints/update_qualification", body)

    def delete_qualification(self, project_id, qualification_code):
        body = {"project_id": project_id, "qualification_code": str(qualification_code)}
        return self._call("DELETE", "endpoints/delete_qualification", body)

    def list_quotas(self, project_id, qualification_id=None):
        return self._call(
            "GET", "endpoints/qualifications_quota", project_id=project_id, qualification_id=qualification_id
        )

    def save_quota(self, project_id, quota):
        """Set quotas: ``[{"qualification_code": 43, "criteria": [{"required_count": 100, "condition_codes": 1}]}]``."""
        return self._call("POST", "endpoints/save_quota", {"project_id": project_id, "quota": list(quota)})

    # --- interlocking ---------------------------------------------------------------------------

    def get_interlocking(self, project_id):
        return self._call("GET", "endpoints/get_interlocking", {"project_id": project_id})

    def create_interlocking(self, project_id, qualification_codes):
        body = {"project_id": project_id, "qualification_code": [int(code) for code in qualification_codes]}
        return self._call("POST", "endpoints/create_interlocking", body)

    def update_interlocking(self, project_id, combinations):
        """``combinations``: ``[{"id": "Aud0…", "required_count": 21}]`` (1 to 10,000 each)."""
        body = {"project_id": project_id, "combinations": list(combinations)}
        return self._call("PATCH", "endpoints/update_interlocking", body)

    # --- reconciliation ---------------------------------------------------------------------------

    def submit_reconciliation(self, project_id, contact_email, uids):
        body = {"contact_email": contact_email, "request_uids": list(uids)}
        return self._call("POST", "reconciliations/submit_reconciliation", body, project_id=project_id)

    def get_reconciliation(self, project_id):
        return self._call("GET", "reconciliations/reconciliation", project_id=project_id)

    # --- master data ------------------------------------------------------------------------------

    def master_data(self, kind):
        """``kind``: "country", "language", "study_category" or "vertical"."""
        if kind not in MASTER_TYPES:
            raise ValueError(f"unknown master data type {kind!r}")
        return self._call("GET", "endpoints/get_master_data", params={"type": kind})

    def qualification_master(self, country_id, language_id):
        """The standard qualifications of a country and language."""
        body = {"country_id": str(country_id), "language_id": str(language_id)}
        return self._call("GET", "endpoints/get_qualification_master", body)

    # --- exclusions and feasibility ----------------------------------------------------------------

    def get_exclusions(self, project_id):
        return self._call("GET", "endpoints/exclusion", project_id=project_id)

    def save_exclusions(self, project_id, survey_ids):
        return self._call("POST", "endpoints/exclusion", {"exclusion_project": list(survey_ids)}, project_id=project_id)

    def delete_exclusions(self, project_id, survey_ids=None):
        """Remove the exclusion of `survey_ids` (all of the survey's exclusions when None)."""
        body = {"exclusion_project": list(survey_ids)} if survey_ids is not None else None
        return self._call("DELETE", "endpoints/exclusion", body, project_id=project_id)

    def feasibility(self, body):
        """``locale``, ``incidence_rate`` (0–1), ``length_of_interview``, ``filling_goal``, dates, ``category``,
        ``profiles``; answers ``feasibility_data``."""
        return self._call("GET", "endpoints/getFeasibility", body)


def survey_rows(response: ApiResponse):
    """The surveys of a `get_survey` answer."""
    data = response.data.get("data") if isinstance(response.data, dict) else None
    if isinstance(data, dict):
        data = [data]
    return [row for row in data or [] if isinstance(row, dict) and row.get("project_id")]
