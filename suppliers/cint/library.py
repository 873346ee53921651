"""Cint's reference data, as the adapter offers it (`adapter.library`, behind `capabilities.drafts`):
the account's project managers and business units, the definitions (study types, industries,
industry lock-outs), the question library of a locale and the profiling templates.

Each read answers `suppliers.reference` records; a template's profiles are Cint's own profile
documents, kept whole by the cockpit to start a draft's profiling from.
"""

from suppliers.reference import (
    BusinessUnitRecord,
    DefinitionRecord,
    QuestionOptions,
    QuestionRecord,
    TemplateRecord,
    UserRecord,
)

# The cockpit's name of a definitions list -> (client method, key of the list in its answer).
DEFINITIONS = {
    "study_type": ("list_study_types", "study_types"),
    "industry": ("list_industries", "industries"),
    "industry_lockout": ("list_industry_lockouts", "industry_lockouts"),
}
RANGE = "range_options"


def _listed(response, key):
    return (response.data or {}).get(key) or []


class CintLibrary:
    """Reference data of one Cint account: ``CintLibrary(client)``."""

    def __init__(self, client):
        self.client = client

    def project_managers(self):
        """The people a project can be assigned to (`UserRecord`s)."""
        return [
            UserRecord(
                remote_id=str(user["id"]),
                name=user.get("name") or user.get("email") or str(user["id"]),
                email=user.get("email") or "",
            )
            for user in _listed(self.client.list_users(user_type="project_manager"), "users")
        ]

    def business_units(self):
        return [
            BusinessUnitRecord(
                remote_id=str(unit["id"]),
                name=unit.get("name") or str(unit["id"]),
                currency_code=unit.get("currency_code") or "",
                pricing_models=unit.get("pricing_models") or [],
            )
            for unit in _listed(self.client.list_business_units(), "business_units")
        ]

    def definitions(self):
        """{"study_type" | "industry" | "industry_lockout": [DefinitionRecord]}, entries without a code left out
        (an entry without a name has "")."""
        lists = {}
        for kind, (method, key) in DEFINITIONS.items():
            items = _listed(getattr(self.client, method)(), key)
            lists[kind] = [
                DefinitionRecord(code=str(item.get("code")), name=str(item.get("name") or ""))
                for item in items
                if isinstance(item, dict) and item.get("code")
            ]
        return lists

    def iter_questions(self, locale):
        """Every question of `locale`'s library (`QuestionRecord`s, without their options)."""
        for item in self.client.iter_questions(locale):
            yield QuestionRecord(
                question_id=item["id"],
                name=item.get("name") or str(item["id"]),
                text=item.get("text") or "",
                response_type=item.get("response_type") or "",
                scope=item.get("scope") or "",
                category_id=item.get("category_id"),
            )

    def question_options(self, question_id, locale):
        """One question's answers (`QuestionOptions`)."""
        data = self.client.get_question(question_id, locale=locale).data or {}
        kind = data.get("object") or ""
        if kind == RANGE:
            options = [{"min": data.get("min"), "max": data.get("max"), "name": data.get("name") or ""}]
        else:
            options = [
                {
                    "id": str(option.get("id")),
                    "name": option.get("name") or (option.get("properties") or {}).get("name") or str(option.get("id")),
                }
                for option in data.get("options") or []
            ]
        return QuestionOptions(kind=kind, options=options, response_type=data.get("response_type") or "")

    def iter_templates(self):
        for item in self.client.iter_profiling_templates():
            yield TemplateRecord(
                remote_id=str(item["id"]),
                name=item.get("name") or "",
                label=item.get("label") or "",
                description=item.get("description") or "",
                scope=item.get("scope") or "",
                locales=item.get("locales") or [],
            )

    def template_profiles(self, template_id):
        """The template's profiles, as Cint's profile documents."""
        return (self.client.get_profiling_template(template_id).data or {}).get("profiles") or []
