"""Alert fixtures: named actors, an analyst's watchlist and a helper that saves positions the way
extraction does (bulk, then the derived tables, then the batch's matching)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import make_article
from tracker.alerts.matching import match_positions, rebuild_keys
from tracker.alerts.models import Watchlist
from tracker.extraction import stances
from tracker.extraction.models import Actor, Position, Proposal

ACTORS = [
    ("Russia", "state", None),
    ("Kremlin", "government_body", "Russia"),
    ("Germany", "state", None),
    ("Egypt", "state", None),
]


@pytest.fixture(autouse=True)
def catalogue(db):
    made = {}
    for name, kind, parent in ACTORS:
        actor, _ = Actor.objects.get_or_create(
            name=name, defaults={"kind": kind, "parent": made.get(parent) if parent else None}
        )
        if parent and actor.parent_id != made[parent].id:
            actor.parent = made[parent]
            actor.save()
        made[name] = actor
    return made


def watch(owner, name="Watch", with_children=True, **fields) -> Watchlist:
    filters = {k: str(fields.pop(k)) for k in list(fields) if k in Watchlist.FILTER_NAMES}
    watchlist = Watchlist.objects.create(
        owner=owner, name=name, filters=filters, with_children=with_children, **fields
    )
    rebuild_keys(watchlist)
    return watchlist


def save_positions(article, *triples, confidence=0.8, **fields) -> list[Position]:
    """Bulk-create (actor, proposal kind, stance, evidence) positions in ``article`` as the
    pipeline does, refresh the derived tables, and return them (not yet matched)."""
    rows = []
    for actor, kind, stance, evidence in triples:
        actor_obj = Actor.objects.get(name=actor)
        start = max(article.text.find(evidence), 0)
        rows.append(
            Position(
                article=article,
                actor=actor_obj,
                proposal=Proposal.objects.get(kind=kind),
                stance=stance,
                evidence=evidence,
                start=start,
                end=start + len(evidence),
                timeline_date=article.published,
                confidence=confidence,
                extraction_key=Position.key_for(actor_obj.id, kind, stance),
                **fields,
            )
        )
    created = Position.objects.bulk_create(rows)
    stances.refresh_articles([article.id], [p.id for p in created])
    return created


def article(text, *, day=1, **fields):
    return make_article(
        title=fields.pop("title", text[:40]),
        text=text,
        published=dt.date(2025, 9, day),
        **fields,
    )


def extract_and_match(art, *triples, **fields):
    positions = save_positions(art, *triples, **fields)
    match_positions([p.id for p in positions])
    return positions
