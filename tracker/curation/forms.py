"""Forms for the review queue, aliases from a span, actor merges and the Position admin."""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from tracker.curation.merge import MergeRefused, check_merge
from tracker.extraction.models import Actor, ActorAlias, Position, Proposal
from tracker.ingestion.models import Article
from tracker.nlp.normalize import fold
from tracker.nlp.vocabulary import LANGUAGES


class ActorPicker(forms.Widget):
    """A search box over the catalogue (names and aliases in any language) whose matches come back
    from the server as radio buttons of this field: htmx and no script of our own, and the chosen
    actor is an ordinary form value."""

    template_name = "curation/_actor_picker.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = None
        if value not in (None, ""):
            chosen = Actor.objects.filter(pk=value).only("id", "name", "kind").first()
        context["widget"]["chosen"] = chosen
        return context

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def render(self, name, value, attrs=None, renderer=None):
        # The project's template engine (templates/), not the forms renderer's own.
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))  # noqa: S308 - a template


def actor_field(**kwargs) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Actor.objects.all(),
        widget=ActorPicker,
        error_messages={"required": "Type a few letters of a name, then choose the actor."},
        **kwargs,
    )


def find_actors(q: str, limit: int = 12) -> list[Actor]:
    """Actors whose name or an alias (in any of the catalogue's languages, folded as matching does:
    case, accents, Arabic letter forms) contains ``q``; exact and prefix matches first."""
    from django.db.models import Case, IntegerField, Q, Value, When

    folded = fold(q)
    if len(folded) < 2:
        return []
    return list(
        Actor.objects.filter(Q(name__icontains=q) | Q(aliases__normalized__contains=folded))
        .annotate(
            rank=Case(
                When(Q(name__iexact=q) | Q(aliases__normalized=folded), then=Value(0)),
                When(
                    Q(name__istartswith=q) | Q(aliases__normalized__startswith=folded),
                    then=Value(1),
                ),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "name")
        .distinct()
        .only("id", "name", "kind")[: limit * 3]
    )[:limit]


class PositionEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    actor = actor_field()
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
    actor = actor_field()
    language = forms.ChoiceField(
        choices=[("", "Every language"), *LANGUAGES.items()], required=False
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
    absorbed = actor_field(
        label="Merge this actor",
        help_text="Its aliases, positions and children move; then it is removed.",
    )
    survivor = actor_field(label="into this actor")

    def clean(self):
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
