"""Admin for the catalogue, the lexicons, positions and extraction runs."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tracker.curation import admin as curation_admin
from tracker.curation import review
from tracker.curation.forms import PositionAdminForm
from tracker.extraction import positions
from tracker.extraction.models import (
    Actor,
    ActorAlias,
    ActorRole,
    ExtractionRun,
    LexiconEntry,
    Origin,
    Position,
    Proposal,
)


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


@admin.register(Actor)
class ActorAdmin(CuratorEditsAdmin):
    list_display = ["name", "kind", "parent", "country", "origin"]
    list_filter = ["kind", "origin", "country"]
    search_fields = ["name", "aliases__text"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    inlines = [ActorAliasInline, ActorRoleInline]
    actions = [curation_admin.merge_selected_actors]
    has_merge_permission = curation_admin.has_merge_permission


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


@admin.register(Position)
class PositionAdmin(SimpleHistoryAdmin):
    list_display = [
        "actor",
        "stance",
        "proposal",
        "timeline_date",
        "confidence",
        "review_status",
        "origin",
        "article",
    ]
    list_filter = [
        "review_status",
        "stance",
        "proposal",
        "origin",
        "article__language",
        "actor__kind",
    ]
    search_fields = ["actor__name", "evidence", "article__title"]
    autocomplete_fields = ["actor", "article"]
    list_select_related = ["actor", "proposal", "article"]
    date_hierarchy = "timeline_date"
    readonly_fields = [
        "rules",
        "why",
        "original",
        "extraction_key",
        "extractor_version",
        "version",
        "reviewed_by",
        "reviewed_at",
    ]
    form = PositionAdminForm
    actions = [
        curation_admin.confirm_positions,
        curation_admin.reject_positions,
        curation_admin.reextract_position_articles,
    ]
    has_reextract_permission = curation_admin.has_reextract_permission

    def delete_model(self, request, obj):
        positions.delete(Position.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        positions.delete(queryset)

    def save_model(self, request, obj, form, change):
        # Same rules as the review queue: version check, original kept, precision counted, history.
        review.save_from_admin(
            obj,
            changed=form.changed_data,
            user=request.user,
            version=form.cleaned_data.get("seen_version"),
        )


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
