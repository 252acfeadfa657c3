"""Filter forms: every query parameter the dashboard reads is validated here.

Bad input (an unknown actor, a malformed date, a negative page, a huge page
size) becomes a form error, which the views show with status 400.
"""

from __future__ import annotations

import datetime as dt

from django import forms

from tracker.extraction.models import PROPOSAL_KINDS, Actor, Position
from tracker.ingestion.models import LANGUAGE_CHOICES

FORMATS = [("html", "HTML"), ("csv", "CSV"), ("json", "JSON")]
MAX_LIMIT = 200
DEFAULT_LIMIT = 50


def _blank(choices):
    return [("", "Any"), *choices]


class Cursor:
    """A keyset position (timeline_date, id) written as ``2025-08-19_123``."""

    def __init__(self, date: dt.date, id: int):
        self.date, self.id = date, id

    def __str__(self) -> str:
        return f"{self.date.isoformat()}_{self.id}"


class CursorField(forms.CharField):
    default_error_messages = {"invalid": "This is not a valid page marker."}

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        if len(value) > 40:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        date_part, _, id_part = value.partition("_")
        try:
            date = dt.date.fromisoformat(date_part)
            number = int(id_part)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if number < 1:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return Cursor(date, number)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class OutputForm(forms.Form):
    format = forms.ChoiceField(choices=FORMATS, required=False)

    def clean_format(self):
        return self.cleaned_data.get("format") or "html"


class DateRangeMixin(forms.Form):
    date_from = forms.DateField(
        required=False, label="From", widget=DateInput(), input_formats=["%Y-%m-%d"]
    )
    date_to = forms.DateField(
        required=False, label="To", widget=DateInput(), input_formats=["%Y-%m-%d"]
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("The start date is after the end date.")
        return data


class PositionFilterForm(DateRangeMixin, OutputForm):
    """Timeline, exports and the positions feed share these filters."""

    proposal = forms.ChoiceField(choices=_blank(PROPOSAL_KINDS), required=False)
    actor = forms.IntegerField(required=False, min_value=1)
    stance = forms.ChoiceField(choices=_blank(Position.Stance.choices), required=False)
    language = forms.ChoiceField(choices=_blank(LANGUAGE_CHOICES), required=False)
    source = forms.IntegerField(required=False, min_value=1)
    review = forms.ChoiceField(
        choices=[("", "Not rejected"), *Position.Review.choices],
        required=False,
        label="Review status",
    )
    after = CursorField(required=False)
    # The newest position id when the page was drawn: positions after it are shown as new.
    since = forms.IntegerField(required=False, min_value=0)
    limit = forms.IntegerField(required=False, min_value=1, max_value=MAX_LIMIT)
    # Exports and the feed list every position; collapse=1 keeps one per (story, actor, proposal, stance)
    # as the timeline page does. The page itself always collapses.
    collapse = forms.BooleanField(required=False)

    # Filters that narrow the list (not the paging and output parameters).
    FILTERS = (
        "proposal",
        "actor",
        "stance",
        "language",
        "source",
        "review",
        "date_from",
        "date_to",
    )

    def __init__(
        self,
        *args,
        actors: dict[int, tuple] | None = None,
        sources: dict[int, str] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.actors = actors
        self.sources = sources

    def clean_actor(self):
        actor = self.cleaned_data.get("actor")
        if actor is not None and self.actors is not None and actor not in self.actors:
            raise forms.ValidationError("There is no actor with this id.")
        return actor

    def clean_source(self):
        source = self.cleaned_data.get("source")
        if source is not None and self.sources is not None and source not in self.sources:
            raise forms.ValidationError("There is no source with this id.")
        return source

    def clean_limit(self):
        return self.cleaned_data.get("limit") or DEFAULT_LIMIT


class ShiftFilterForm(DateRangeMixin, OutputForm):
    proposal = forms.ChoiceField(choices=_blank(PROPOSAL_KINDS), required=False)
    actor = forms.IntegerField(required=False, min_value=1)
    confirmed = forms.BooleanField(
        required=False, label="Confirmed only", help_text="Both positions confirmed by a curator."
    )
    after = CursorField(required=False)
    FILTERS = ("proposal", "actor", "confirmed", "date_from", "date_to")

    def clean_actor(self):
        actor = self.cleaned_data.get("actor")
        if actor is not None and not Actor.objects.filter(id=actor).exists():
            raise forms.ValidationError("There is no actor with this id.")
        return actor


class MatrixFilterForm(OutputForm):
    actor_kind = forms.ChoiceField(
        choices=_blank(Actor.Kind.choices), required=False, label="Actor kind"
    )
    as_of = forms.DateField(
        required=False, label="As of", widget=DateInput(), input_formats=["%Y-%m-%d"]
    )
    officials = forms.ChoiceField(
        choices=[("", "Include officials"), ("exclude", "Own statements only")],
        required=False,
        label="Officials",
        help_text="A head of state or government, a foreign or defence minister speaks for the "
        "state while in office; a spokesperson for their office.",
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)
    FILTERS = ("actor_kind", "as_of", "officials")

    def clean_page(self):
        return self.cleaned_data.get("page") or 1

    @property
    def include_officials(self) -> bool:
        return self.is_valid() and self.cleaned_data.get("officials") != "exclude"


class SearchForm(OutputForm):
    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=forms.SearchInput(attrs={"placeholder": "Words, phrases in quotes, or an actor"}),
    )
    language = forms.ChoiceField(choices=_blank(LANGUAGE_CHOICES), required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=50)

    def clean_q(self):
        return " ".join(self.cleaned_data.get("q", "").split())

    def clean_page(self):
        return self.cleaned_data.get("page") or 1


def query_string(data: dict, keys, **overrides) -> str:
    """The URL query for the given cleaned filters (blank ones left out)."""
    from urllib.parse import urlencode

    pairs = []
    merged = {**{k: data.get(k) for k in keys}, **overrides}
    for key, value in merged.items():
        if value in (None, "", "html", False):
            continue
        if value is True:
            value = 1
        pairs.append((key, value.isoformat() if isinstance(value, dt.date) else str(value)))
    return urlencode(pairs)
