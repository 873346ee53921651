"""What the imitated Buy API refuses in a new survey, a survey patch and a quota edit.

Each check raises `PsError` (400) with the first problem, naming the field, as
PureSpectrum answers one message per call.
"""

import re
from decimal import Decimal, InvalidOperation

from .catalogue import check_criterion, within
from .shapes import LOCALIZATIONS
from .wire import PsError

URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
PATCHABLE = {
    "/completes_required": "completes_required",
    "/offer_price": "offer_price",
    "/survey_title": "survey_title",
    "/field_time": "field_time",
    "/expected_loi": "expected_loi",
    "/expected_ir": "expected_ir",
}


def whole(value, name, low, high=None):
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"{low} or more"
        raise PsError.invalid(f"{name} must be a whole number {bound}")
    return value


def price(value, name="offer_price"):
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        amount = None
    if isinstance(value, bool) or amount is None or not amount.is_finite() or not Decimal("0.01") <= amount <= 1000:
        raise PsError.invalid(f"{name} must be a price between 0.01 and 1000")
    return amount.quantize(Decimal("0.01"))


def text(value, name, limit=255):
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise PsError.invalid(f"{name} is required (at most {limit} characters)")
    return value.strip()


def url(value, name):
    if not isinstance(value, str) or not URL.match(value):
        raise PsError.invalid(f"{name} must be an http(s) URL")
    return value


def field(name, value):
    """One survey field, checked: what `POST /surveys` and a JSON-Patch replace both take."""
    if name == "survey_title":
        return text(value, name)
    if name == "completes_required":
        return whole(value, name, 1, 100_000)
    if name == "expected_ir":
        return whole(value, name, 1, 100)
    if name == "expected_loi":
        return whole(value, name, 1, 120)
    if name == "field_time":
        return whole(value, name, 1, 365)
    if name == "offer_price":
        return price(value)
    raise PsError.invalid(f"{name} cannot be changed")


def qualifications(items):
    if not isinstance(items, list):
        raise PsError.invalid("qualifications must be a list")
    seen = set()
    for n, item in enumerate(items):
        problem = check_criterion(item, f"qualifications[{n}]")
        if problem:
            raise PsError.invalid(problem)
        if item["qualification_code"] in seen:
            raise PsError.invalid(f"qualifications[{n}]: qualification {item['qualification_code']} is given twice")
        seen.add(item["qualification_code"])
    return items


def criteria(items, survey_qualifications, where):
    """A quota's criteria: each a qualification of the survey, asking only for what it allows."""
    if not isinstance(items, list) or not items:
        raise PsError.invalid(f"{where}.criteria must list at least one criterion")
    by_code = {q["qualification_code"]: q for q in survey_qualifications}
    codes = set()
    for n, item in enumerate(items):
        problem = check_criterion(item, f"{where}.criteria[{n}]")
        if problem:
            raise PsError.invalid(problem)
        code = item["qualification_code"]
        if code in codes:
            raise PsError.invalid(f"{where}.criteria[{n}]: qualification {code} is given twice")
        codes.add(code)
        if code not in by_code:
            raise PsError.invalid(f"{where}.criteria[{n}]: qualification {code} is not a qualification of the survey")
        if not within(by_code[code], item):
            raise PsError.invalid(f"{where}.criteria[{n}] asks for more than the survey's qualification {code} allows")
    return items


def quota(item, survey_qualifications, completes_required, where):
    if not isinstance(item, dict):
        raise PsError.invalid(f"{where} must be an object")
    buyer_quota_id = item.get("buyer_quota_id")
    if not isinstance(buyer_quota_id, str) or not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", buyer_quota_id):
        raise PsError.invalid(f"{where}.buyer_quota_id is required (letters, digits, - and _, at most 64)")
    whole(item.get("required_count"), f"{where}.required_count", 0, completes_required)
    criteria(item.get("criteria"), survey_qualifications, where)
    return item


def new_survey(body):
    """The fields of a new survey (`POST /surveys`), checked."""
    names = ("survey_title", "completes_required", "expected_ir", "expected_loi", "field_time", "offer_price")
    cleaned = {name: field(name, body.get(name)) for name in names}
    localization = body.get("survey_localization")
    if localization not in LOCALIZATIONS:
        raise PsError.invalid(f"survey_localization must be one of {', '.join(LOCALIZATIONS)}")
    cleaned["survey_localization"] = localization
    cleaned["live_url"] = url(body.get("live_url"), "live_url")
    cleaned["test_url"] = url(body.get("test_url"), "test_url")
    cleaned["qualifications"] = qualifications(body.get("qualifications") or [])
    quotas = body.get("quotas") or []
    if not isinstance(quotas, list):
        raise PsError.invalid("quotas must be a list")
    ids = set()
    for n, item in enumerate(quotas):
        quota(item, cleaned["qualifications"], cleaned["completes_required"], f"quotas[{n}]")
        if item["buyer_quota_id"] in ids:
            raise PsError.invalid(f"quotas[{n}].buyer_quota_id {item['buyer_quota_id']} is used twice")
        ids.add(item["buyer_quota_id"])
    cleaned["quotas"] = quotas
    return cleaned


def patch_operations(operations, paths):
    """A JSON-Patch document of `replace` operations on `paths`: [(path, value)]."""
    if not isinstance(operations, list) or not operations:
        raise PsError.invalid("The body must be a JSON-Patch array of operations")
    found = []
    for n, op in enumerate(operations):
        if not isinstance(op, dict) or op.get("op") != "replace" or "value" not in op:
            raise PsError.invalid(f'operation {n} must be {{"op": "replace", "path": …, "value": …}}')
        if op.get("path") not in paths:
            raise PsError.invalid(f"operation {n}: {op.get('path')!r} cannot be replaced")
        found.append((op["path"], op["value"]))
    return found
