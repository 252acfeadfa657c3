"""The one module that writes positions.

Extraction's results (``replace_extracted``), curators' decisions and edits, the admin form and
actor merges (``save``), and deletions (``delete``, ``delete_articles``) all go through here, and
every one of them ends in ``positions_changed``: the single place where what follows a change of
positions happens, in the same transaction. It refreshes the derived stance and shift tables
(``tracker.extraction.stances``) by explicit calls, then hands the new and saved positions to
whatever an app above registered with ``when_changed`` (alert matching). Nothing listens for
model signals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction

from tracker.core.db import bulk_insert
from tracker.core.handoff import Handoff
from tracker.extraction import stances
from tracker.extraction.clauses import clause_bounds
from tracker.extraction.models import Actor, Position, Proposal, RuleStat
from tracker.nlp import pipeline

Pair = tuple[int, int]  # (actor_id, proposal_id)

# What must follow new or saved positions in the apps above extraction: they register it at
# start-up (AlertsConfig.ready registers alert matching), so the writer imports none of them.
_changed = Handoff()


def when_changed(handler: Callable[[list[int]], None]) -> None:
    """Call ``handler(position_ids)`` with the positions added or saved by each change, inside the
    transaction that made it, after the derived tables are refreshed. Registering twice registers
    once."""
    _changed.register(handler)


def positions_changed(
    *,
    pairs: Iterable[Pair] = (),
    article_ids: Iterable[int] = (),
    added_ids: Iterable[int] = (),
    saved_ids: Iterable[int] = (),
) -> None:
    """Everything that follows a change of positions; every writer here calls it, once per change.

    ``pairs`` are the (actor_id, proposal_id) pairs whose positions were saved or deleted one by
    one: each is recomputed in full. ``article_ids`` are articles whose extracted positions were
    just replaced, and ``added_ids`` the positions bulk-created for them: only their neighbourhood
    is recomputed. ``saved_ids`` are positions saved one by one (a confirmation can make one
    match a watchlist). Call it inside the transaction that made the change, after the change.
    """
    added_ids = list(added_ids)
    # Articles first: the pairs' full recount then overrides whatever the neighbourhood
    # refresh counted for a pair that also lost or changed positions.
    stances.refresh_articles(list(article_ids), added_ids)
    stances.refresh_pairs(pairs)
    changed = [*added_ids, *saved_ids]
    if changed:
        _changed(changed)


def save(*positions: Position) -> None:
    """Save positions changed one by one (a curator's decision or edit, an admin form, a merge)
    through the model, so their history is recorded, then refresh every pair each belongs to now
    or belonged to before."""
    if not positions:
        return
    with transaction.atomic():
        # The pairs the positions leave: a corrected actor or proposal moves a position out of one.
        pairs: set[Pair] = set(
            Position.objects.filter(pk__in=[p.pk for p in positions if p.pk]).values_list(
                "actor_id", "proposal_id"
            )
        )
        for position in positions:
            position.save()
            pairs.add((position.actor_id, position.proposal_id))
        positions_changed(pairs=pairs, saved_ids=[p.id for p in positions])


def delete(positions) -> int:
    """Delete positions (a queryset) and refresh the pairs they leave; returns how many went."""
    with transaction.atomic():
        pairs = set(positions.values_list("actor_id", "proposal_id").distinct())
        deleted = positions.delete()[1].get(Position._meta.label, 0)
        positions_changed(pairs=pairs)
    return deleted


def delete_articles(articles) -> None:
    """Delete articles (a queryset) with their positions, and refresh the pairs those leave."""
    with transaction.atomic():
        pairs = set(
            Position.objects.filter(article__in=articles)
            .values_list("actor_id", "proposal_id")
            .distinct()
        )
        articles.delete()
        positions_changed(pairs=pairs)


def replace_extracted(batch: list[tuple[object, object]]) -> dict[int, tuple[int, int]]:
    """Save what the pipeline found for a batch of (article, result): each article's unreviewed
    machine positions are replaced by its result; curated ones (``Position.is_curated``) are left
    alone, never duplicated nor brought back. Returns (new, removed) per article id."""
    names = {found.actor for _, result in batch for found in result.positions}
    actor_ids = dict(Actor.objects.filter(name__in=names).values_list("name", "id"))
    proposal_ids = dict(Proposal.objects.values_list("kind", "id"))
    wanted: dict[int, dict[str, object]] = {}
    for article, result in batch:
        mine = wanted.setdefault(article.id, {})
        for found in result.positions:
            if found.actor not in actor_ids or found.proposal not in proposal_ids:
                continue
            key = Position.key_for(actor_ids[found.actor], found.proposal, found.stance)
            best = mine.get(key)
            if best is None or found.confidence > best.confidence:
                mine[key] = found
    precisions = RuleStat.objects.precisions(
        rule for mine in wanted.values() for found in mine.values() for rule in found.rules
    )
    existing: dict[int, dict[str, Position]] = {}
    for position in Position.objects.filter(article_id__in=list(wanted)).exclude(
        extraction_key=None
    ):
        existing.setdefault(position.article_id, {})[position.extraction_key] = position
    stale, fresh, replaced = [], [], []
    counts = {}
    for article, _ in batch:
        known = existing.get(article.id, {})
        replaceable = {key: p for key, p in known.items() if not p.is_curated}
        gone = [p for key, p in replaceable.items() if key not in wanted[article.id]]
        stale.extend(gone)
        new = 0
        for key, found in wanted[article.id].items():
            fields = _fields(
                article, found, actor_ids[found.actor], proposal_ids[found.proposal], precisions
            )
            if key in replaceable:
                position = replaceable[key]
                for name, value in fields.items():
                    setattr(position, name, value)
                replaced.append(position)
            elif key not in known:
                fresh.append(Position(article=article, extraction_key=key, **fields))
                new += 1
        counts[article.id] = (new, len(gone))
    with transaction.atomic():
        for position in replaced:
            position.save()
        Position.objects.filter(id__in=[p.id for p in stale]).delete()
        # A conflict would mean two workers extracting one article at once, which the claim
        # rules out; the article would fail.
        bulk_insert(fresh)
        positions_changed(
            pairs={(p.actor_id, p.proposal_id) for p in [*replaced, *stale]},
            article_ids=[article.id for article, _ in batch],
            added_ids=[position.id for position in fresh],
        )
    return counts


def _fields(article, found, actor_id: int, proposal_id: int, precisions: dict[str, float]) -> dict:
    # People read the whole clause around the words the pipeline matched; the mentions that
    # fired inside it keep their own offsets.
    start, end = clause_bounds(
        article.text, found.start, found.end, found.sentence_start, found.sentence_end
    )
    return {
        "actor_id": actor_id,
        "proposal_id": proposal_id,
        "stance": found.stance,
        "evidence": article.text[start:end],
        "start": start,
        "end": end,
        "spans": [[s.start, s.end, s.kind, s.name, s.rule] for s in getattr(found, "spans", ())],
        "sentence": article.text[found.sentence_start : found.sentence_end],
        "stated_on": found.stated_on,
        "is_past": found.is_past,
        "timeline_date": found.stated_on or article.reference_date,
        # Without a publication date, "on Tuesday" was reckoned from the day it was ingested.
        "date_approximate": article.published is None
        and not any(rule.startswith("date:explicit:") for rule in found.rules),
        # Curators' decisions teach: a rule they keep rejecting lowers the confidence of what it finds.
        "confidence": round(
            float(found.confidence) * RuleStat.confidence_factor(found.rules, precisions), 3
        ),
        "rules": list(found.rules),
        "why": [[name, weight] for name, weight in getattr(found, "why", ())],
        "extractor_version": pipeline.EXTRACTOR_VERSION,
    }
