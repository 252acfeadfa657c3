"""Forms for watchlists, webhooks, feed tokens and digest preferences.

A watchlist's filters are read by the timeline's own filter form (PositionFilterForm), so a
watchlist matches exactly what its timeline shows.
"""

from __future__ import annotations

import zoneinfo

from django import forms

from tracker.alerts.models import WATCH_FILTERS, AlertPreferences, Watchlist, Webhook
from tracker.dashboard.forms import PositionFilterForm
from tracker.dashboard.queries import source_choices
from tracker.extraction.models import ActorTree
from tracker.ingestion import fetch


def filter_form(data, tree: ActorTree | None = None) -> PositionFilterForm:
    """The timeline's filter form over ``data``, knowing every actor and source."""
    tree = tree or ActorTree.load()
    return PositionFilterForm(data, actors=tree.actors, sources=source_choices())


def clean_filters(form: PositionFilterForm) -> dict:
    """The watchlist's filters, as query parameter strings, from a valid filter form."""
    data = form.cleaned_data
    return {k: str(data[k]) for k in WATCH_FILTERS if data.get(k) not in (None, "")}


class WatchlistForm(forms.ModelForm):
    class Meta:
        model = Watchlist
        fields = [
            "name",
            "with_children",
            "on_position",
            "on_shift",
            "on_first",
            "confirmed_only",
            "min_confidence",
            "one_per_story",
            "email",
            "paused",
        ]
        widgets = {"min_confidence": forms.NumberInput(attrs={"step": "0.05", "min": 0, "max": 1})}

    def clean_min_confidence(self):
        value = self.cleaned_data["min_confidence"]
        if not 0 <= value <= 1:
            raise forms.ValidationError("The confidence is between 0 and 1.")
        return value

    def clean(self):
        data = super().clean()
        if not (data.get("on_position") or data.get("on_shift") or data.get("on_first")):
            raise forms.ValidationError("Choose at least one thing to be alerted about.")
        return data


class WebhookForm(forms.ModelForm):
    url = forms.URLField(label="Webhook URL", max_length=500, assume_scheme="https")

    class Meta:
        model = Webhook
        fields = ["url"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        limits = fetch.Limits.from_settings()
        try:
            # The same rules as article fetching; checked again at every delivery (DNS changes).
            fetch.check_url(
                url,
                allow_private=limits.allow_private,
                allowed_ports=limits.allowed_ports,
                dns_timeout=limits.dns_timeout,
            )
        except fetch.FetchError as exc:
            raise forms.ValidationError(str(exc)) from None
        return url


class FeedTokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="Where you will use it, e.g. “Feedly”.")


class PreferencesForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=[(z, z) for z in sorted(zoneinfo.available_timezones())], initial="UTC"
    )
    digest_hour = forms.TypedChoiceField(
        coerce=int, choices=[(h, f"{h:02d}:00") for h in range(24)], initial=8
    )

    class Meta:
        model = AlertPreferences
        fields = ["time_zone", "digest_hour"]
