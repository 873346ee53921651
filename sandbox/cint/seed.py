"""Demo data for the Cint part: an account with its users, business units and the
reference data. Projects and target groups are not made here: the app creates
them through its client, as it would at the real supplier."""

import uuid

from django.conf import settings
from django.db import transaction

from ..models import (
    Account,
    ApiCredential,
    BusinessUnit,
    ProfilingTemplate,
    Question,
    QuestionOption,
    ReasonCode,
    SandboxUser,
)
from . import seed_data


def user_id(account_id, email):
    """Deterministic user ids, so a re-seeded sandbox keeps its project managers."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"sandbox:{account_id}:{email}")


@transaction.atomic
def ensure_account(account_id, name=None):
    """Create (or complete) the account and everything it needs; safe to call again."""
    account_id = int(account_id)
    account, _ = Account.objects.get_or_create(
        pk=account_id, defaults={"name": name or f"Sandbox account {account_id}"}
    )
    usd, _ = BusinessUnit.objects.get_or_create(
        pk=account_id * 10 + 1,
        defaults={
            "account": account,
            "name": "North America",
            "currency_code": "USD",
            "pricing_models": ["dynamic", "rate_card"],
        },
    )
    BusinessUnit.objects.get_or_create(
        pk=account_id * 10 + 2,
        defaults={"account": account, "name": "Europe", "currency_code": "EUR", "pricing_models": ["rate_card"]},
    )
    for full_name, email, is_api in seed_data.USERS:
        SandboxUser.objects.get_or_create(
            pk=user_id(account_id, email),
            defaults={
                "account": account,
                "name": full_name,
                "email": email,
                "is_api_user": is_api,
                "business_unit": usd,
            },
        )
    ensure_reference_data()
    for template in seed_data.TEMPLATES:
        ProfilingTemplate.objects.get_or_create(
            account=account,
            label=template["label"],
            defaults={**template, "scope": ProfilingTemplate.Scope.GLOBAL},
        )
    ApiCredential.objects.get_or_create(
        client_id=settings.CINT_CLIENT_ID, defaults={"client_secret": settings.CINT_CLIENT_SECRET, "account": account}
    )
    return account


def ensure_default_account():
    """The account named by CINT_ACCOUNT_ID, created on first use."""
    account_id = int(settings.CINT_ACCOUNT_ID)
    if not Account.objects.filter(pk=account_id).exists():
        ensure_account(account_id)


def ensure_reference_data():
    """The question library (eng_us, eng_gb, deu_de) and reconciliation reason codes."""
    for locale in seed_data.LOCALES:
        for fields, options in seed_data.questions(locale):
            question, created = Question.objects.get_or_create(
                question_id=fields["question_id"],
                locale=locale,
                defaults={
                    "name": fields["name"],
                    "text": fields["text"],
                    "response_type": fields["response_type"],
                    "category_id": fields["category_id"],
                    "min_value": fields.get("min"),
                    "max_value": fields.get("max"),
                },
            )
            if created:
                QuestionOption.objects.bulk_create(
                    QuestionOption(question=question, option_id=i, name=text, position=i)
                    for i, text in enumerate(options, start=1)
                )
    for code, reason, description in seed_data.REASON_CODES:
        ReasonCode.objects.get_or_create(code=code, defaults={"name": reason, "description": description})
