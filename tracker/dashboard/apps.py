"""The analyst dashboard: server-rendered HTMX pages over positions."""

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_save


def disable_jit(sender, connection, **kwargs) -> None:
    """PostgreSQL's JIT compiles plans whose estimated cost is high (as any plan over a
    million positions is), adding 50-200 ms to queries that run in a few ms. The lead
    may prefer to move this to DATABASES["default"]["OPTIONS"]["options"] = "-c jit=off".
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")


class DashboardConfig(AppConfig):
    name = "tracker.dashboard"
    label = "dashboard"

    def ready(self) -> None:
        # Admin edits and reviews go through save()/delete(). The pipeline saves
        # positions with bulk_create (no signals), then saves its ExtractionRun as
        # done in the same transaction: that save refreshes the article's pairs.
        from tracker.dashboard import stances
        from tracker.extraction.models import ExtractionRun, Position

        post_save.connect(stances.on_position_saved, sender=Position, dispatch_uid="dashboard-stance-save")
        post_delete.connect(stances.on_position_deleted, sender=Position, dispatch_uid="dashboard-stance-delete")
        connection_created.connect(disable_jit, dispatch_uid="dashboard-jit-off")
        post_save.connect(stances.on_run_saved, sender=ExtractionRun, dispatch_uid="dashboard-stance-run")
