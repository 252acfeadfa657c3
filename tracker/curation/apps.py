from django.apps import AppConfig
from django.db.models.signals import post_migrate

from tracker.curation import roles


class CurationConfig(AppConfig):
    name = "tracker.curation"
    label = "curation"
    verbose_name = "Curation"

    def ready(self) -> None:
        # After every migrate (and every test flush) the three role groups exist with their permissions.
        post_migrate.connect(roles.sync_after_migrate, dispatch_uid="curation-sync-groups")
