"""The Celery app. Workers and beat start from here: ``celery -A tracker worker``."""

import os

from celery import Celery
from celery.signals import task_prerun

from tracker.core.db import drop_broken_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def _reconnect_if_the_database_dropped_us(**kwargs) -> None:
    """A worker process reuses its database connection across tasks: one the server dropped
    is replaced before the task starts, instead of failing this task and every later one."""
    drop_broken_connections()
