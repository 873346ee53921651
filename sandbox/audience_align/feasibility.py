"""The Audience-Align part's feasibility: how many completes a locale, incidence, length and targeting
allow, and the price it recommends."""

import re
from datetime import datetime

from .wire import AaError

# People reachable per locale (the sandbox's panel sizes).
PANEL = {"us": 60_000, "gb": 25_000, "de": 18_000, "fr": 15_000, "nl": 8_000}


def _when(value):
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def check(body):
    errors = {}
    locale = str(body.get("locale") or "")
    if not re.fullmatch(r"[a-z]{3}_[a-z]{2}", locale):
        errors["locale"] = "A locale such as eng_us."
    checks = (
        ("incidence_rate", float, 0, 1),
        ("length_of_interview", int, 1, 45),
        ("filling_goal", int, 1, 10_000),
    )
    for name, kind, low, high in checks:
        try:
            value = kind(body.get(name))
        except (TypeError, ValueError):
            value = None
        if value is None or not low <= value <= high:
            errors[name] = f"From {low} to {high}."
    start, end = _when(body.get("start_date")), _when(body.get("end_date"))
    if start is None or end is None or start >= end:
        errors["end_date"] = "The start must be earlier than the end."
    if not str(body.get("category") or "").strip():
        errors["category"] = "Required, e.g. B2B."
    if not isinstance(body.get("profiles", []), list):
        errors["profiles"] = "A list of profiles."
    return errors


def estimate(body):
    errors = check(body)
    if errors:
        raise AaError(400, "Feasibility data not found!", errors=errors)
    country = body["locale"].split("_")[1]
    reach = PANEL.get(country, 5_000) * float(body["incidence_rate"])
    for profile in body.get("profiles") or []:
        options = ((profile.get("conditions") or {}).get("data") or []) if isinstance(profile, dict) else []
        reach *= min(1.0, 0.35 + 0.15 * len(options))
    if str(body["category"]).upper() == "B2B":
        reach *= 0.25
    reach = int(reach * min(1.0, 20 / int(body["length_of_interview"])))
    minimum = max(0, min(10_000, int(reach * 0.6)))
    maximum = max(0, min(10_000, reach))
    loi, ir = int(body["length_of_interview"]), max(0.05, float(body["incidence_rate"]))
    price = 1.0 + loi * 0.08 / ir**0.5 + (4.5 if str(body["category"]).upper() == "B2B" else 0)
    return {"minimum_feasibility": minimum, "maximum_feasibility": maximum, "recommended_price": f"{price:.2f}"}
