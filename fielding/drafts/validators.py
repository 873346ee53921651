"""Checks for what the supplier would refuse, worded for a project manager."""

import re
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

RID_PLACEHOLDER = "[%RID%]"
MIN_LEAD_TIME = timedelta(hours=1)
MAX_INCREMENT_INTERVAL = timedelta(days=398)
DURATION_PATTERN = re.compile(
    r"^P(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)


def validate_survey_url(value):
    """The supplier sends respondents to live/test links: https, with the [%RID%] placeholder."""
    if not value.lower().startswith("https://"):
        raise ValidationError("The supplier only accepts secure links: start the address with https://.")
    if RID_PLACEHOLDER not in value:
        raise ValidationError(
            "Add [%RID%] to the link so the supplier can pass each respondent's id, "
            "e.g. https://survey.example.com/s?RID=[%RID%]."
        )


def validate_hour_ahead(value, what, *, now=None):
    """A fielding start or end (`what`, e.g. "fielding start") must be at least one hour from
    now: exactly an hour ahead is accepted, a second less is not."""
    now = now or timezone.now()
    earliest = now + MIN_LEAD_TIME
    if value < earliest:
        # The first whole minute at or after `earliest`: what the minute-precision input accepts.
        shown = (earliest + timedelta(minutes=1) - timedelta(microseconds=1)).replace(second=0, microsecond=0)
        choose = f"{timezone.localtime(shown):%Y-%m-%d %H:%M}"
        raise ValidationError(f"The {what} must be at least one hour from now. Choose {choose} or later.")


def validate_end_after(start, end):
    if start is not None and end is not None and end <= start:
        raise ValidationError("The fielding end must be after the start.")


def parse_increment_interval(value):
    """An ISO-8601 duration in the supplier's PnDTnHnMnS subset -> timedelta, or ValidationError."""
    text = (value or "").strip()
    if not text.upper().startswith("P"):
        raise ValidationError("Start the interval with P, e.g. P1D for one day or PT30M for 30 minutes.")
    if "." in text or "," in text:
        raise ValidationError("Decimals are not allowed: write 90 minutes as PT90M or PT1H30M, not PT1.5H.")
    if text != text.upper():
        raise ValidationError("Write the interval in capitals, e.g. PT30M.")
    body = text[1:]
    date_part, _, time_part = body.partition("T")
    if re.search(r"[HS]", date_part) or (re.search(r"\d+M", date_part) and "T" not in body):
        raise ValidationError(
            "Put T before hours, minutes or seconds: 30 minutes is PT30M and 2 hours is PT2H (P30M would mean months)."
        )
    if re.search(r"[YW]", date_part) or re.search(r"\d+M", date_part):
        raise ValidationError(
            "Use days, hours, minutes and seconds only (e.g. P1D, PT12H, P1DT6H); not years, months or weeks."
        )
    if "T" in body and not time_part:
        raise ValidationError("Add a time after T, e.g. PT30M, or drop the T (P1D).")
    match = DURATION_PATTERN.match(text)
    if not match or text == "P":
        raise ValidationError("Write the interval as an ISO-8601 duration such as P1D, PT12H or P1DT6H30M.")
    parts = {name: int(number or 0) for name, number in match.groupdict().items()}
    duration = timedelta(**parts)
    if duration <= timedelta(0):
        raise ValidationError("The interval must be longer than zero.")
    if duration >= MAX_INCREMENT_INTERVAL:
        raise ValidationError("The interval must be shorter than 398 days (13 months).")
    return duration


def validate_increment_interval(value):
    parse_increment_interval(value)
