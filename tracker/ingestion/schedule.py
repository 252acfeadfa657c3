"""One django-celery-beat PeriodicTask per active feed, kept in step with its Source."""

from __future__ import annotations

import json

from django_celery_beat.models import IntervalSchedule, PeriodicTask

from tracker.ingestion.models import Source

POLL_TASK = "tracker.ingestion.tasks.poll_feed"


def sync_feed_schedule(source: Source) -> PeriodicTask | None:
    """Create, update or remove the source's polling task; returns it when the feed is polled."""
    name = source.periodic_task_name
    if source.kind != Source.Kind.FEED or not source.active or not source.url:
        PeriodicTask.objects.filter(name=name).delete()
        return None
    every = max(int(source.poll_interval or 60), 1)
    interval, _ = IntervalSchedule.objects.get_or_create(
        every=every, period=IntervalSchedule.MINUTES
    )
    task, _ = PeriodicTask.objects.update_or_create(
        name=name,
        defaults={
            "task": POLL_TASK,
            "interval": interval,
            "args": json.dumps([source.id]),
            "enabled": True,
            "description": f"Poll the feed {source.name} every {every} minute(s).",
        },
    )
    return task


def source_saved(sender, instance: Source, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    sync_feed_schedule(instance)


def source_deleted(sender, instance: Source, **kwargs) -> None:
    PeriodicTask.objects.filter(name=instance.periodic_task_name).delete()
