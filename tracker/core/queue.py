"""Sending tasks to the broker with one clear error when it cannot be reached."""

from __future__ import annotations

import logging

from kombu.exceptions import OperationalError as BrokerOperationalError

logger = logging.getLogger(__name__)


class QueueUnavailable(Exception):
    """The broker refused or did not answer; the work stays recorded and the sweep re-queues it."""


def send(task, *args) -> None:
    """Publish ``task(*args)`` now; raise QueueUnavailable if the broker is down."""
    try:
        task.apply_async(
            args=args, retry=True, retry_policy={"max_retries": 1, "interval_start": 0}
        )
    except (BrokerOperationalError, ConnectionError, OSError) as exc:
        logger.warning("Broker unavailable for %s%r: %s", task.name, args, exc)
        raise QueueUnavailable(
            "The task queue is not reachable right now. Your submission is saved and will be "
            "processed automatically when the queue is back."
        ) from exc
