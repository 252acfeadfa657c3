"""Watchlists and alerts: saved views, notifications, email digests, signed webhooks and
private feed tokens."""

from django.apps import AppConfig
from django.db.models.signals import post_save


class AlertsConfig(AppConfig):
    name = "tracker.alerts"
    label = "alerts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Extraction saves a batch with bulk_create and then sends positions_extracted inside its
        # transaction; a curator's confirmation goes through save(). Either way one matching
        # task is queued when the transaction commits.
        from tracker.alerts import checks, hooks  # noqa: F401 - registers the system check
        from tracker.extraction.models import Position
        from tracker.extraction.signals import positions_extracted

        positions_extracted.connect(hooks.on_positions_extracted, dispatch_uid="alerts-extracted")
        post_save.connect(hooks.on_position_saved, sender=Position, dispatch_uid="alerts-saved")
