from django import forms
from django.core.exceptions import ValidationError

from .models import ReasonCode
from .reports import default_start_date
from .submissions import check_submission, default_file_name, reason_codes
from .validation import utc_today

MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # 20,000 lines of RID and code fit many times over


class ReportForm(forms.Form):
    project = forms.ModelChoiceField(
        queryset=None, empty_label=None, help_text="The supplier reports one project at a time."
    )
    start_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Completes before this day are left out. Empty: the oldest day still in the reconciliation window.",
    )
    end_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, connection, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or utc_today()
        self.fields["project"].queryset = connection.projects.filter(vanished_at__isnull=True).order_by("name")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start is None and "start_date" not in self.errors:
            cleaned["start_date"] = start = default_start_date(self.today)
        if end is not None and start is not None and end < start:
            self.add_error("end_date", "The end date is before the start date; pick a later day or leave it empty.")
        if end is not None and end > self.today:
            self.add_error("end_date", "The end date is in the future; leave it empty to report up to today.")
        return cleaned


class MultipleValueField(forms.Field):
    """Values of repeated inputs (the RIDs ticked in the report table)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        return [str(item).strip() for item in value or [] if str(item).strip()]


class SubmissionForm(forms.Form):
    """A reconciliation file: pasted lines, an uploaded CSV, or RIDs ticked in the report.

    Valid only when every line passes every rule of `validation.check_lines`;
    `problems` then lists the bad lines, and the lines of an uploaded file come
    back in the text box so the PM can correct them there.
    """

    lines = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "placeholder": "RID,reason code"}),
        help_text="One respondent per line: RID, a comma, the reason code. No header row; at most 20,000 lines.",
    )
    file = forms.FileField(required=False, help_text="A .csv file in the same format.")
    rids = MultipleValueField(required=False)
    reason_code = forms.ChoiceField(required=False, help_text="For the RIDs ticked in the report.")
    name = forms.CharField(
        required=False,
        max_length=255,
        help_text="Labels the request at the supplier. Empty: cockpit-<date>-<time>.csv.",
    )
    # Where the report table was, so a re-rendered form shows the same page and ticks.
    q = forms.CharField(required=False, widget=forms.HiddenInput)
    page = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, connection, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.connection = connection
        self.today = today
        self.problems = []
        self.result = None
        self.file_name = ""
        self.source = ""
        codes = list(reason_codes(connection))
        self.has_reason_codes = bool(codes)
        self.fields["reason_code"].choices = [("", "Choose a reason code"), *((c.code, _label(c)) for c in codes)]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError("The file is larger than 5 MB, too big for 20,000 lines. Check it is the right file.")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.") from None
        self.file_name = upload.name
        return text

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        text, rids, code = cleaned.get("lines") or "", cleaned.get("rids") or [], cleaned.get("reason_code")
        upload = cleaned.get("file")
        # Which button was pressed says which input counts; without one, whatever was filled in.
        source = self.data.get("source") or self.data.get("confirmed")  # the confirmation says it too
        if source not in ("picked", "lines"):
            source = "picked" if rids and not text.strip() and upload is None else "lines"
        self.source = source
        if source == "picked":
            if not rids:
                raise ValidationError("No RID is ticked. Tick the RIDs to reconcile in the table, then submit again.")
            if not code:
                self.add_error("reason_code", "Choose the reason code for the RIDs you ticked.")
                return cleaned
            text = "".join(f"{rid},{code}\n" for rid in rids)
        elif upload is not None and text.strip():
            raise ValidationError(
                "There are pasted lines and a file: use one of them. Clear the text box or the file and submit again."
            )
        elif upload is not None:
            text = upload
            self._show_in_text_box(text)
        elif not text.strip():
            raise ValidationError("Nothing to send: paste lines or choose a CSV file (or tick RIDs in the table).")
        if not self.has_reason_codes:
            raise ValidationError(
                "The supplier's reason codes are not loaded yet, so the lines cannot be checked. "
                "Wait a minute and submit again; nothing was sent."
            )
        self.result = check_submission(self.connection, text, today=self.today)
        if self.result.problems:
            self.problems = self.result.problems
            count = len(self.problems)
            raise ValidationError(
                f"{count:,} line{'s have' if count != 1 else ' has'} problems, so nothing was sent. "
                "Correct every line listed below and submit again."
            )
        cleaned["name"] = cleaned.get("name") or self.file_name or default_file_name()
        return cleaned

    def _show_in_text_box(self, text):
        """An uploaded file cannot be put back in a file input: show its lines in the text box instead."""
        self.data = self.data.copy()
        self.data["lines"] = text

    @property
    def picked(self):
        """The RIDs ticked, as submitted, so the table shows them ticked again."""
        return set(self.data.getlist("rids")) if hasattr(self.data, "getlist") else set()


def _label(code: ReasonCode):
    return f"{code.code} · {code.name}" if code.name else code.code
