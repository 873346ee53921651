"""The form of a survey's reconciliation: respondent ids pasted or uploaded, and a contact e-mail
where the supplier asks for one."""

from django import forms

from .forms import MAX_UPLOAD_BYTES
from .survey import check_ids


class SurveyReconciliationForm(forms.Form):
    ids = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    upload = forms.FileField(required=False, label="Or upload a file")
    contact_email = forms.EmailField(
        required=False,
        label="Contact e-mail",
        error_messages={"invalid": "Enter an e-mail address the supplier can write to, such as pm@example.com."},
    )
    # The uploaded file's name, kept while its lines wait in the box for the confirmation.
    file_name = forms.CharField(required=False, max_length=255, widget=forms.HiddenInput)

    def __init__(self, *args, style, **kwargs):
        super().__init__(*args, **kwargs)
        self.style = style
        self.fields["ids"].label = f"{style.id_word.capitalize()}s, one per line"
        self.fields["ids"].widget.attrs["placeholder"] = f"one {style.id_word} per line"
        if style.contact_email:
            self.fields["contact_email"].required = True
            self.fields["contact_email"].error_messages["required"] = (
                "The supplier asks for an e-mail address to write to about this reconciliation."
            )
        else:
            del self.fields["contact_email"]
        self.result = None
        self.name = "pasted"

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        text = cleaned.get("ids") or ""
        if upload is not None:
            if upload.size > MAX_UPLOAD_BYTES:
                self.add_error("upload", "The file is larger than 5 MB; split it and submit it in parts.")
                return cleaned
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("upload", "The file is not plain text (UTF-8); save it as CSV or text and try again.")
                return cleaned
            self.name = upload.name[:255]
            # The file's lines come back in the box, so a PM fixes (and confirms) them there.
            self.data = self.data.copy()
            self.data["ids"] = text
            self.data["file_name"] = self.name
        elif cleaned.get("file_name"):
            self.name = cleaned["file_name"]
        if not text.strip():
            self.add_error("ids", f"Paste the {self.style.id_word}s, or upload a file of them.")
            return cleaned
        self.result = check_ids(text, self.style)
        if self.result.problems:
            count = len(self.result.problems)
            self.add_error(
                "ids", f"{count:,} line{'s' if count != 1 else ''} cannot be sent, so nothing was sent: see below."
            )
        return cleaned
