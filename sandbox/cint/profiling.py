"""Profiles, quotas and interlocks: how the supplier builds and changes them.

Quota goals come from the target group's filling goal and each quota's percentage;
an interlock's cells are the cartesian product of its profiles' conditions, their
goals split from the filling goal by the profiles' quota shares.
"""

import itertools
import math

from django.db.models import Max

from ..models import Condition, Interlock, Profile, Question, Quota
from .counting import apportion, equal_percentages, recount
from .wire import ApiError

MAX_INTERLOCKED_PROFILES = 6
MAX_CELLS = 2000


def question_for(locale, question_id, *, name="question_id"):
    question = Question.objects.filter(locale=locale, question_id=question_id).prefetch_related("options").first()
    if question is None:
        raise ApiError.bad_request(
            f"Question {question_id} is not in the profile library for locale {locale}.",
            invalid_params=[{"name": name, "reason": f"unknown question for {locale}"}],
        )
    return question


def parse_conditions(question, conditions, *, name="conditions"):
    """(kind, [condition fields]) from any of the contract's condition shapes."""
    if not isinstance(conditions, dict) or not isinstance(conditions.get("data"), list | dict):
        raise ApiError.bad_request(
            f"Conditions for question {question.question_id} need an object and a data list.",
            invalid_params=[{"name": name, "reason": "must be {object, data: [...]}"}],
        )
    data = conditions["data"] if isinstance(conditions["data"], list) else [conditions["data"]]
    kind = str(conditions.get("object", "")).split("_", 1)[0] or ("range" if question.is_range else "selection")
    if not data:
        raise ApiError.bad_request(
            f"Question {question.question_id} needs at least one condition.",
            invalid_params=[{"name": name, "reason": "empty"}],
        )
    if kind == "range":
        return kind, [_range_condition(question, item, name) for item in data]
    if kind == "zip":
        return kind, [_zip_condition(item) for item in data]
    if kind != "selection":
        raise ApiError.bad_request(f"Unknown conditions object {conditions.get('object')!r}.")
    return kind, [_selection_condition(question, item, name) for item in data]


def _range_condition(question, item, name):
    if not question.is_range:
        raise ApiError.bad_request(f"Question {question.question_id} ({question.name}) takes selections, not ranges.")
    low, high = (item or {}).get("min"), (item or {}).get("max")
    if not isinstance(low, int) or not isinstance(high, int) or low > high:
        raise ApiError.bad_request(
            f"Range conditions for {question.name} need integer min <= max.",
            invalid_params=[{"name": name, "reason": f"bad range {low}-{high}"}],
        )
    if question.min_value is not None and (low < question.min_value or high > question.max_value):
        raise ApiError.bad_request(
            f"{question.name} ranges must lie within {question.min_value}-{question.max_value}.",
            invalid_params=[{"name": name, "reason": f"{low}-{high} out of bounds"}],
        )
    return {"text": item.get("text") or f"{low}-{high}", "min_value": low, "max_value": high}


def _selection_condition(question, item, name):
    option = item if isinstance(item, str | int) else (item or {}).get("option")
    options = {str(o.option_id): o for o in question.options.all()}
    if str(option) not in options:
        raise ApiError.bad_request(
            f"Option {option!r} is not an answer to question {question.question_id} ({question.name}).",
            invalid_params=[{"name": name, "reason": f"unknown option {option!r}"}],
        )
    return {"text": options[str(option)].name, "option": str(option)}


def _zip_condition(item):
    zips = (item or {}).get("zip_codes") or []
    allow_all = bool((item or {}).get("allow_all_zip"))
    return {
        "text": "All ZIP codes" if allow_all else ", ".join(zips[:5]),
        "zip_codes": zips,
        "allow_all_zip": allow_all,
    }


def create_profile(tg, question, kind, conditions, *, quotas_enabled=True, ungrouped=None, grouped=None):
    """A profile with its conditions and quotas (an equal split when none are given)."""
    position = (tg.profiles.aggregate(m=Max("position"))["m"] or 0) + 1
    profile = Profile.objects.create(
        target_group=tg,
        question_id=question.question_id,
        name=question.name,
        description=question.text,
        kind=kind,
        quotas_enabled=quotas_enabled,
        position=position,
    )
    created = [Condition.objects.create(profile=profile, position=i, **fields) for i, fields in enumerate(conditions)]
    specs = []
    for quota in ungrouped or []:
        index = quota.get("index")
        if not isinstance(index, int) or not 0 <= index < len(created):
            raise ApiError.bad_request(f"Quota index {index!r} has no condition in {question.name}.")
        specs.append(("", [created[index].id], quota.get("quota_percentage") or 0, quota.get("quota_nominal")))
    for quota in grouped or []:
        indexes = quota.get("indexes") or []
        if not indexes or any(not isinstance(i, int) or not 0 <= i < len(created) for i in indexes):
            raise ApiError.bad_request(f"Grouped quota {quota.get('name')!r} names conditions {question.name} lacks.")
        ids = [created[i].id for i in indexes]
        specs.append(
            (quota.get("name") or "Group", ids, quota.get("quota_percentage") or 0, quota.get("quota_nominal"))
        )
    if not specs:
        specs = [("", [c.id], p, None) for c, p in zip(created, equal_percentages(len(created)), strict=True)]
    goals = apportion(tg.filling_goal, [pct / 100 for _, _, pct, _ in specs])
    for position, ((group_name, ids, pct, nominal), goal) in enumerate(zip(specs, goals, strict=True)):
        Quota.objects.create(
            target_group=tg,
            profile=profile,
            kind=Quota.Kind.GROUPED if group_name else Quota.Kind.UNGROUPED,
            name=group_name,
            condition_ids=ids,
            quota_percentage=pct,
            completes_goal=nominal if isinstance(nominal, int) and nominal > 0 else goal,
            position=position,
        )
    return profile


def replace_profiles(tg, profile_body):
    """Rebuild a draft's profiling from the draft body's `profile` object."""
    tg.interlocks.all().delete()
    tg.profiles.all().delete()
    tg.quotas.all().delete()
    profile_body = profile_body or {}
    seen = set()
    for i, draft in enumerate(profile_body.get("drafts") or []):
        question = question_for(tg.locale, draft.get("question_id"), name=f"profile.drafts[{i}].question_id")
        _once(seen, question)
        kind, conditions = parse_conditions(question, draft.get("conditions"), name=f"profile.drafts[{i}].conditions")
        quotas = draft.get("quotas") or {}
        create_profile(
            tg,
            question,
            kind,
            conditions,
            quotas_enabled=draft.get("quotas_enabled", True),
            ungrouped=quotas.get("ungrouped"),
            grouped=quotas.get("grouped"),
        )
    for i, interlocked in enumerate(profile_body.get("interlocked_profiles") or []):
        participants = []
        for j, part in enumerate(interlocked.get("profiles") or []):
            where = f"profile.interlocked_profiles[{i}].profiles[{j}]"
            question = question_for(tg.locale, part.get("question_id"), name=f"{where}.question_id")
            _once(seen, question)
            kind, conditions = parse_conditions(question, part.get("conditions"), name=f"{where}.conditions")
            quotas = part.get("quotas") or {}
            participants.append(
                create_profile(
                    tg, question, kind, conditions, ungrouped=quotas.get("ungrouped"), grouped=quotas.get("grouped")
                )
            )
        cells = ((interlocked.get("quotas") or {}).get("ungrouped")) or []
        build_interlock(
            tg,
            participants,
            quotas_enabled=interlocked.get("quotas_enabled", True),
            cell_percentages=[cell.get("quota_percentage") for cell in cells],
        )


def _once(seen, question):
    if question.question_id in seen:
        raise ApiError.bad_request(f"Question {question.question_id} ({question.name}) is profiled twice.")
    seen.add(question.question_id)


def condition_shares(profile):
    """{condition_id: share of the profile} from its quota percentages (equal when none)."""
    conditions = list(profile.conditions.all())
    shares = dict.fromkeys((c.id for c in conditions), 0.0)
    for quota in profile.quotas.all():
        for condition_id in quota.condition_ids:
            shares[condition_id] = shares.get(condition_id, 0) + quota.quota_percentage / len(quota.condition_ids)
    total = sum(shares.values())
    if total <= 0:
        return {c.id: 1 / len(conditions) for c in conditions}
    return {cid: value / total for cid, value in shares.items()}


def build_interlock(tg, participants, *, quotas_enabled=True, cell_percentages=None):
    """Interlock `participants`: one cell per combination of their conditions."""
    if len(participants) < 2:
        raise ApiError.bad_request("An interlocked profile needs at least two profiles.")
    if len(participants) > MAX_INTERLOCKED_PROFILES:
        raise ApiError.bad_request(f"At most {MAX_INTERLOCKED_PROFILES} profiles can be interlocked.")
    per_profile = [list(p.conditions.all()) for p in participants]
    if math.prod(len(conditions) for conditions in per_profile) > MAX_CELLS:
        raise ApiError.bad_request(f"That interlock would have more than {MAX_CELLS} cells; use fewer conditions.")
    interlock = Interlock.objects.create(
        target_group=tg,
        name=", ".join(p.name for p in participants),
        quotas_enabled=quotas_enabled,
        depends_on_questions=[p.question_id for p in participants],
    )
    combos = list(itertools.product(*per_profile))
    if cell_percentages and len(cell_percentages) == len(combos) and all(isinstance(v, int) for v in cell_percentages):
        shares = [v / 100 for v in cell_percentages]
    else:
        profile_shares = [condition_shares(p) for p in participants]
        shares = [math.prod(ps[c.id] for ps, c in zip(profile_shares, combo, strict=True)) for combo in combos]
    goals = apportion(tg.filling_goal, shares)
    for position, (combo, share, goal) in enumerate(zip(combos, shares, goals, strict=True)):
        Quota.objects.create(
            target_group=tg,
            interlock=interlock,
            kind=Quota.Kind.CELL,
            name=", ".join(c.text for c in combo),
            condition_ids=[c.id for c in combo],
            quota_percentage=round(share * 100),
            completes_goal=goal,
            position=position,
        )
    Profile.objects.filter(pk__in=[p.pk for p in participants]).update(interlock=interlock, quotas_enabled=True)
    recount(interlock.cells.all())
    return interlock


def create_interlock(tg, profile_ids, filling_goal):
    """The launched-TG `create-interlocked-profile`: checks, then `build_interlock`."""
    if not isinstance(profile_ids, list) or len(profile_ids) < 2:
        raise ApiError.bad_request(
            "Give at least two profile ids to interlock.", invalid_params=[{"name": "profiles", "reason": "min 2"}]
        )
    if len(profile_ids) > MAX_INTERLOCKED_PROFILES or len(set(profile_ids)) != len(profile_ids):
        raise ApiError.bad_request(f"Give 2 to {MAX_INTERLOCKED_PROFILES} different profile ids to interlock.")
    profiles = {p.id: p for p in tg.profiles.filter(pk__in=profile_ids).select_related("interlock")}
    participants = []
    for profile_id in profile_ids:
        profile = profiles.get(profile_id)
        if profile is None:
            raise ApiError.not_found(f"Profile {profile_id} is not a profile of target group {tg.id}.")
        if profile.interlock_id:
            raise ApiError.bad_request(
                f"Profile {profile_id} ({profile.name}) is already part of interlocked profile "
                f"{profile.interlock_id} ({profile.interlock.name}); remove that interlock first.",
                invalid_params=[{"name": "profiles", "reason": f"{profile_id} is already interlocked"}],
            )
        if not profile.quotas_enabled:
            raise ApiError.bad_request(
                f"Profile {profile_id} ({profile.name}) has its quotas disabled; enable them before interlocking.",
                invalid_params=[{"name": "profiles", "reason": f"{profile_id} has quotas disabled"}],
            )
        participants.append(profile)
    if tg.interlocks.exists():
        existing = tg.interlocks.first()
        raise ApiError.bad_request(
            f"Target group {tg.id} already has an interlocked profile ({existing.name}); remove it first."
        )
    if filling_goal and filling_goal != tg.filling_goal:
        tg.filling_goal = filling_goal
        tg.save(update_fields=["filling_goal"])
        rescale_goals(tg)
    return build_interlock(tg, participants)


def remove_interlock(tg, profile_id):
    """Dissolve the interlock named by its id (or a participant's): the profiles come
    back on their own, quotas enabled, counts recomputed from the respondents."""
    interlock = tg.interlocks.filter(pk=profile_id).first()
    if interlock is None:
        profile = tg.profiles.filter(pk=profile_id).first()
        if profile is None:
            raise ApiError.not_found(f"Profile {profile_id} is not a profile of target group {tg.id}.")
        if not profile.interlock_id:
            raise ApiError.bad_request(f"Profile {profile_id} ({profile.name}) is not part of an interlocked profile.")
        interlock = profile.interlock
    participants = list(interlock.participants.all())
    interlock.delete()  # its cells go with it
    Profile.objects.filter(pk__in=[p.pk for p in participants]).update(interlock=None, quotas_enabled=True)
    for profile in participants:
        if not profile.quotas.exists():
            _equal_quotas(tg, profile)
    recount(Quota.objects.filter(profile__in=participants))
    return list(Profile.objects.filter(pk__in=[p.pk for p in participants]))


def _equal_quotas(tg, profile):
    conditions = list(profile.conditions.all())
    percentages = equal_percentages(len(conditions))
    goals = apportion(tg.filling_goal, [p / 100 for p in percentages])
    for i, (condition, pct, goal) in enumerate(zip(conditions, percentages, goals, strict=True)):
        Quota.objects.create(
            target_group=tg,
            profile=profile,
            condition_ids=[condition.id],
            quota_percentage=pct,
            completes_goal=goal,
            position=i,
        )


def set_quotas_enabled(tg, profile_id, enabled):
    """Enable or disable a profile's quotas (or an interlock's cells)."""
    interlock = tg.interlocks.filter(pk=profile_id).first()
    if interlock is not None:
        interlock.quotas_enabled = enabled
        interlock.save(update_fields=["quotas_enabled"])
        return interlock
    profile = tg.profiles.filter(pk=profile_id).select_related("interlock").first()
    if profile is None:
        raise ApiError.not_found(f"Profile {profile_id} is not a profile of target group {tg.id}.")
    if profile.interlock_id:
        raise ApiError.bad_request(
            f"Profile {profile_id} ({profile.name}) is part of interlocked profile {profile.interlock_id} "
            f"({profile.interlock.name}); change that interlock or remove it first."
        )
    profile.quotas_enabled = enabled
    profile.save(update_fields=["quotas_enabled"])
    if enabled and not profile.quotas.exists():
        _equal_quotas(tg, profile)
    return profile


def rescale_goals(tg):
    """After a filling-goal change: every quota's goal follows its percentage."""
    groups = {}
    for quota in tg.quotas.all():
        groups.setdefault((quota.profile_id, quota.interlock_id), []).append(quota)
    for quotas in groups.values():
        goals = apportion(tg.filling_goal, [q.quota_percentage / 100 for q in quotas])
        for quota, goal in zip(quotas, goals, strict=True):
            if quota.completes_goal != goal:
                quota.completes_goal = goal
                quota.save(update_fields=["completes_goal"])


def update_filling_goals(tg, filling_goal, profiles):
    """The `profiles/filling-goal` PUT: a new TG goal and/or explicit quota goals."""
    if filling_goal is not None and filling_goal != tg.filling_goal:
        tg.filling_goal = filling_goal
        tg.save(update_fields=["filling_goal"])
        rescale_goals(tg)
    for i, entry in enumerate(profiles or []):
        owner = entry.get("profile_id")
        quotas = {q.id: q for q in tg.quotas.filter(profile_id=owner)} or {
            q.id: q for q in tg.quotas.filter(interlock_id=owner)
        }
        if not quotas:
            raise ApiError.not_found(f"Profile {owner} has no quotas in target group {tg.id}.")
        for j, item in enumerate(entry.get("quotas") or []):
            quota = quotas.get(item.get("quota_id"))
            goal = item.get("filling_goal")
            if isinstance(goal, str) and goal.isdigit():
                goal = int(goal)
            if quota is None:
                raise ApiError.bad_request(
                    f"Quota {item.get('quota_id')} does not belong to profile {owner}.",
                    invalid_params=[{"name": f"profiles[{i}].quotas[{j}].quota_id", "reason": "unknown quota"}],
                )
            if not isinstance(goal, int) or not 1 <= goal <= 10000:
                raise ApiError.bad_request(
                    "A quota filling goal must be an integer from 1 to 10000.",
                    invalid_params=[{"name": f"profiles[{i}].quotas[{j}].filling_goal", "reason": "1 to 10000"}],
                )
            quota.completes_goal = goal
            quota.quota_percentage = round(goal * 100 / tg.filling_goal) if tg.filling_goal else 0
            quota.save(update_fields=["completes_goal", "quota_percentage"])
