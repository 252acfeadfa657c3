"""Admin for watchlists (where admins share one with a group), alerts, deliveries (resend),
webhooks and feed tokens (revoke). Secrets and token hashes are never shown."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction

from tracker.alerts.matching import rebuild_keys
from tracker.alerts.models import Alert, Delivery, FeedToken, Watchlist, Webhook
from tracker.alerts.tasks import deliver


@admin.register(Watchlist)
class WatchlistAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "shared_with", "email", "paused", "created_at"]
    list_filter = ["paused", "email", "shared_with"]
    search_fields = ["name", "owner__username"]
    raw_id_fields = ["owner"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        rebuild_keys(obj)


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "watchlist", "position", "copy_of", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["watchlist", "position", "before", "copy_of"]
    readonly_fields = ["subject", "story_key", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.action(description="Resend the selected deliveries")
def resend(modeladmin, request, queryset):
    ids = list(queryset.values_list("id", flat=True))
    with transaction.atomic():
        Delivery.objects.filter(id__in=ids).resend()
        transaction.on_commit(lambda: [deliver.delay(i) for i in ids])
    messages.success(request, f"{len(ids)} deliveries queued again.")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "channel",
        "status",
        "alert",
        "webhook",
        "attempts",
        "response_status",
        "latency_ms",
        "sent_at",
    ]
    list_filter = ["channel", "status"]
    raw_id_fields = ["alert", "webhook"]
    readonly_fields = [
        "idempotency_key",
        "attempts",
        "claimed_at",
        "sent_at",
        "response_status",
        "latency_ms",
        "response_excerpt",
        "error",
    ]
    actions = [resend]


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ["url", "watchlist", "active", "consecutive_failures", "created_at"]
    list_filter = ["active"]
    raw_id_fields = ["watchlist"]
    readonly_fields = ["consecutive_failures", "disabled_reason"]
    formfield_overrides = {
        models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}
    }

    def has_add_permission(self, request):
        return False  # hooks are made on the watchlist page, which shows the secret once


@admin.action(description="Revoke the selected feed tokens")
def revoke(modeladmin, request, queryset):
    for token in queryset:
        token.revoke()


@admin.register(FeedToken)
class FeedTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "hint", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    readonly_fields = ["user", "hint", "created_at", "last_used_at"]
    exclude = ["key_hash"]
    actions = [revoke]

    def has_add_permission(self, request):
        return False  # tokens are made on the Feeds page, which shows them once
