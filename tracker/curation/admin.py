"""Admin for curation: merges (with undo), re-extraction jobs, and the pages of the lower apps'
models that carry curators' actions (each checks permissions): articles (retry, re-extract),
actors (merge) and positions (confirm, reject, re-extract, edit through the review rules)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from tracker.curation import review, tasks
from tracker.curation.forms import PositionAdminForm
from tracker.curation.merge import MergeRefused, undo_merge
from tracker.curation.models import MergeRecord, ReextractionJob
from tracker.extraction import admin as extraction_admin
from tracker.extraction import positions
from tracker.extraction import tasks as extraction_tasks
from tracker.extraction.models import Actor, Position
from tracker.ingestion.models import Article


@admin.register(MergeRecord)
class MergeRecordAdmin(admin.ModelAdmin):
    list_display = ["absorbed_name", "survivor", "merged_by", "merged_at", "undone_at"]
    list_select_related = ["survivor", "merged_by"]
    readonly_fields = [f.name for f in MergeRecord._meta.fields]
    actions = ["undo_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_merge_permission(self, request) -> bool:
        return request.user.has_perms(["curation.merge_actors", "extraction.change_actor"])

    @admin.action(description="Undo merge", permissions=["merge"])
    def undo_selected(self, request, queryset):
        for record in queryset:
            try:
                restored = undo_merge(record, user=request.user)
            except MergeRefused as refused:
                self.message_user(request, f"{record}: {refused}", messages.ERROR)
            else:
                self.message_user(request, f"{restored} is back.", messages.SUCCESS)


@admin.register(ReextractionJob)
class ReextractionJobAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "scope",
        "status",
        "progress",
        "failed",
        "created_by",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "scope"]
    readonly_fields = [f.name for f in ReextractionJob._meta.fields]

    @admin.display(description="Progress")
    def progress(self, obj: ReextractionJob) -> str:
        return format_html(
            '<a href="{}">{} / {} ({}%)</a>',
            reverse("curation:job", args=[obj.pk]),
            obj.done,
            obj.total,
            obj.percent,
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- Curators' actions ---------------------------------------------------------------


def _reextract(modeladmin, request, article_ids) -> HttpResponseRedirect:
    job = tasks.start_job(article_ids=article_ids, user=request.user)
    modeladmin.message_user(
        request, f"Re-extraction of {job.total} article(s) started.", messages.SUCCESS
    )
    return HttpResponseRedirect(reverse("curation:job", args=[job.pk]))


def has_reextract_permission(modeladmin, request) -> bool:
    return request.user.has_perm("curation.add_reextractionjob")


@admin.action(description="Re-run extraction (tracked job)", permissions=["reextract"])
def reextract_articles(modeladmin, request, queryset):
    return _reextract(modeladmin, request, queryset.values_list("id", flat=True))


@admin.action(description="Re-run extraction of their articles", permissions=["reextract"])
def reextract_position_articles(modeladmin, request, queryset):
    return _reextract(modeladmin, request, queryset.values_list("article_id", flat=True).distinct())


def _decide(modeladmin, request, queryset, decision: str) -> None:
    versions = dict(queryset.values_list("id", "version"))
    done, conflicts = review.bulk(decision, versions, user=request.user)
    verb = "confirmed" if decision == "confirm" else "rejected"
    modeladmin.message_user(request, f"{len(done)} position(s) {verb}.", messages.SUCCESS)
    for conflict in conflicts:
        modeladmin.message_user(request, str(conflict), messages.WARNING)


@admin.action(description="Confirm selected positions", permissions=["change"])
def confirm_positions(modeladmin, request, queryset):
    _decide(modeladmin, request, queryset, "confirm")


@admin.action(description="Reject selected positions", permissions=["change"])
def reject_positions(modeladmin, request, queryset):
    _decide(modeladmin, request, queryset, "reject")


def has_merge_permission(modeladmin, request) -> bool:
    return request.user.has_perms(["curation.merge_actors", "extraction.change_actor"])


@admin.action(description="Merge two selected actors…", permissions=["merge"])
def merge_selected_actors(modeladmin, request, queryset):
    ids = list(queryset.values_list("id", flat=True)[:3])
    if len(ids) != 2:
        modeladmin.message_user(request, "Select exactly two actors to merge.", messages.ERROR)
        return None
    return HttpResponseRedirect(f"{reverse('curation:merge')}?actors={ids[0]},{ids[1]}")


# --- The lower apps' models whose pages carry those actions ---------------------------


@admin.register(Actor)
class ActorAdmin(extraction_admin.CuratorEditsAdmin):
    list_display = ["name", "kind", "parent", "country", "origin"]
    list_filter = ["kind", "origin", "country"]
    search_fields = ["name", "aliases__text"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    inlines = [extraction_admin.ActorAliasInline, extraction_admin.ActorRoleInline]
    actions = [merge_selected_actors]
    has_merge_permission = has_merge_permission


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
        confirm_positions,
        reject_positions,
        reextract_position_articles,
    ]
    has_reextract_permission = has_reextract_permission

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


class PositionInline(admin.TabularInline):
    model = Position
    fields = ["actor", "proposal", "stance", "evidence", "stated_on", "confidence", "review_status"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "language",
        "published",
        "source",
        "state",
        "fetched_at",
        "story",
        "uploaded",
        "short_error",
    ]
    list_filter = [
        "state",
        "language",
        "uploaded",
        "source",
        ("published", admin.DateFieldListFilter),
    ]
    search_fields = ["title", "url", "text"]
    date_hierarchy = "fetched_at"
    readonly_fields = [
        "content_hash",
        "state",
        "state_changed_at",
        "attempts",
        "last_error",
        "extractor_version",
        "fetched_at",
        "ingest_run",
        "story",
        "uploaded",
        "uploaded_by",
        "fetched_copy",
    ]
    exclude = ["minhash"]
    list_select_related = ["source"]
    inlines = [PositionInline]
    actions = ["retry_extraction", reextract_articles]
    has_reextract_permission = has_reextract_permission

    @admin.display(description="Last error")
    def short_error(self, obj):
        return obj.last_error.split("\n", 1)[0][:120]

    # Deleting articles deletes their positions: through the position writer, which refreshes
    # the pairs they leave.
    def delete_model(self, request, obj):
        positions.delete_articles(Article.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        positions.delete_articles(queryset)

    @admin.action(description="Retry / re-run extraction", permissions=["change"])
    def retry_extraction(self, request, queryset):
        count = extraction_tasks.requeue(queryset)
        self.message_user(request, f"{count} article(s) queued for extraction.", messages.SUCCESS)
