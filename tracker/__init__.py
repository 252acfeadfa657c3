"""The security-guarantee tracker: a Django project with Celery workers."""

from tracker.celery import app as celery_app

__all__ = ["celery_app"]
