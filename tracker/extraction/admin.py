"""Admin for the catalogue's aliases, proposals, the lexicons, extraction runs and rule precision
(read-only). Actors and positions, whose pages carry curators' actions (merge, confirm, reject,
re-extract), are administered from ``tracker.curation.admin``, the layer above."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tracker.extraction.models import (
    ActorAlias,
    ActorRole,
    ExtractionRun,
    LexiconEntry,
    Origin,
    Proposal,
    RuleStat,
)
from tracker.nlp.resources import LEXICON_TEXT_HELP


class CuratorEditsAdmin(SimpleHistoryAdmin):
    """A row saved in admin becomes the curator's: reloading the data files leaves it alone."""

    def save_model(self, request, obj, form, change):
        if hasattr(obj, "origin") and obj.origin == Origin.DATA and form.has_changed():
            obj.origin = Origin.CURATOR
        super().save_model(request, obj, form, change)


class ActorAliasInline(admin.TabularInline):
    model = ActorAlias
    fields = ["text", "language", "strength", "origin"]
    readonly_fields = ["origin"]
    extra = 1


class ActorRoleInline(admin.TabularInline):
    model = ActorRole
    fk_name = "actor"
    fields = ["office", "start", "end", "capacity", "speaks_for"]
    autocomplete_fields = ["speaks_for"]
    extra = 0


@admin.register(ActorAlias)
class ActorAliasAdmin(CuratorEditsAdmin):
    list_display = ["text", "actor", "language", "strength", "origin"]
    list_filter = ["language", "strength", "origin"]
    search_fields = ["text", "normalized", "actor__name"]
    autocomplete_fields = ["actor"]
    list_select_related = ["actor"]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["kind", "title"]
    search_fields = ["kind", "title", "description"]


@admin.register(LexiconEntry)
class LexiconEntryAdmin(CuratorEditsAdmin):
    list_display = ["text", "language", "category", "proposal_kind", "weight", "active", "origin"]
    list_filter = ["language", "category", "proposal_kind", "active", "origin"]
    list_editable = ["active"]
    search_fields = ["text"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs.setdefault("help_texts", {"text": LEXICON_TEXT_HELP})
        return super().get_form(request, obj, change, **kwargs)


@admin.register(ExtractionRun)
class ExtractionRunAdmin(admin.ModelAdmin):
    list_display = [
        "article",
        "status",
        "extractor_version",
        "started_at",
        "finished_at",
        "positions_found",
        "error",
    ]
    list_filter = ["status", "extractor_version"]
    search_fields = ["article__title", "error"]
    list_select_related = ["article"]
    readonly_fields = [f.name for f in ExtractionRun._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(RuleStat)
class RuleStatAdmin(admin.ModelAdmin):
    list_display = ["rule", "confirmed", "rejected", "shown_precision", "updated_at"]
    search_fields = ["rule"]
    readonly_fields = ["rule", "confirmed", "rejected", "shown_precision", "updated_at"]

    @admin.display(description="Precision (curator decisions, with prior)")
    def shown_precision(self, obj: RuleStat) -> str:
        return f"{obj.precision:.0%}"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
