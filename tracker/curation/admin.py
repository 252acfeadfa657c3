"""Admin for curation: rule precision, merges (with undo), re-extraction jobs, and the
admin actions that the extraction and ingestion admins offer (each checks permissions)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from tracker.curation import review, tasks
from tracker.curation.merge import MergeRefused, undo_merge
from tracker.curation.models import MergeRecord, ReextractionJob, RuleStat


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


# --- Actions for the extraction and ingestion admins --------------------------------


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
