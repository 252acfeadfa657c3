"""Forms for the review queue, aliases from a span, actor merges and the Position admin."""

from __future__ import annotations

from django import forms

from tracker.core.text import fold
from tracker.extraction.models import Actor, ActorAlias, Position, Proposal
from tracker.ingestion.models import LANGUAGE_CHOICES, Article


class PositionEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    actor = forms.ModelChoiceField(queryset=Actor.objects.order_by("name"))
    proposal = forms.ModelChoiceField(queryset=Proposal.objects.all(), to_field_name="kind")
    stance = forms.ChoiceField(choices=Position.Stance.choices)
    stated_on = forms.DateField(
        required=False, label="Stated on", widget=forms.DateInput(attrs={"type": "date"})
    )
    personal = forms.BooleanField(
        required=False,
        label="Personal view",
        help_text="Said in a personal capacity: it does not count for the state or office the "
        "speaker holds.",
    )

    @classmethod
    def for_position(cls, position: Position) -> PositionEditForm:
        return cls(
            initial={
                "version": position.version,
                "actor": position.actor_id,
                "proposal": position.proposal.kind,
                "stance": position.stance,
                "stated_on": position.stated_on,
                "personal": position.personal,
            },
            prefix=f"p{position.pk}",
        )


class DecisionForm(forms.Form):
    version = forms.IntegerField(min_value=1)


class AliasFromSpanForm(forms.Form):
    article = forms.ModelChoiceField(queryset=Article.objects.all(), widget=forms.HiddenInput)
    text = forms.CharField(max_length=200, label="Selected text", strip=True)
    actor = forms.ModelChoiceField(queryset=Actor.objects.order_by("name"))
    language = forms.ChoiceField(
        choices=[("", "Every language"), *LANGUAGE_CHOICES[:-1]], required=False
    )
    strength = forms.ChoiceField(
        choices=ActorAlias.Strength.choices, initial=ActorAlias.Strength.STRONG
    )

    def clean(self):
        data = super().clean()
        article, text, actor = data.get("article"), data.get("text"), data.get("actor")
        if article and text:
            if len(fold(text)) < 2:
                self.add_error("text", "Select at least two letters of the article.")
            elif fold(text) not in fold(article.text):
                self.add_error("text", "This text does not occur in the article.")
        if (
            actor
            and text
            and ActorAlias.objects.filter(
                actor=actor, text=text, language=data.get("language") or ""
            ).exists()
        ):
            self.add_error("text", f"“{text}” is already an alias of {actor}.")
        return data


class MergeForm(forms.Form):
    absorbed = forms.ModelChoiceField(
        queryset=Actor.objects.order_by("name"),
        label="Merge this actor",
        help_text="Its aliases, positions and children move; then it is removed.",
    )
    survivor = forms.ModelChoiceField(
        queryset=Actor.objects.order_by("name"), label="into this actor"
    )

    def clean(self):
        from tracker.curation.merge import MergeRefused, check_merge

        data = super().clean()
        if data.get("absorbed") and data.get("survivor"):
            try:
                check_merge(data["absorbed"], data["survivor"])
            except MergeRefused as refused:
                raise forms.ValidationError(str(refused)) from None
        return data


class ReextractForm(forms.Form):
    articles = forms.ModelMultipleChoiceField(queryset=Article.objects.all(), required=False)
    everything = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if not data.get("everything") and not data.get("articles"):
            raise forms.ValidationError("Choose articles, or everything.")
        return data


class PositionAdminForm(forms.ModelForm):
    """The admin change form, with the version the curator loaded (optimistic locking)."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Position
        fields = [
            "article",
            "actor",
            "proposal",
            "stance",
            "evidence",
            "start",
            "end",
            "sentence",
            "stated_on",
            "is_past",
            "timeline_date",
            "confidence",
            "origin",
            "review_status",
            "personal",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        data = super().clean()
        seen = data.get("seen_version")
        if self.instance.pk and seen is not None:
            current = (
                Position.objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current != seen:
                raise forms.ValidationError(
                    "Someone else changed this position while you were editing it. "
                    "Reload the page to see their change; yours was not saved."
                )
        return data
