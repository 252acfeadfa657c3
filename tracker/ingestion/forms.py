"""The submission forms analysts and admins use: a URL, a file, or pasted text."""

from __future__ import annotations

from django import forms
from django.conf import settings

from tracker.ingestion.runs import UPLOAD_EXTENSIONS
from tracker.nlp.vocabulary import LANGUAGES


class URLSubmissionForm(forms.Form):
    url = forms.CharField(
        label="Article URL",
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://…", "inputmode": "url"}),
    )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        if not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError("Enter an http:// or https:// address.")
        return url


class FileSubmissionForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text=".html or .txt for one article; .jsonl for many (one JSON object a line with url, "
        "title, text, language, published, source).",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith(tuple(UPLOAD_EXTENSIONS)):
            raise forms.ValidationError("Upload a .html, .txt or .jsonl file.")
        if upload.size > settings.INGEST_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {settings.INGEST_MAX_UPLOAD_BYTES:,} bytes "
                "(INGEST_MAX_UPLOAD_BYTES)."
            )
        return upload


class PasteSubmissionForm(forms.Form):
    title = forms.CharField(max_length=1000)
    language = forms.ChoiceField(
        choices=[("", "Detect"), *LANGUAGES.items()],
        required=False,
    )
    published = forms.DateField(
        label="Date published",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty if unknown: “on Tuesday” is then reckoned from today and shown as "
        "approximate (≈ 29 Nov 2026).",
    )
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 12}), max_length=2_000_000)


FORMS = {"url": URLSubmissionForm, "file": FileSubmissionForm, "paste": PasteSubmissionForm}
