from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tracker.core"
    label = "core"

    def ready(self) -> None:
        # Tasks queued from the web process or a command must go to the configured broker: load
        # the Celery app with Django rather than as a side effect of importing the package.
        import tracker.celery  # noqa: F401
