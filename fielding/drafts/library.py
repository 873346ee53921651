"""The account's reference data, cached locally: users, business units, the definitions
(study types, industries, industry lock-outs), the question library per locale and
profiling templates.

Pages read the cached rows; a beat task refreshes them daily, and a page finding a
table empty fills it once from the supplier (a read, nothing changes there).
"""

import logging

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from fielding.models import AccountUser, BusinessUnit, Definition, ProfilingTemplate, Question
from suppliers import errors

log = logging.getLogger(__name__)


def library_of(connection):
    """The supplier's reference data (`adapter.library`), its HTTP connections let go of with it."""
    from sync.adapters import adapter_for

    return adapter_for(connection).library


# --- users and business units -------------------------------------------------------------


def refresh_directory(connection, library=None):
    """Re-read the account's project managers and business units."""
    library = library or library_of(connection)
    now = timezone.now()
    users = library.project_managers()
    units = library.business_units()
    with transaction.atomic():
        for user in users:
            AccountUser.objects.update_or_create(
                connection=connection,
                remote_id=user.remote_id,
                defaults={"name": user.name, "email": user.email, "fetched_at": now},
            )
        AccountUser.objects.filter(connection=connection).exclude(remote_id__in=[u.remote_id for u in users]).delete()
        for unit in units:
            BusinessUnit.objects.update_or_create(
                connection=connection,
                remote_id=unit.remote_id,
                defaults={
                    "name": unit.name,
                    "currency_code": unit.currency_code,
                    "pricing_models": unit.pricing_models,
                    "fetched_at": now,
                },
            )
        BusinessUnit.objects.filter(connection=connection).exclude(remote_id__in=[u.remote_id for u in units]).delete()
    return len(users), len(units)


def ensure_directory(connection):
    """Fill the users and business units once if the cache is empty; returns an error text or ''."""
    if (
        AccountUser.objects.filter(connection=connection).exists()
        and BusinessUnit.objects.filter(connection=connection).exists()
    ):
        return ""
    try:
        refresh_directory(connection)
    except errors.SupplierError as exc:
        log.warning("could not read the account directory of %s: %s", connection, exc)
        return f"The account's users and business units could not be loaded: {exc.message}"
    return ""


# --- study types, industries and industry lock-outs ------------------------------------------

# What the supplier sets when a draft names none (the contract's defaults), offered when its list is unknown.
DEFAULT_CODES = {Definition.Kind.STUDY_TYPE: "adhoc", Definition.Kind.INDUSTRY: "other"}


def refresh_definitions(connection, library=None):
    """Re-read the supplier's study types, industries and industry lock-outs."""
    library = library or library_of(connection)
    now = timezone.now()
    listed = library.definitions()
    lists = {kind: listed.get(kind) or [] for kind in Definition.Kind.values}
    with transaction.atomic():
        for kind, items in lists.items():
            codes = []
            for item in items:
                code = item.code[:40]
                if not code:
                    continue
                codes.append(code)
                Definition.objects.update_or_create(
                    connection=connection,
                    kind=kind,
                    code=code,
                    defaults={"name": (item.name or code)[:200], "position": len(codes), "fetched_at": now},
                )
            Definition.objects.filter(connection=connection, kind=kind).exclude(code__in=codes).delete()
    return {kind: len(items) for kind, items in lists.items()}


def ensure_definitions(connection):
    """Fill the definitions once if the cache is empty; returns an error text or ''.

    A supplier that could not be read is not asked again on every page: five minutes
    after a failure, its error shown meanwhile."""
    if Definition.objects.filter(connection=connection).exists():
        return ""
    tried = f"fielding-definitions-tried:{connection.pk}"
    error = cache.get(tried)
    if error is None:
        try:
            refresh_definitions(connection)
            error = ""
            cache.set(tried, error, 24 * 3600)
        except errors.SupplierError as exc:
            log.warning("could not read the definitions of %s: %s", connection, exc)
            error = f"The supplier's study types and industries could not be loaded: {exc.message}"
            cache.set(tried, error, 300)
    return error


def definition_choices(connection, kind, *current):
    """[(code, name)] of one definitions list, by name. A `current` code the list lacks (a value
    set at the supplier, or a list not loaded yet) is kept, shown as its code."""
    choices = [(d.code, d.name) for d in Definition.objects.filter(connection=connection, kind=kind)]
    known = {code for code, _ in choices}
    for code in (*current, DEFAULT_CODES.get(kind) if not choices else None):
        if code and code not in known:
            choices.insert(0, (code, code if not choices else f"{code} (not in the supplier's list)"))
            known.add(code)
    return choices


def named_codes(tg):
    """{"study_type", "industry", "industry_lockout": name} of a target group's codes; a code the
    cached lists lack is shown as it is, an empty one as ''."""
    codes = {
        Definition.Kind.STUDY_TYPE: tg.study_type_code,
        Definition.Kind.INDUSTRY: tg.industry_code,
        Definition.Kind.INDUSTRY_LOCKOUT: tg.industry_lockout_code,
    }
    names = dict.fromkeys(Definition.Kind.values, "")
    for kind, code in codes.items():
        names[kind] = code or ""
    known = Definition.objects.filter(connection_id=tg.project.connection_id)
    for kind, code, name in known.filter(code__in=[c for c in codes.values() if c]).values_list("kind", "code", "name"):
        if codes.get(kind) == code:
            names[kind] = name
    return names


# --- the question library -------------------------------------------------------------------


def refresh_questions(connection, locale, library=None):
    """Re-read the question list of one locale; options are kept and refreshed for questions in use."""
    library = library or library_of(connection)
    now = timezone.now()
    seen = []
    for item in library.iter_questions(locale):
        seen.append(item.question_id)
        Question.objects.update_or_create(
            connection=connection,
            locale=locale,
            question_id=item.question_id,
            defaults={
                "name": item.name,
                "text": item.text,
                "response_type": item.response_type,
                "scope": item.scope,
                "category_id": item.category_id,
                "fetched_at": now,
            },
        )
    Question.objects.filter(connection=connection, locale=locale).exclude(question_id__in=seen).delete()
    for question in Question.objects.filter(connection=connection, locale=locale, options_fetched_at__isnull=False):
        refresh_options(question, library)
    return len(seen)


def refresh_options(question, library=None):
    library = library or library_of(question.connection)
    answers = library.question_options(question.question_id, question.locale)
    question.options_kind = answers.kind
    question.options = answers.options
    question.response_type = answers.response_type or question.response_type
    question.options_fetched_at = timezone.now()
    question.save(update_fields=["options_kind", "options", "response_type", "options_fetched_at"])
    return question


def questions_for(connection, locale):
    """The cached library of a locale, filled once from the supplier if empty. Returns (queryset, error).

    Like `templates_for`, an empty library (or a supplier that could not be read) is not
    asked for again on every page: the next try waits for the daily refresh, or five
    minutes after a failure, whose error is shown meanwhile.
    """
    questions = Question.objects.filter(connection=connection, locale=locale)
    if questions.exists():
        return questions, ""
    tried = f"fielding-questions-tried:{connection.pk}:{locale}"
    error = cache.get(tried)
    if error is None:
        try:
            refresh_questions(connection, locale)
            error = ""
            cache.set(tried, error, 24 * 3600)
        except errors.SupplierError as exc:
            error = f"The question library for {locale} could not be loaded: {exc.message}"
            cache.set(tried, error, 300)
    return Question.objects.filter(connection=connection, locale=locale), error


def question_with_options(connection, locale, question_id):
    """One question with its answer options (fetched once). Returns (question or None, error)."""
    question = Question.objects.filter(connection=connection, locale=locale, question_id=question_id).first()
    if question is None:
        return None, f"Question {question_id} is not in the {locale} library."
    if question.options_fetched_at is None:
        try:
            refresh_options(question)
        except errors.SupplierError as exc:
            return question, f"The answer options of {question.name} could not be loaded: {exc.message}"
    return question, ""


# --- profiling templates ----------------------------------------------------------------------


def refresh_templates(connection, library=None):
    library = library or library_of(connection)
    now = timezone.now()
    seen = []
    for item in library.iter_templates():
        seen.append(item.remote_id)
        ProfilingTemplate.objects.update_or_create(
            connection=connection,
            remote_id=item.remote_id,
            defaults={
                "name": item.name,
                "label": item.label,
                "description": item.description,
                "scope": item.scope,
                "locales": item.locales,
                "profiles_fetched_at": None,
                "fetched_at": now,
            },
        )
    ProfilingTemplate.objects.filter(connection=connection).exclude(remote_id__in=seen).delete()
    return len(seen)


def templates_for(connection, locale):
    """Templates usable for ``locale``, filled once if the cache is empty. Returns (list, error).

    An account without templates (or a supplier that could not be read) is not asked
    again on every page: the next try waits for the daily refresh, or five minutes after
    a failure.
    """
    error = ""
    tried = f"fielding-templates-tried:{connection.pk}"
    if not ProfilingTemplate.objects.filter(connection=connection).exists() and not cache.get(tried):
        try:
            refresh_templates(connection)
            cache.set(tried, True, 24 * 3600)
        except errors.SupplierError as exc:
            cache.set(tried, True, 300)
            error = f"The profiling templates could not be loaded: {exc.message}"
    templates = [
        t for t in ProfilingTemplate.objects.filter(connection=connection) if not t.locales or locale in t.locales
    ]
    return templates, error


def template_profiles(template):
    """The template's profiles (fetched once). Raises SupplierError when the supplier can't be read."""
    if template.profiles_fetched_at is None:
        template.profiles = library_of(template.connection).template_profiles(template.remote_id)
        template.profiles_fetched_at = timezone.now()
        template.save(update_fields=["profiles", "profiles_fetched_at"])
    return template.profiles


def refresh_all(connection):
    """Beat: everything for one connection; the locales are those the cockpit has seen."""
    from projects.models import TargetGroup

    library = library_of(connection)
    refresh_directory(connection, library)
    refresh_definitions(connection, library)
    refresh_templates(connection, library)
    locales = set(Question.objects.filter(connection=connection).values_list("locale", flat=True))
    locales |= set(
        TargetGroup.objects.filter(project__connection=connection).exclude(locale="").values_list("locale", flat=True)
    )
    for locale in sorted(locales):
        refresh_questions(connection, locale, library)
    return sorted(locales)
