"""The new-survey form for PureSpectrum: what the survey needs, gender, age ranges and US regions
with a quota each, checked as PureSpectrum would check them, into the Buy API's survey body."""

import re
from decimal import Decimal

from django import forms

from projects.models import MAX_COUNT, TargetGroup
from quotas.forms import TOO_MANY
from suppliers.purespectrum.catalogue import AGE, GENDER, STATE, STATES, YEARS

LOCALIZATIONS = [("en_US", "English (United States)")]
AGE_ROWS = 4
MIN_AGE, MAX_AGE = 13, 99
# The US Census Bureau's four regions, as sets of states (condition codes of qualification 225).
REGIONS = {
    "northeast": ("Northeast", ("Connecticut", "Maine", "Massachusetts", "New Hampshire", "New Jersey", "New York",
                                "Pennsylvania", "Rhode Island", "Vermont")),
    "midwest": ("Midwest", ("Illinois", "Indiana", "Iowa", "Kansas", "Michigan", "Minnesota", "Missouri", "Nebraska",
                            "North Dakota", "Ohio", "South Dakota", "Wisconsin")),
    "south": ("South", ("Alabama", "Arkansas", "Delaware", "District of Columbia", "Florida", "Georgia", "Kentucky",
                        "Louisiana", "Maryland", "Mississippi", "North Carolina", "Oklahoma", "South Carolina",
                        "Tennessee", "Texas", "Virginia", "West Virginia")),
    "west": ("West", ("Alaska", "Arizona", "California", "Colorado", "Hawaii", "Idaho", "Montana", "Nevada",
                      "New Mexico", "Oregon", "Utah", "Washington", "Wyoming")),
}  # fmt: skip
GENDERS = {"male": ("Male", "111"), "female": ("Female", "112")}
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def _whole(label, low, high, **kwargs):
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        error_messages={
            "required": f"Give the {label.lower()}.",
            "invalid": "Enter a whole number.",
            "min_value": f"At least {low}.",
            "max_value": f"At most {high:,}.",
        },
        **kwargs,
    )


def _quota(label):
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_COUNT,
        error_messages={
            "invalid": "Enter a whole number of completes.",
            "min_value": "A quota cannot be negative.",
            "max_value": TOO_MANY,
        },
    )


def state_codes(names):
    return [str(STATES.index(name) + 1) for name in names]


class NewSurveyForm(forms.Form):
    survey_title = forms.CharField(label="Survey title", max_length=255)
    survey_localization = forms.ChoiceField(label="Country and language", choices=LOCALIZATIONS)
    completes_required = _whole("Completes goal", 1, 100_000)
    expected_ir = _whole("Expected incidence (%)", 1, 100)
    expected_loi = _whole("Expected length of interview (minutes)", 1, 120)
    field_time = _whole("Field time (days)", 1, 365, initial=14)
    offer_price = forms.DecimalField(
        label="CPI (USD)",
        min_value=Decimal("0.01"),
        max_value=Decimal("1000"),
        decimal_places=2,
        error_messages={
            "required": "Give the CPI, such as 2.50.",
            "invalid": "Enter an amount, such as 2.50.",
            "min_value": "The CPI must be at least 0.01.",
            "max_value": "The CPI can be at most 1,000.",
            "max_decimal_places": "Give the CPI in cents at most, such as 2.55.",
        },
    )
    live_url = forms.CharField(label="Live survey link", max_length=2000)
    test_url = forms.CharField(label="Test survey link", max_length=2000)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        for key, (label, _code) in GENDERS.items():
            self.fields[f"gender_{key}"] = forms.BooleanField(label=label, required=False, initial=True)
            self.fields[f"quota_{key}"] = _quota(f"Quota for {label}")
        for n in range(1, AGE_ROWS + 1):
            self.fields[f"age_from_{n}"] = forms.IntegerField(label=f"From, for age range {n}", required=False)
            self.fields[f"age_to_{n}"] = forms.IntegerField(label=f"To, for age range {n}", required=False)
            self.fields[f"quota_age_{n}"] = _quota(f"Quota for age range {n}")
        for key, (label, _states) in REGIONS.items():
            self.fields[f"region_{key}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"quota_{key}"] = _quota(f"Quota for the {label}")

    # --- rows, for the template ------------------------------------------------------------------

    def gender_rows(self):
        return [(self[f"gender_{key}"], self[f"quota_{key}"]) for key in GENDERS]

    def age_rows(self):
        return [(n, self[f"age_from_{n}"], self[f"age_to_{n}"], self[f"quota_age_{n}"]) for n in range(1, AGE_ROWS + 1)]

    def region_rows(self):
        return [(self[f"region_{key}"], self[f"quota_{key}"], ", ".join(REGIONS[key][1])) for key in REGIONS]

    # --- checks --------------------------------------------------------------------------------

    def clean_survey_title(self):
        title = self.cleaned_data["survey_title"].strip()
        taken = TargetGroup.objects.filter(project__connection=self.project.connection, name=title)
        if taken.exists():
            raise forms.ValidationError("This connection already has a survey with this title; choose another.")
        return title

    def _url(self, name):
        value = self.cleaned_data[name].strip()
        if not URL.match(value):
            raise forms.ValidationError("Enter the full link, starting with https://.")
        return value

    def clean_live_url(self):
        return self._url("live_url")

    def clean_test_url(self):
        return self._url("test_url")

    def clean(self):
        data = super().clean()
        goal = data.get("completes_required")
        self._check_genders(data)
        self._check_ages(data)
        self._check_regions(data)
        if goal:
            for name, value in list(data.items()):
                if name.startswith("quota_") and value is not None and value > goal and name not in self.errors:
                    self.add_error(name, f"A quota cannot be above the completes goal ({goal:,}).")
        return data

    def _check_genders(self, data):
        chosen = [key for key in GENDERS if data.get(f"gender_{key}")]
        if not chosen:
            self.add_error("gender_male", "Choose at least one gender.")
        for key in GENDERS:
            if data.get(f"quota_{key}") is not None and key not in chosen:
                self.add_error(f"quota_{key}", f"Tick {GENDERS[key][0]} to give it a quota.")

    def _check_ages(self, data):
        ranges = []
        for n in range(1, AGE_ROWS + 1):
            low, high, quota = data.get(f"age_from_{n}"), data.get(f"age_to_{n}"), data.get(f"quota_age_{n}")
            if low is None and high is None:
                if quota is not None:
                    self.add_error(f"quota_age_{n}", "Give the range's ages for this quota.")
                continue
            if low is None or high is None:
                self.add_error(f"age_to_{n}" if low is not None else f"age_from_{n}", "Give both ends of the range.")
                continue
            if not MIN_AGE <= low <= high <= MAX_AGE:
                words = f"Ages run from {MIN_AGE} to {MAX_AGE}, the first no higher than the second."
                self.add_error(f"age_to_{n}", words)
                continue
            for m, (other_low, other_high) in ranges:
                if low <= other_high and other_low <= high:
                    self.add_error(f"age_from_{n}", f"This range overlaps age range {m}.")
            ranges.append((n, (low, high)))

    def _check_regions(self, data):
        for key, (label, _states) in REGIONS.items():
            if data.get(f"quota_{key}") is not None and not data.get(f"region_{key}"):
                self.add_error(f"quota_{key}", f"Tick the {label} to give it a quota.")

    # --- the Buy API's survey body -----------------------------------------------------------------

    def body(self):
        data = self.cleaned_data
        genders = [key for key in GENDERS if data[f"gender_{key}"]]
        qualifications = [{"qualification_code": GENDER, "condition_codes": [GENDERS[key][1] for key in genders]}]
        quotas = [
            quota(key, data[f"quota_{key}"], {"qualification_code": GENDER, "condition_codes": [GENDERS[key][1]]})
            for key in genders
            if data[f"quota_{key}"] is not None
        ]
        ages = [
            (n, data[f"age_from_{n}"], data[f"age_to_{n}"])
            for n in range(1, AGE_ROWS + 1)
            if data.get(f"age_from_{n}") is not None
        ]
        if ages:
            qualifications.append(
                {"qualification_code": AGE, "range_sets": [{"from": a, "to": b, "units": YEARS} for _, a, b in ages]}
            )
            for n, low, high in ages:
                if data[f"quota_age_{n}"] is not None:
                    criterion = {"qualification_code": AGE, "range_sets": [{"from": low, "to": high, "units": YEARS}]}
                    quotas.append(quota(f"age-{low}-{high}", data[f"quota_age_{n}"], criterion))
        regions = [key for key in REGIONS if data[f"region_{key}"]]
        if regions:
            states = [code for key in regions for code in state_codes(REGIONS[key][1])]
            qualifications.append({"qualification_code": STATE, "condition_codes": states})
            for key in regions:
                if data[f"quota_{key}"] is not None:
                    criterion = {"qualification_code": STATE, "condition_codes": state_codes(REGIONS[key][1])}
                    quotas.append(quota(key, data[f"quota_{key}"], criterion, title=REGIONS[key][0]))
        return {
            "survey_title": data["survey_title"],
            "survey_localization": data["survey_localization"],
            "completes_required": data["completes_required"],
            "expected_ir": data["expected_ir"],
            "expected_loi": data["expected_loi"],
            "live_url": data["live_url"],
            "test_url": data["test_url"],
            "field_time": data["field_time"],
            "offer_price": float(data["offer_price"]),
            "qualifications": qualifications,
            "quotas": quotas,
        }


def quota(buyer_quota_id, required_count, *criteria, title=""):
    body = {"buyer_quota_id": buyer_quota_id, "required_count": required_count, "criteria": list(criteria)}
    if title:
        body["quota_title"] = title
    return body
