"""Projects, target groups and their statistics in the contract's JSON shapes."""

import statistics as stats

from django.db.models import Count, Max, Min

from ..ids import iso
from ..models import Respondent, TargetGroup
from .feasibility import money, suggested_cpi
from .rate_cards import cell_price, country_of


def tg_numbers(tg):
    """Rates and dates computed from the target group's respondents."""
    return numbers_of([tg])[tg.pk]


# The durations a median is taken from, at most, per target group.
DURATIONS_KEPT = 2000


def numbers_of(tgs):
    """`tg_numbers` of several target groups, by id, in three queries whatever their number (a list page)."""
    ids = [tg.pk for tg in tgs]
    counts, durations, dates = {}, {}, {}
    by_status = Respondent.objects.filter(target_group__in=ids).values_list("target_group", "status")
    for tg_id, status, n in by_status.annotate(n=Count("id")).values_list("target_group", "status", "n"):
        counts.setdefault(tg_id, {})[status] = n
    completes = Respondent.objects.filter(target_group__in=ids, status="complete")
    timed = completes.filter(duration_seconds__isnull=False).order_by("target_group", "id")
    for tg_id, seconds in timed.values_list("target_group", "duration_seconds"):
        kept = durations.setdefault(tg_id, [])
        if len(kept) < DURATIONS_KEPT:
            kept.append(seconds)
    for row in completes.values("target_group").annotate(first=Min("finished_at"), last=Max("finished_at")):
        dates[row["target_group"]] = row
    return {tg.pk: _numbers(tg, counts.get(tg.pk, {}), durations.get(tg.pk, []), dates.get(tg.pk, {})) for tg in tgs}


def _numbers(tg, counts, durations, dates):
    completes = tg.completes
    terminates = counts.get("terminate", 0) + counts.get("security_terminate", 0)
    drops = counts.get("drop", 0)
    qualified = completes + terminates
    return {
        "counts": counts,
        "incidence_rate": round(completes / qualified, 4) if qualified else float(tg.expected_incidence_rate),
        "conversion_rate": round(completes / tg.entrants, 4) if tg.entrants else 0.0,
        "drop_off_rate": round(drops / tg.prescreens, 4) if tg.prescreens else 0.0,
        "median_loi_seconds": int(stats.median(durations))
        if durations
        else tg.expected_length_of_interview_minutes * 60,
        "first_complete": dates.get("first"),
        "last_complete": dates.get("last"),
        "measured": {"incidence_rate": bool(qualified), "median_loi_seconds": bool(durations)},
    }


def cpi(tg):
    """The target group's CPI as a MonetaryAmount: its rate card's cell for its expected LOI and IR,
    or (dynamic pricing) its own, or a suggested price when it has none."""
    if tg.pricing_model == "rate_card":
        price = cell_price(
            tg.expected_length_of_interview_minutes,
            tg.expected_incidence_rate,
            country=country_of(tg.locale),
            currency_code=tg.currency_code,
        )
        return money(price, tg.currency_code)
    own = tg.cost_per_interview or {}
    if own.get("value"):
        return money(own["value"], own.get("currency_code") or tg.currency_code)
    price = suggested_cpi(tg.expected_length_of_interview_minutes, tg.expected_incidence_rate)
    return money(price, tg.currency_code)


def progress(tg):
    return {
        "current_completes": tg.completes,
        "current_prescreens": tg.prescreens,
        "filling_goal": tg.filling_goal,
        "filling_strategy": tg.filling_strategy,
    }


def _stat(value):
    return {"value": value, "issues": []}


def tg_list_item(tg, numbers=None):
    numbers = numbers or tg_numbers(tg)
    statistics = {
        "progress": _stat(progress(tg)),
        "conversion_rate": _stat(numbers["conversion_rate"]),
        "drop_off_rate": _stat(numbers["drop_off_rate"]),
        "average_cost_per_interview": _stat(cpi(tg)),
    }
    # The list's statistics are optional: a rate no respondent has measured yet is left out
    # (the overview, which must carry one, gives the expectation instead).
    if numbers["measured"]["incidence_rate"]:
        statistics["incidence_rate"] = _stat(numbers["incidence_rate"])
    if numbers["measured"]["median_loi_seconds"]:
        statistics["median_length_of_interview_seconds"] = _stat(numbers["median_loi_seconds"])
    if numbers["last_complete"]:
        statistics["last_complete_date"] = _stat(iso(numbers["last_complete"]))
    return {
        "id": tg.id,
        "human_readable_id": tg.human_readable_id,
        "name": tg.name,
        "project_manager_id": str(tg.project_manager_id),
        "locale": tg.locale,
        "status": tg.status,
        "created_at": iso(tg.created_at),
        "updated_at": iso(tg.updated_at),
        "statistics": statistics,
    }


def _links(tg):
    if not tg.test_url.startswith(("http://", "https://")):
        return {}
    url = tg.test_url.replace("[%RID%]", "TEST-RID")
    return {"links": {"test_client_survey": url, "test_screener": url}}


def draft_target_group(tg):
    """FetchTargetGroupResponse + DraftTargetGroupLinks."""
    from .profile_shapes import draft_profile

    data = {
        "human_readable_id": tg.human_readable_id,
        "name": tg.name,
        "business_unit_id": str(tg.business_unit_id),
        "locale": tg.locale,
        "collects_pii": tg.collects_pii,
        "study_type_code": tg.study_type_code,
        "industry_code": tg.industry_code,
        "pricing_model": "ratecard" if tg.pricing_model == "rate_card" else tg.pricing_model,
        "project_manager_id": str(tg.project_manager_id),
        "client_id": tg.client_id,
        "fielding_specification": {"start_at": iso(tg.start_at), "end_at": iso(tg.end_at)},
        "filling_goal": tg.filling_goal,
        "expected_length_of_interview_minutes": tg.expected_length_of_interview_minutes,
        "expected_incidence_rate": tg.expected_incidence_rate,
        "industry_lockout_code": tg.industry_lockout_code,
        "live_url": tg.live_url,
        "test_url": tg.test_url,
        "fielding_assistant_assignment": tg.fielding_assistant or {},
        "created_at": iso(tg.created_at),
        "profile": draft_profile(tg),
        "supply_allocations": tg.supply_allocations or [],
        **_links(tg),
    }
    if tg.cost_per_interview:
        data["cost_per_interview"] = money(tg.cost_per_interview.get("value", "0"), tg.currency_code)
    if tg.client_cost_per_interview_note:
        note = tg.client_cost_per_interview_note
        data["client_cost_per_interview_note"] = money(note.get("value", "0"), note.get("currency_code", "USD"))
    if tg.exclusion is not None:
        data["exclusion"] = tg.exclusion
    return data


def target_group_details(tg):
    """TargetGroupDetails + TargetGroupLinks (and the status, for convenience)."""
    data = {
        "id": tg.id,
        "human_readable_id": tg.human_readable_id,
        "name": tg.name,
        "account_name": tg.project.account.name,
        "business_unit_id": str(tg.business_unit_id),
        "project_manager_id": str(tg.project_manager_id),
        "study_type_code": tg.study_type_code,
        "industry_code": tg.industry_code,
        "locale": tg.locale,
        "filling_goal": tg.filling_goal,
        "expected_length_of_interview_minutes": tg.expected_length_of_interview_minutes,
        "expected_incidence_rate": tg.expected_incidence_rate,
        "industry_lockout_code": tg.industry_lockout_code,
        "client_id": tg.client_id,
        "collects_pii": tg.collects_pii,
        "live_url": tg.live_url,
        "test_url": tg.test_url,
        "created_at": iso(tg.created_at),
        "status": tg.status,
        **_links(tg),
    }
    if tg.client_cost_per_interview_note:
        note = tg.client_cost_per_interview_note
        data["client_cpi"] = money(note.get("value", "0"), note.get("currency_code", tg.currency_code))
    return data


def target_group_overview(tg):
    numbers = tg_numbers(tg)
    price = cpi(tg)
    language, _, country = tg.locale.partition("_")
    cost = float(price["value"]) * tg.completes
    return {
        "project_name": tg.project.name,
        "target_group_name": tg.name,
        "human_readable_id": tg.human_readable_id,
        "progress": progress(tg),
        "pricing_model": "ratecard" if tg.pricing_model == "rate_card" else tg.pricing_model,
        "is_pricing_restricted": False,
        "current_cost_per_interview": price,
        "average_cost_per_interview": price,
        "current_cost": money(cost, tg.currency_code),
        "status": tg.status,
        "country_code": country,
        "language_code": language,
        "conversion_rate": numbers["conversion_rate"],
        "drop_off_rate": numbers["drop_off_rate"],
        "incidence_rate": numbers["incidence_rate"],
        "median_length_of_interview_seconds": numbers["median_loi_seconds"],
        "study_type_code": tg.study_type_code,
    }


STATUS_LABELS = {
    "complete": ("Complete", "The respondent completed the survey."),
    "terminate": ("Terminate", "The survey screened the respondent out."),
    "overquota": ("Overquota", "The respondent's quota was full."),
    "security_terminate": ("Security terminate", "The respondent failed a quality check."),
    "drop": ("Drop", "The respondent left the survey."),
    "in_survey": ("In survey", "The respondent is taking the survey."),
}


def target_group_performance(tg):
    numbers = tg_numbers(tg)
    price = cpi(tg)
    data = {
        "entrants": tg.entrants,
        "prescreens": tg.prescreens,
        "completes": tg.completes,
        "completes_cost": money(float(price["value"]) * tg.completes, tg.currency_code),
        "incidence_rate": numbers["incidence_rate"],
        "drop_off_rate": numbers["drop_off_rate"],
        "conversion_rate": numbers["conversion_rate"],
        "respondent_analysis": {
            "live": [
                {
                    "status": status,
                    "label": label,
                    "description": description,
                    "count": numbers["counts"].get(status, 0),
                }
                for status, (label, description) in STATUS_LABELS.items()
            ],
            "test": [],
        },
    }
    if numbers["first_complete"]:
        data["first_complete"] = iso(numbers["first_complete"])
        data["last_complete"] = iso(numbers["last_complete"])
    return data


def project_statistics(project, tgs=None, numbers=None):
    """The project's figures; `tgs` and `numbers` (`numbers_of` them) when the caller has them at hand."""
    tgs = list(project.target_groups.all()) if tgs is None else tgs
    launched = [tg for tg in tgs if tg.status != TargetGroup.Status.DRAFT]
    numbers = numbers_of(launched) if numbers is None else numbers
    rates = [numbers[tg.pk] for tg in launched]
    return {
        "filling_goal": sum(tg.filling_goal for tg in tgs),
        "current_completes": sum(tg.completes for tg in tgs),
        "current_prescreens": sum(tg.prescreens for tg in tgs),
        "incidence_rate_median": round(stats.median([r["incidence_rate"] for r in rates]), 4) if rates else 0.0,
        "length_of_interview_median_seconds": int(stats.median([r["median_loi_seconds"] for r in rates]))
        if rates
        else 0,
        "conversion_rate_average": round(stats.mean([r["conversion_rate"] for r in rates]), 4) if rates else 0.0,
        "drop_off_rate_average": round(stats.mean([r["drop_off_rate"] for r in rates]), 4) if rates else 0.0,
    }


def project_status(project, tgs=None):
    tgs = project.target_groups.only("status") if tgs is None else tgs
    statuses = {tg.status for tg in tgs}
    done = {TargetGroup.Status.COMPLETED, TargetGroup.Status.ARCHIVED}
    return "inactive" if statuses and statuses <= done else "active"


def project_list_items(projects):
    """A page of the project list, its figures read in a handful of queries whatever the page holds."""
    by_project = {project.pk: [] for project in projects}
    for tg in TargetGroup.objects.filter(project__in=list(by_project)).order_by("id"):
        by_project[tg.project_id].append(tg)
    launched = [tg for tgs in by_project.values() for tg in tgs if tg.status != TargetGroup.Status.DRAFT]
    numbers = numbers_of(launched)
    return [project_list_item(project, by_project[project.pk], numbers) for project in projects]


def project_list_item(project, tgs=None, numbers=None):
    tgs = list(project.target_groups.order_by("id")) if tgs is None else tgs
    last = max([project.updated_at] + [tg.updated_at for tg in tgs])
    item = {
        "id": project.id,
        "human_readable_id": project.human_readable_id,
        "account_id": project.account_id,
        "name": project.name,
        "target_group_human_readable_ids": [tg.human_readable_id for tg in tgs],
        "target_group_count": len(tgs),
        "status": project_status(project, tgs),
        "last_activity_at": iso(last),
        "statistics": project_statistics(project, tgs, numbers),
    }
    if project.purchase_order_number:
        item["purchase_order_number"] = project.purchase_order_number
    return item


def project_details(project):
    data = {
        "id": project.id,
        "human-readable-id": project.human_readable_id,
        "human_readable_id": project.human_readable_id,
        "name": project.name,
        "project_manager_id": str(project.project_manager_id),
        "account_id": project.account_id,
    }
    if project.purchase_order_number:
        data["purchase_order_number"] = project.purchase_order_number
    return data


def project_overview(project):
    data = {
        "id": project.id,
        "human_readable_id": project.human_readable_id,
        "name": project.name,
        "account_id": project.account_id,
        "status": project_status(project),
        "statistics": project_statistics(project),
        "project_manager_id": str(project.project_manager_id),
        "created_at": iso(project.created_at),
    }
    if project.purchase_order_number:
        data["purchase_order_number"] = project.purchase_order_number
    return data
