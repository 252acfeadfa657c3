"""Admin for sources, stories and ingest runs (with a submission page and "poll now"). Articles,
whose page shows their positions and offers extraction and re-extraction, are administered from
``tracker.curation.admin``, the layer above."""

from django.conf import settings
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from tracker.core.queue import QueueUnavailable, send
from tracker.ingestion.models import IngestRun, Source, Story
from tracker.ingestion.tasks import poll_feed
from tracker.ingestion.views import read_submission


class FailingFilter(admin.SimpleListFilter):
    title = "polling health"
    parameter_name = "failing"

    def lookups(self, request, model_admin):
        return [
            ("yes", f"Failing ({settings.FEED_FAILING_AFTER}+ polls in a row)"),
            ("no", "Healthy"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(consecutive_failures__gte=settings.FEED_FAILING_AFTER)
        if self.value() == "no":
            return queryset.filter(consecutive_failures__lt=settings.FEED_FAILING_AFTER)
        return queryset


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "kind",
        "language",
        "active",
        "poll_interval",
        "last_polled_at",
        "last_run",
        "failures",
        "url",
    ]
    list_filter = [FailingFilter, "kind", "language", "active"]
    search_fields = ["name", "url"]
    readonly_fields = [
        "last_polled_at",
        "last_status",
        "last_error",
        "consecutive_failures",
        "etag",
        "last_modified",
    ]
    actions = ["poll_now"]

    @admin.display(description="Last poll")
    def last_run(self, obj):
        if not obj.last_status:
            return "–"
        if obj.last_status == "failed":
            return format_html('<span title="{}">failed</span>', obj.last_error[:500])
        return obj.last_status

    @admin.display(description="Failures in a row", ordering="consecutive_failures")
    def failures(self, obj):
        if obj.is_failing:
            return format_html(
                '<strong style="color:#b3261e">⚠ {}</strong>', obj.consecutive_failures
            )
        return obj.consecutive_failures

    @admin.action(description="Poll now", permissions=["change"])
    def poll_now(self, request, queryset):
        feeds = [s for s in queryset if s.kind == Source.Kind.FEED and s.url]
        try:
            for source in feeds:
                send(poll_feed, source.id)
        except QueueUnavailable as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        skipped = queryset.count() - len(feeds)
        note = f" ({skipped} selected source(s) are not feeds)" if skipped else ""
        self.message_user(
            request,
            f"{len(feeds)} feed(s) queued for polling{note}. The result appears "
            "under Last poll and in Ingest runs.",
            messages.SUCCESS,
        )


@admin.register(IngestRun)
class IngestRunAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind",
        "submitted",
        "submitted_by",
        "source",
        "status",
        "items_seen",
        "items_new",
        "items_duplicate",
        "items_failed",
    ]
    list_filter = ["kind", "status", "source"]
    search_fields = ["submitted"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in IngestRun._meta.fields]
    list_select_related = ["submitted_by", "source"]
    change_list_template = "ingestion/admin_ingestrun_change_list.html"

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        extra = [
            path(
                "submit/",
                self.admin_site.admin_view(self.submit_view),
                name="ingestion_ingestrun_submit",
            )
        ]
        return extra + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "submit_url": reverse("admin:ingestion_ingestrun_submit"),
        }
        return super().changelist_view(request, extra_context)

    def submit_view(self, request):
        """Admins submit a URL, a file or pasted text from inside admin; same path as the dashboard."""
        _, forms, run = read_submission(request)
        if run is not None:
            self.message_user(request, f"Submitted: {run}.", messages.SUCCESS)
            return redirect("admin:ingestion_ingestrun_change", run.id)
        context = {
            **self.admin_site.each_context(request),
            "title": "Submit articles",
            "forms": forms,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "ingestion/admin_submit.html", context)


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["id", "lead_article", "article_count", "source_count", "updated_at"]
    list_select_related = ["lead_article"]
    readonly_fields = ["lead_article", "article_count", "source_count", "created_at", "updated_at"]
    search_fields = ["lead_article__title"]

    def has_add_permission(self, request):
        return False
