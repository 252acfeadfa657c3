"""The analyst dashboard: server-rendered HTMX pages over positions."""

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class DashboardConfig(AppConfig):
    name = "tracker.dashboard"
    label = "dashboard"

    def ready(self) -> None:
        # Admin edits and reviews go through save()/delete(). The pipeline saves
        # positions with bulk_create (no signals), then saves its ExtractionRun as
        # done in the same transaction: that save refreshes the article's pairs.
        from tracker.dashboard import stances
        from tracker.extraction.models import ExtractionRun, Position

        post_save.connect(
            stances.on_position_saved, sender=Position, dispatch_uid="dashboard-stance-save"
        )
        post_delete.connect(
            stances.on_position_deleted, sender=Position, dispatch_uid="dashboard-stance-delete"
        )
        post_save.connect(
            stances.on_run_saved, sender=ExtractionRun, dispatch_uid="dashboard-stance-run"
        )
