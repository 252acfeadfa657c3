from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class ExtractionConfig(AppConfig):
    name = "tracker.extraction"
    label = "extraction"

    def ready(self) -> None:
        # Models can be imported only once the app registry is ready, i.e. here.
        from tracker.extraction import signals, tasks
        from tracker.extraction.models import Actor, ActorAlias, LexiconEntry
        from tracker.ingestion import ingest

        # Ingestion, below extraction, does not import it: what it stores is handed over here.
        ingest.when_stored(tasks.queue_quietly)

        for model in (Actor, ActorAlias, LexiconEntry):
            post_save.connect(
                signals.catalogue_changed, sender=model, dispatch_uid=f"bump-{model.__name__}"
            )
            post_delete.connect(
                signals.catalogue_changed, sender=model, dispatch_uid=f"bump-del-{model.__name__}"
            )
        post_migrate.connect(
            signals.load_catalogue_after_migrate, sender=self, dispatch_uid="load-catalogue"
        )
