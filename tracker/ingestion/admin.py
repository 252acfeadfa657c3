"""Admin for sources, articles and ingest runs."""

from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from tracker.extraction.models import Position
from tracker.ingestion.models import Article, IngestRun, Source, requeue_articles


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "language", "active", "poll_interval", "url"]
    list_filter = ["kind", "language", "active"]
    search_fields = ["name", "url"]


@admin.register(IngestRun)
class IngestRunAdmin(admin.ModelAdmin):
    list_display = [
        "created_at", "kind", "submitted", "submitted_by", "status",
        "items_seen", "items_new", "items_duplicate", "items_failed",
    ]
    list_filter = ["kind", "status", "source"]
    search_fields = ["submitted"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in IngestRun._meta.fields]

    def has_add_permission(self, request):
        return False


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
    list_display = ["title", "language", "published", "source", "state", "fetched_at", "short_error"]
    list_filter = ["state", "language", "source", ("published", admin.DateFieldListFilter)]
    search_fields = ["title", "url", "text"]
    date_hierarchy = "fetched_at"
    readonly_fields = [
        "content_hash", "state", "state_changed_at", "attempts", "last_error",
        "extractor_version", "fetched_at", "ingest_run",
    ]
    list_select_related = ["source"]
    inlines = [PositionInline]
    actions = ["retry_extraction"]

    @admin.display(description="Last error")
    def short_error(self, obj):
        return obj.last_error.split("\n", 1)[0][:120]

    @admin.action(description="Retry / re-run extraction", permissions=["change"])
    def retry_extraction(self, request, queryset):
        count = requeue_articles(queryset.values_list("id", flat=True))
        self.message_user(request, f"{count} article(s) queued for extraction.", messages.SUCCESS)
