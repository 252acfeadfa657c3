"""Watchlists and alerts: saved views, notifications, email digests, signed webhooks and
private feed tokens."""

from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "tracker.alerts"
    label = "alerts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tracker.alerts import checks  # noqa: F401 - registers the deploy check
