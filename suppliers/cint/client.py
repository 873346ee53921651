"""Resource methods of the Cint Exchange Demand API, one per operation the cockpit uses.

Each method names a path of the contract (``cint-demand-api-2025-02-17.yaml``) relative to
the ``/v1`` base URL and returns the transport's ``ApiResponse``; ``iter_*`` methods walk a
paginated list and yield its items. Mutations take the caller's ``idempotency_key`` (the
outbox row's, so retries reuse it) and, where an ETag guards the change, ``if_match``.
"""

from .fielding import FieldingMethods
from .reports import ReportMethods
from .transport import paginate, segment


class CintClient(FieldingMethods, ReportMethods):
    """The Demand API for one account: ``CintClient(transport, account_id)``."""

    def __init__(self, transport, account_id):
        self.transport = transport
        self.account_id = account_id

    @property
    def request_count(self):
        return self.transport.request_count

    # --- paths and verbs -----------------------------------------------------------------

    @property
    def _account(self):
        return f"/accounts/{segment(self.account_id)}"

    @property
    def _demand(self):
        return f"/demand/accounts/{segment(self.account_id)}"

    def _project(self, project_id):
        return f"{self._demand}/projects/{segment(project_id)}"

    def _target_group(self, project_id, target_group_id):
        return f"{self._project(project_id)}/target-groups/{segment(target_group_id)}"

    def _profiles_v2(self, project_id, target_group_id):
        return (
            f"/demand/v2/accounts/{segment(self.account_id)}/projects/{segment(project_id)}"
            f"/target-groups/{segment(target_group_id)}/profiles"
        )

    def _get(self, path, **params):
        return self.transport.request("GET", path, params=params or None)

    def _post(self, path, body=None, **options):
        return self.transport.request("POST", path, json=body, **options)

    def _put(self, path, body, **options):
        return self.transport.request("PUT", path, json=body, **options)

    # --- accounts ------------------------------------------------------------------------

    def list_accounts(self):
        return self._get("/accounts")

    def list_users(self, *, user_type=None):
        """``user_type="project_manager"`` lists the people a project can be assigned to."""
        return self._get(f"{self._account}/users", user_type=user_type)

    def list_business_units(self):
        return self._get(f"{self._account}/business-units")

    def list_user_business_units(self, user_id):
        return self._get(f"{self._account}/users/{segment(user_id)}/business-units")

    # --- definitions (the same for every account) ------------------------------------------

    def list_study_types(self):
        return self._get("/study-types")

    def list_industries(self):
        return self._get("/industries")

    def list_industry_lockouts(self):
        return self._get("/industry-lockouts")

    # --- projects ------------------------------------------------------------------------

    def iter_projects(self, *, status=None, search=None, project_manager_id=None, page_size=100):
        params = {"status": status, "search_string": search, "project_manager_id": project_manager_id}
        return self.transport.iter_pages(f"{self._demand}/projects", "projects", params, page_size)

    def create_project(self, body, *, idempotency_key):
        return self._post(f"{self._demand}/projects", body, idempotency_key=idempotency_key)

    def get_project(self, project_id):
        return self._get(self._project(project_id))

    def get_project_overview(self, project_id):
        return self._get(f"{self._project(project_id)}/overview")

    def update_project(self, project_id, body, *, idempotency_key, if_match=None):
        return self._put(self._project(project_id), body, idempotency_key=idempotency_key, if_match=if_match)

    # --- target groups -------------------------------------------------------------------

    def iter_target_groups(
        self,
        project_id,
        *,
        status=None,
        search=None,
        human_readable_ids=None,
        country=None,
        language=None,
        exclusion_status=None,
        page_size=100,
    ):
        """Filters taking several values (``status``, ``country``, ...) accept lists."""
        params = {
            "status": status,
            "search_string": search,
            "human_readable_ids": human_readable_ids,
            "country": country,
            "language": language,
            "exclusion_status": exclusion_status,
        }
        path = f"{self._project(project_id)}/target-groups"
        return self.transport.iter_pages(path, "target_groups", params, page_size)

    def create_target_group(self, project_id, body, *, idempotency_key):
        """Create a draft target group."""
        return self._post(f"{self._project(project_id)}/target-groups", body, idempotency_key=idempotency_key)

    def get_target_group(self, project_id, target_group_id):
        """A draft target group (launched ones: ``get_target_group_details``)."""
        return self._get(self._target_group(project_id, target_group_id))

    def update_target_group(self, project_id, target_group_id, body, *, idempotency_key, if_match=None):
        """Replace a draft target group (PUT)."""
        path = self._target_group(project_id, target_group_id)
        return self._put(path, body, idempotency_key=idempotency_key, if_match=if_match)

    def get_target_group_details(self, project_id, target_group_id):
        return self._get(f"{self._target_group(project_id, target_group_id)}/details")

    def update_target_group_details(self, project_id, target_group_id, body, *, idempotency_key, if_match=None):
        """Change a launched target group's name, LOI, IR, URLs, manager."""
        path = f"{self._target_group(project_id, target_group_id)}/details"
        return self._put(path, body, idempotency_key=idempotency_key, if_match=if_match)

    def get_target_group_overview(self, project_id, target_group_id):
        return self._get(f"{self._target_group(project_id, target_group_id)}/overview")

    def get_target_group_performance(self, project_id, target_group_id):
        return self._get(f"{self._target_group(project_id, target_group_id)}/performance")

    def get_completes_by_interval(self, project_id, target_group_id, *, interval=None):
        """Completes per ISO-8601 ``interval`` (e.g. ``"P1D"``, ``"PT1H"``)."""
        path = f"{self._target_group(project_id, target_group_id)}/completes-aggregated-by-interval"
        return self._get(path, aggregation_interval=interval)

    def iter_changelog(self, project_id, target_group_id, *, page_size=100):
        path = f"{self._target_group(project_id, target_group_id)}/changelog"
        return self.transport.iter_pages(path, "changelog", page_size=page_size)

    def list_changelog(self, project_id, target_group_id, *, page_size=None, start_after=None, end_before=None):
        """One page of the changelog, newest first; ``data["next_cursor"]`` ("" at the end) is the next
        page's ``start_after``."""
        path = f"{self._target_group(project_id, target_group_id)}/changelog"
        return self._get(path, page_size=page_size, start_after=start_after, end_before=end_before)

    def compute_target_group_transitions(
        self,
        project_id,
        *,
        target_group_ids=None,
        excluded_target_group_ids=None,
        statuses=None,
        countries=None,
        languages=None,
        search=None,
    ):
        """Which fielding actions the supplier allows on the project's target groups matching the
        filters (``is_launch_allowed``, ``is_pause_allowed``, …), and their ids. Changes nothing."""
        filters = {"status": statuses, "country": countries, "language": languages}
        body = {
            "search_string": search,
            "filters": {key: list(value) for key, value in filters.items() if value} or None,
            "included_target_group_ids": None if target_group_ids is None else list(target_group_ids),
            "excluded_target_group_ids": None if excluded_target_group_ids is None else list(excluded_target_group_ids),
        }
        path = f"{self._project(project_id)}/compute-target-group-transitions"
        return self._post(path, {key: value for key, value in body.items() if value is not None})

    def get_target_group_rate_card(self, project_id, target_group_id):
        """The rate card of a target group: ``predicted_rate_card`` until it has gone live, then the
        ``bound_rate_card`` it launched with."""
        return self._get(f"{self._target_group(project_id, target_group_id)}/rate-card")

    def get_business_unit_rate_card(self, business_unit_id, country_code):
        """The business unit's current rate card for a country (``"US"``), e.g. for a draft."""
        path = f"{self._demand}/business-units/{segment(business_unit_id)}/rate-card"
        return self._get(path, country_code=country_code)

    def update_cost_per_interview(self, project_id, target_group_id, *, value, currency_code, idempotency_key):
        path = f"{self._target_group(project_id, target_group_id)}/cost-per-interview"
        body = {"target_group_cpi": {"value": str(value), "currency_code": currency_code}}
        return self._put(path, body, idempotency_key=idempotency_key)

    def update_filling_strategy(self, project_id, target_group_id, filling_strategy, *, idempotency_key):
        """``filling_strategy``: ``"automated"``, ``"prescreens"`` or ``"completes"``."""
        path = f"{self._target_group(project_id, target_group_id)}/filling-strategy"
        return self._put(path, {"filling_strategy": filling_strategy}, idempotency_key=idempotency_key)

    def get_fielding_assistant_assignment(self, project_id, target_group_id):
        return self._get(f"{self._target_group(project_id, target_group_id)}/fielding-assistant-assignment")

    def put_fielding_assistant_assignment(
        self, project_id, target_group_id, body, *, idempotency_key, if_match=None, if_none_match=None
    ):
        path = f"{self._target_group(project_id, target_group_id)}/fielding-assistant-assignment"
        return self._put(path, body, idempotency_key=idempotency_key, if_match=if_match, if_none_match=if_none_match)

    # --- feasibility ---------------------------------------------------------------------

    def calculate_feasibility(self, project_id, body, *, idempotency_key=None):
        """Feasibility of a target group described in ``body`` (nothing is created)."""
        path = f"{self._project(project_id)}/target-groups/calculate-feasibility"
        return self._post(path, body, idempotency_key=idempotency_key)

    def calculate_target_group_feasibility(self, project_id, target_group_id, body=None, *, idempotency_key=None):
        """Feasibility of an existing target group, optionally with changed values in ``body``."""
        path = f"{self._target_group(project_id, target_group_id)}/calculate-feasibility"
        return self._post(path, body, idempotency_key=idempotency_key)

    # --- questions and profiling templates -----------------------------------------------

    def list_questions(self, locale, *, search=None, category_id=None, scope=None, page_size=None, start_after=None):
        """One page of the question library for ``locale`` (e.g. ``"eng_us"``)."""
        params = {
            "account_id": self.account_id,
            "locale": locale,
            "search": search,
            "category_id": category_id,
            "type": scope,
            "page_size": page_size,
            "start_after": start_after,
        }
        return self._get("/demand/questions", **params)

    def iter_questions(self, locale, *, search=None, category_id=None, scope=None, page_size=100):
        """Every question; the next page starts after the highest id of the previous one."""

        def fetch_page(cursor):
            options = {"search": search, "category_id": category_id, "scope": scope}
            return self.list_questions(locale, page_size=page_size, start_after=cursor, **options).data or {}

        def next_cursor(page, items):
            return items[-1].get("id") if len(items) >= page_size else None

        return paginate(fetch_page, "questions", next_cursor)

    def get_question(self, question_id, *, locale):
        """One question with its answer options."""
        return self._get(f"/demand/questions/{segment(question_id)}", locale=locale)

    def iter_profiling_templates(self, *, scope=None, locales=None, order=None, page_size=100):
        params = {"scope": scope, "locales": _comma_list(locales), "order": order}
        return self.transport.iter_pages(f"{self._demand}/profiling-templates", "templates", params, page_size)

    def get_profiling_template(self, template_id, *, locales=None):
        path = f"{self._demand}/profiling-templates/{segment(template_id)}"
        return self._get(path, locales=_comma_list(locales))

    # --- profiles (v2) -------------------------------------------------------------------
    # Guide 000 sends the target group's ETag as If-Match on these; the v2 contract does not
    # list it, so it is sent only when the caller passes one (see NOTES.md).

    def list_profiles(self, project_id, target_group_id):
        """Regular profiles in ``data`` plus the ``interlocked_profile``, if any."""
        return self._get(self._profiles_v2(project_id, target_group_id))

    def get_profile(self, project_id, target_group_id, profile_id):
        return self._get(f"{self._profiles_v2(project_id, target_group_id)}/{segment(profile_id)}")

    def create_profile(self, project_id, target_group_id, body, *, idempotency_key, if_match=None):
        path = self._profiles_v2(project_id, target_group_id)
        return self._post(path, body, idempotency_key=idempotency_key, if_match=if_match)

    def enable_quotas(self, project_id, target_group_id, profile_id, *, idempotency_key, if_match=None):
        path = f"{self._profiles_v2(project_id, target_group_id)}/{segment(profile_id)}/enable-quotas"
        return self._post(path, idempotency_key=idempotency_key, if_match=if_match)

    def disable_quotas(self, project_id, target_group_id, profile_id, *, idempotency_key, if_match=None):
        path = f"{self._profiles_v2(project_id, target_group_id)}/{segment(profile_id)}/disable-quotas"
        return self._post(path, idempotency_key=idempotency_key, if_match=if_match)

    def create_interlocked_profile(
        self, project_id, target_group_id, *, profile_ids, target_group_filling_goal, idempotency_key, if_match=None
    ):
        path = f"{self._profiles_v2(project_id, target_group_id)}/create-interlocked-profile"
        body = {"target_group_filling_goal": target_group_filling_goal, "profiles": list(profile_ids)}
        return self._post(path, body, idempotency_key=idempotency_key, if_match=if_match)

    def remove_interlocks(self, project_id, target_group_id, interlocked_profile_id, *, idempotency_key, if_match=None):
        """Split an interlocked profile (its id, not a member's) back into regular profiles."""
        path = f"{self._profiles_v2(project_id, target_group_id)}/{segment(interlocked_profile_id)}/remove-interlocks"
        return self._post(path, idempotency_key=idempotency_key, if_match=if_match)

    def update_filling_goals(self, project_id, target_group_id, body, *, idempotency_key, if_match=None):
        """Set the target group's and quotas' filling goals (completes, not percentages)."""
        path = f"{self._profiles_v2(project_id, target_group_id)}/filling-goal"
        return self._put(path, body, idempotency_key=idempotency_key, if_match=if_match)

    def apply_profiles(self, project_id, target_group_id, body, *, idempotency_key, if_match=None):
        path = f"{self._profiles_v2(project_id, target_group_id)}/apply-profiles"
        return self._post(path, body, idempotency_key=idempotency_key, if_match=if_match)

    def generate_draft_interlocked_profile(self, body, *, idempotency_key):
        """Preview the interlocked quotas of draft profiles (nothing is saved on a target group)."""
        path = f"/demand/v2/accounts/{segment(self.account_id)}/drafts/generate-interlocked-profile"
        return self._post(path, body, idempotency_key=idempotency_key)

    # --- webhooks ------------------------------------------------------------------------

    def list_webhook_events(self):
        return self._get(f"{self._account}/webhooks/events")

    def iter_webhooks(self, *, page_size=100):
        return self.transport.iter_pages(f"{self._account}/webhooks", "webhooks", page_size=page_size)

    def create_webhook(self, body, *, idempotency_key):
        """``body``: ``{"id": <ULID we choose>, "url": ..., "events": [...]}``."""
        return self._post(f"{self._account}/webhooks", body, idempotency_key=idempotency_key)

    def get_webhook(self, webhook_id):
        return self._get(f"{self._account}/webhooks/{segment(webhook_id)}")

    def update_webhook(self, webhook_id, body, *, idempotency_key, if_match=None):
        path = f"{self._account}/webhooks/{segment(webhook_id)}"
        return self._put(path, body, idempotency_key=idempotency_key, if_match=if_match)

    def delete_webhook(self, webhook_id, *, idempotency_key, if_match=None):
        path = f"{self._account}/webhooks/{segment(webhook_id)}"
        return self.transport.request("DELETE", path, idempotency_key=idempotency_key, if_match=if_match)

    def regenerate_webhook_secret(self, webhook_id, *, idempotency_key):
        path = f"{self._account}/webhooks/{segment(webhook_id)}/regenerate-secret"
        return self._post(path, idempotency_key=idempotency_key)


def _comma_list(values):
    if values is None or isinstance(values, str):
        return values
    return ",".join(values)
