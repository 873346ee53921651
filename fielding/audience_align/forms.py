"""Forms of Audience-Align's own pages: a new survey, its qualifications, LOI and CPI, exclusions.

Each checks what Audience-Align would refuse (seed 004: CPI at least 6 for B2B and 1.75 for B2C,
start today or later, end after the start, ``[identifier]`` in both links, required fields and
numbers) and says so next to the field, keeping what the PM typed.
"""

import re
from decimal import Decimal

from django import forms
from django.utils import timezone

from fielding.audience_align import exclusions
from fielding.audience_align import surveys as aa
from suppliers.records import RANGE, SELECTION, ZIP

IDENTIFIER = "[identifier]"
MIN_CPI = {"b2b": Decimal("6"), "b2c": Decimal("1.75")}
AUDIENCES = [("b2b", "B2B"), ("b2c", "B2C"), ("health_care", "Health care")]
RANGE_PATTERN = re.compile(r"^\s*(\d{1,3})\s*[-–]\s*(\d{1,3})\s*$")
# The longest list of ranges or postal codes a qualification takes from the form, in characters.
MAX_TARGETS_TEXT = 20_000


def _number(label, *, low, high, decimal=False):
    field = forms.DecimalField if decimal else forms.IntegerField
    extra = {"decimal_places": 2, "max_digits": 8} if decimal else {}
    # Django fills the limit messages in with `%` (their `limit_value`): a "%" of the label is doubled.
    bounded = label.lower().replace("%", "%%")
    return field(
        label=label,
        min_value=low,
        max_value=high,
        error_messages={
            "required": f"Give the {label.lower()}.",
            "invalid": "Enter a number, such as 12." if not decimal else "Enter an amount, such as 2.50.",
            "min_value": f"The {bounded} must be at least {low}.",
            "max_value": f"The {bounded} can be at most {high}.",
        },
        **extra,
    )


def qualification_field_name(qualification):
    return f"q_{qualification['qualification_id']}"


def targets_of(qualification):
    """``(conditions_kind, [(id, text)])`` of a standard qualification: its options, or nothing to tick."""
    if qualification.get("range_sets"):
        return RANGE, []
    if "zipcodes" in qualification or "zip_codes" in qualification:
        return ZIP, []
    return SELECTION, [(str(c["condition_code"]), c["condition_name"]) for c in qualification.get("conditions") or []]


def _quoted(words, limit=40):
    """What the PM typed, as an error message quotes it: cut short when long."""
    return words if len(words) <= limit else f"{words[:limit]}…"


def parse_targets(qualification, value):
    """The conditions a PM chose for one qualification, in the cockpit's shape (raises ValidationError)."""
    kind, options = targets_of(qualification)
    if kind == SELECTION:
        texts = dict(options)
        return kind, [{"id": code, "text": texts[code]} for code in value]
    lines = [part.strip() for part in re.split(r"[,\n;]+", value or "") if part.strip()]
    if kind == ZIP:
        bad = [line for line in lines if not line.isalnum()]
        if bad:
            raise forms.ValidationError(f"“{_quoted(bad[0])}” is not a postal code (letters and digits only).")
        return kind, [{"id": line, "text": line} for line in dict.fromkeys(lines)]
    allowed = (qualification.get("range_sets") or [{"from": 0, "to": 999}])[0]
    ranges = []
    for line in lines:
        match = RANGE_PATTERN.match(line)
        if not match:
            raise forms.ValidationError(f"“{_quoted(line)}” is not a range; write ranges such as 18-34, 35-54.")
        low, high = int(match[1]), int(match[2])
        if low > high or low < allowed["from"] or high > allowed["to"]:
            raise forms.ValidationError(f"{line}: ranges must run upwards within {allowed['from']}-{allowed['to']}.")
        ranges.append({"id": f"{low}-{high}", "text": f"{low}-{high}", "min": low, "max": high})
    return kind, ranges


def qualification_field(qualification, *, required=False, initial=None):
    kind, options = targets_of(qualification)
    label = f"{qualification.get('Name')} — {qualification.get('QuestionText')}"
    if kind == SELECTION:
        return forms.MultipleChoiceField(
            label=label, choices=options, required=required, widget=forms.CheckboxSelectMultiple, initial=initial
        )
    allowed = (qualification.get("range_sets") or [{}])[0]
    help_text = (
        f"Ranges such as 18-34, 35-54 (within {allowed.get('from')}-{allowed.get('to')})."
        if kind == RANGE
        else "Postal codes, separated by commas or lines."
    )
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        initial=initial,
        max_length=MAX_TARGETS_TEXT,
        error_messages={"max_length": f"That is too long: at most {MAX_TARGETS_TEXT:,} characters."},
    )


class SurveyForm(forms.Form):
    """A new Audience-Align survey; choices come from the connection's cached master data."""

    name = forms.CharField(label="Survey name", max_length=255, error_messages={"required": "Give the survey a name."})
    country = forms.ChoiceField(label="Country")
    language = forms.ChoiceField(label="Language")
    study_category = forms.ChoiceField(label="Study category", required=False)
    vertical = forms.ChoiceField(label="Vertical", required=False)
    audience = forms.ChoiceField(label="Audience", choices=AUDIENCES)
    collects_pii = forms.BooleanField(label="The survey collects personal data (PII)", required=False)
    incidence_rate = _number("Incidence rate (%)", low=1, high=100)
    loi = _number("Length of interview (minutes)", low=1, high=120)
    cpi = _number("CPI", low=Decimal("0.01"), high=Decimal("999999"), decimal=True)
    completes = _number("Completes needed", low=1, high=100_000)
    start = forms.DateField(label="Start date", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="End date", widget=forms.DateInput(attrs={"type": "date"}))
    live_url = forms.URLField(label="Live survey link", max_length=1000, assume_scheme="https")
    test_url = forms.URLField(label="Test survey link", max_length=1000, assume_scheme="https")

    def __init__(self, *args, connection, **kwargs):
        super().__init__(*args, **kwargs)
        self.connection = connection
        blank = [("", "—")]
        self.fields["country"].choices = blank + aa.choices(connection, aa.Kind.COUNTRY)
        self.fields["language"].choices = blank + aa.choices(connection, aa.Kind.LANGUAGE)
        self.fields["study_category"].choices = blank + aa.choices(connection, aa.Kind.STUDY_CATEGORY)
        self.fields["vertical"].choices = blank + aa.choices(connection, aa.Kind.VERTICAL)
        for name in ("live_url", "test_url"):
            self.fields[name].help_text = f"With {IDENTIFIER} where the respondent's UID goes."
        self.standard = self._standard()
        for qualification in self.standard or []:
            self.fields[qualification_field_name(qualification)] = qualification_field(qualification)

    def chosen_place(self):
        """The (country, language) ids chosen, when both are ones Audience-Align offers; else None."""
        source = self.data if self.is_bound else self.initial
        country, language = source.get("country"), source.get("language")
        for name, value in (("country", country), ("language", language)):
            if not isinstance(value, str) or value not in {str(key) for key, _ in self.fields[name].choices if key}:
                return None
        return country, language

    def _standard(self):
        place = self.chosen_place()
        return aa.standard_qualifications(self.connection, *place) if place else None

    @property
    def qualification_fields(self):
        return [self[qualification_field_name(q)] for q in self.standard or []]

    @property
    def qualifications_missing(self):
        """The country and language are chosen but their standard qualifications are not loaded yet."""
        return self.chosen_place() is not None and self.standard is None

    def clean_start(self):
        start = self.cleaned_data["start"]
        if start < timezone.localdate():
            raise forms.ValidationError("Audience-Align starts surveys today or later; choose today or a later day.")
        return start

    def _clean_link(self, name):
        link = self.cleaned_data[name]
        if IDENTIFIER not in link:
            raise forms.ValidationError(f"Put {IDENTIFIER} where the respondent's UID goes, e.g. ?uid={IDENTIFIER}.")
        return link

    def clean_live_url(self):
        return self._clean_link("live_url")

    def clean_test_url(self):
        return self._clean_link("test_url")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            self.add_error("end", "The end date must be after the start date.")
        cpi, audience = cleaned.get("cpi"), cleaned.get("audience")
        minimum = MIN_CPI.get(audience)
        if cpi is not None and minimum is not None and cpi < minimum:
            self.add_error("cpi", f"Audience-Align takes a CPI of at least {minimum} for {audience.upper()} surveys.")
        cleaned["qualifications"] = self._chosen_qualifications()
        return cleaned

    def _chosen_qualifications(self):
        chosen = []
        for qualification in self.standard or []:
            name = qualification_field_name(qualification)
            value = self.cleaned_data.get(name)
            if not value:
                continue
            try:
                kind, conditions = parse_targets(qualification, value)
            except forms.ValidationError as exc:
                self.add_error(name, exc)
                continue
            chosen.append(
                {
                    "question_id": int(qualification["qualification_id"]),
                    "conditions_kind": kind,
                    "conditions": conditions,
                }
            )
        return chosen

    def spec(self):
        """The survey in the cockpit's words (the adapter turns it into Audience-Align's body)."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "country_id": data["country"],
            "language_id": data["language"],
            "study_category_id": data.get("study_category") or "",
            "vertical_id": data.get("vertical") or "",
            "audience": data["audience"],
            "collects_pii": data["collects_pii"],
            "incidence_rate": data["incidence_rate"],
            "loi": data["loi"],
            "cpi": str(data["cpi"]),
            "completes": data["completes"],
            "start": data["start"].isoformat(),
            "end": data["end"].isoformat(),
            "live_url": data["live_url"],
            "test_url": data["test_url"],
            "qualifications": data["qualifications"],
        }

    def feasibility_inputs(self):
        """What the feasibility is asked for, from the fields that are valid so far (None if too few are)."""
        data = self.cleaned_data
        needed = ("country", "language", "incidence_rate", "loi", "completes", "start", "end", "audience")
        if any(not data.get(name) for name in needed):
            return None
        locale = aa.locale(self.connection, data["country"], data["language"])
        if not locale:
            return None
        profiles = []
        for qualification in data.get("qualifications") or []:
            if qualification["conditions_kind"] == RANGE:
                items = [{"min": c["min"], "max": c["max"]} for c in qualification["conditions"]]
            elif qualification["conditions_kind"] == ZIP:
                items = [{"zip_codes": [c["id"] for c in qualification["conditions"]], "allow_all_zip": False}]
            else:
                items = [{"option": c["id"]} for c in qualification["conditions"]]
            profiles.append({"question_id": qualification["question_id"], "conditions": {"data": items}})
        return {
            "locale": locale,
            "incidence_rate": round(data["incidence_rate"] / 100, 4),
            "length_of_interview": min(45, data["loi"]),
            "filling_goal": min(10_000, data["completes"]),
            "start_date": f"{data['start'].isoformat()}T00:00:00.000Z",
            "end_date": f"{data['end'].isoformat()}T23:59:59.000Z",
            "category": {"b2b": "B2B", "b2c": "B2C", "health_care": "Health Care"}[data["audience"]],
            "profiles": profiles,
        }


class SettingsForm(forms.Form):
    """A live survey's length of interview and CPI."""

    loi = _number("Length of interview (minutes)", low=1, high=120)
    cpi = _number("CPI", low=Decimal("0.01"), high=Decimal("999999"), decimal=True)


class QualificationForm(forms.Form):
    """Add a standard qualification to a survey, or change the answers one targets.

    Adding, the PM picks the question first; the form then has that question's answers only
    (the page swaps them in under the picker, or shows them after "Show its answers" without JS).
    """

    question = forms.TypedChoiceField(label="Qualification", coerce=int, error_messages={"required": "Choose one."})

    def __init__(self, *args, standard, profile=None, taken=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.profile = profile
        self.by_id = {int(q["qualification_id"]): q for q in standard}
        if profile is not None:
            self.by_id = {k: v for k, v in self.by_id.items() if k == profile.question_id}
            self.initial["question"] = profile.question_id
        else:
            self.by_id = {k: v for k, v in self.by_id.items() if k not in set(taken)}
        self.fields["question"].choices = [("", "—")] + [(k, q["Name"]) for k, q in self.by_id.items()]
        self.chosen = self.by_id.get(self._chosen_id())
        if self.chosen is not None:
            initial = None
            if profile is not None:
                kind, _ = targets_of(self.chosen)
                ids = [str(c.get("id")) for c in profile.conditions or []]
                initial = ids if kind == SELECTION else ", ".join(ids)
            self.fields[qualification_field_name(self.chosen)] = qualification_field(self.chosen, initial=initial)

    def _chosen_id(self):
        """The question picked (posted, or given as initial), as an id; None when none or not one of ours."""
        raw = self.data.get(self.add_prefix("question")) if self.is_bound else self.initial.get("question")
        try:
            return int(str(raw).strip())
        except (TypeError, ValueError):
            return None

    @property
    def has_questions(self):
        return bool(self.by_id)

    def answer_fields(self):
        """The chosen question's answers, as (qualification, field); none until a question is chosen."""
        if self.chosen is None:
            return []
        return [(self.chosen, self[qualification_field_name(self.chosen)])]

    def clean(self):
        cleaned = super().clean()
        qualification = self.by_id.get(cleaned.get("question"))
        if qualification is None:
            return cleaned
        name = qualification_field_name(qualification)
        value = cleaned.get(name)
        if not value:
            self.add_error(name, "Choose at least one answer to target.")
            return cleaned
        try:
            kind, conditions = parse_targets(qualification, value)
        except forms.ValidationError as exc:
            self.add_error(name, exc)
            return cleaned
        cleaned.update(
            qualification=qualification,
            payload={
                "question_id": int(qualification["qualification_id"]),
                "name": qualification.get("Name", ""),
                "description": qualification.get("QuestionText", ""),
                "conditions_kind": kind,
                "conditions": conditions,
            },
        )
        return cleaned


class TickedSurveys(forms.MultipleChoiceField):
    """The target groups ticked among a search's matches: any value, for the form to judge in words."""

    widget = forms.CheckboxSelectMultiple

    def valid_value(self, value):
        return True


class ExclusionForm(forms.Form):
    """The surveys ticked among a search's matches; which can be excluded is checked here, each refusal in words."""

    surveys = TickedSurveys(
        label="Exclude the respondents of",
        error_messages={"required": "Search for the completed or closed surveys to exclude, and tick them."},
    )
    q = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def __init__(self, *args, tg, **kwargs):
        super().__init__(*args, **kwargs)
        self.tg = tg

    def clean_surveys(self):
        pks = list(dict.fromkeys(self.cleaned_data["surveys"]))
        self.allowed, refused = exclusions.refusals(self.tg, pks)
        if refused:
            raise forms.ValidationError(refused)
        return pks

    def chosen(self):
        return [self.allowed[pk] for pk in self.cleaned_data["surveys"]]

    def ticked(self):
        """The pks ticked, as posted (to tick them again when the form comes back)."""
        return [str(pk) for pk in self["surveys"].value() or []] if self.is_bound else []
