"""Where saving positions queues alert matching (until the position writer calls it directly)."""

from __future__ import annotations

from tracker.alerts.tasks import queue_matching
from tracker.extraction.models import Position


def on_positions_extracted(sender, article_ids, added_ids=(), **kwargs) -> None:
    queue_matching(added_ids)


def on_position_saved(sender, instance: Position, raw: bool = False, **kwargs) -> None:
    # A confirmation or a curator's edit can make a position match "confirmed only" watchlists.
    if not raw and (
        instance.review_status == Position.Review.CONFIRMED
        or instance.origin == Position.Origin.CURATED
    ):
        queue_matching([instance.id])
