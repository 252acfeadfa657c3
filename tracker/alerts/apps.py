"""Watchlists and alerts: saved views, notifications, email digests, signed webhooks and
private feed tokens."""

from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "tracker.alerts"
    label = "alerts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Models can be imported only once the app registry is ready, i.e. here.
        from tracker.alerts import checks  # noqa: F401 - registers the deploy check
        from tracker.alerts.tasks import queue_matching
        from tracker.extraction import positions

        # The position writer, below alerts, does not import it: the positions it adds or saves
        # are handed over here, one matching task a batch, queued when the transaction commits.
        positions.when_changed(queue_matching)
