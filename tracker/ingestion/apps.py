from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class IngestionConfig(AppConfig):
    name = "tracker.ingestion"
    label = "ingestion"

    def ready(self) -> None:
        # Models can be imported only once the app registry is ready, i.e. here.
        from tracker.ingestion import schedule
        from tracker.ingestion.models import Source

        post_save.connect(
            schedule.source_saved, sender=Source, dispatch_uid="ingestion-feed-schedule"
        )
        post_delete.connect(
            schedule.source_deleted, sender=Source, dispatch_uid="ingestion-feed-unschedule"
        )
