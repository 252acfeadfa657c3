"""The analyst dashboard: server-rendered HTMX pages over positions."""

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class DashboardConfig(AppConfig):
    name = "tracker.dashboard"
    label = "dashboard"

    def ready(self) -> None:
        # Admin edits and reviews go through save()/delete(). The pipeline saves a
        # batch's positions with bulk_create (no signals), then sends
        # positions_extracted in the same transaction: that refreshes their pairs.
        from tracker.dashboard import stances
        from tracker.extraction.models import Position
        from tracker.extraction.signals import positions_extracted

        post_save.connect(
            stances.on_position_saved, sender=Position, dispatch_uid="dashboard-stance-save"
        )
        post_delete.connect(
            stances.on_position_deleted, sender=Position, dispatch_uid="dashboard-stance-delete"
        )
        positions_extracted.connect(
            stances.on_positions_extracted, dispatch_uid="dashboard-stance-extracted"
        )
