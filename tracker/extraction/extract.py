"""Running the pure pipeline on a stored article and saving what it found.

Curated data wins: a position that a curator confirmed, rejected or edited is
never changed, duplicated or brought back by a later extraction.
"""

from __future__ import annotations

import logging
import threading
import traceback

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tracker.extraction import pipeline
from tracker.extraction.models import (
    Actor,
    ActorAlias,
    CatalogueState,
    ExtractionRun,
    LexiconEntry,
    Position,
    Proposal,
)
from tracker.ingestion.models import Article

logger = logging.getLogger(__name__)

_cache_lock = threading.Lock()
_cache: dict[str, object] = {"version": None, "resources": None}


def current_resources():
    """Compiled matchers for the catalogue and lexicons in the database, rebuilt when they change."""
    version = CatalogueState.current().version
    with _cache_lock:
        if _cache["version"] != version:
            _cache["resources"] = resources_from_db()
            _cache["version"] = version
        return _cache["resources"]


def resources_from_db():
    from tracker.extraction.resources import ActorRecord, LexiconRecord, Resources

    parents = dict(Actor.objects.values_list("id", "name"))
    aliases: dict[int, list[tuple[str, str, str]]] = {}
    for actor_id, text, language, strength in ActorAlias.objects.values_list(
        "actor_id", "text", "language", "strength"
    ):
        aliases.setdefault(actor_id, []).append((text, language, strength))
    actors = [
        ActorRecord(
            name=name,
            kind=kind,
            parent=parents.get(parent_id),
            aliases=[(name, "", "strong"), *aliases.get(actor_id, [])],
            country=country or None,
        )
        for actor_id, name, kind, parent_id, country in Actor.objects.values_list(
            "id", "name", "kind", "parent_id", "country"
        )
    ]
    lexicon = [
        LexiconRecord(
            language=language,
            category=category,
            proposal_kind=kind or None,
            text=text,
            weight=weight,
        )
        for language, category, kind, text, weight in LexiconEntry.objects.filter(
            active=True
        ).values_list("language", "category", "proposal_kind", "text", "weight")
    ]
    return Resources.from_records(actors, lexicon)


def claim(article_id: int, *, count_attempt: bool = False) -> bool:
    """Move the article from ingested to extracting; False if another worker has it or it is done.

    With ``count_attempt`` the same statement counts the extraction attempt.
    """
    changes = {"state": Article.State.EXTRACTING, "state_changed_at": timezone.now()}
    if count_attempt:
        changes["attempts"] = F("attempts") + 1
    return bool(
        Article.objects.filter(id=article_id, state=Article.State.INGESTED).update(**changes)
    )


def release(article_id: int) -> None:
    """Give a claimed article back (a transient failure); the retry or the sweep takes it again."""
    Article.objects.filter(id=article_id, state=Article.State.EXTRACTING).update(
        state=Article.State.INGESTED, state_changed_at=timezone.now()
    )


def extract_article(article_id: int) -> ExtractionRun | None:
    """Extract positions from one article. Idempotent; returns None when there was nothing to do."""
    # Claimed and recorded in one transaction: one commit instead of three.
    with transaction.atomic():
        if not claim(article_id, count_attempt=True):
            return None
        article = Article.objects.get(id=article_id)
        run = ExtractionRun.objects.create(
            article=article, extractor_version=pipeline.EXTRACTOR_VERSION
        )
    try:
        result = pipeline.extract(
            article.text,
            language=None if article.language == "unknown" else article.language,
            published=article.reference_date,
            resources=current_resources(),
        )
        with transaction.atomic():
            counts = save_positions(article, result)
            if article.language == "unknown" and result.language != "unknown":
                article.language = result.language
            article.state = Article.State.EXTRACTED
            article.state_changed_at = timezone.now()
            article.last_error = ""
            article.extractor_version = result.extractor_version
            article.save(
                update_fields=[
                    "language",
                    "state",
                    "state_changed_at",
                    "last_error",
                    "extractor_version",
                ]
            )
            run.status = ExtractionRun.Status.DONE
            run.finished_at = timezone.now()
            run.positions_found = len(result.positions)
            run.positions_new = counts["new"]
            run.positions_removed = counts["removed"]
            run.save()
    except Exception as exc:
        if is_transient(exc):
            release(article_id)
            run.delete()
            raise
        logger.exception("Extraction of article %s failed", article_id)
        mark_failed(article_id, run, exc)
    return run


def is_transient(exc: BaseException) -> bool:
    from django.db import InterfaceError, OperationalError

    return isinstance(exc, OperationalError | InterfaceError)


def mark_failed(article_id: int, run: ExtractionRun, exc: BaseException) -> None:
    message = f"{type(exc).__name__}: {exc}"
    detail = "".join(traceback.format_exception(exc)[-3:])
    Article.objects.filter(id=article_id).update(
        state=Article.State.FAILED,
        state_changed_at=timezone.now(),
        last_error=f"{message}\n\n{detail}"[:5000],
    )
    run.status = ExtractionRun.Status.FAILED
    run.error = message[:2000]
    run.finished_at = timezone.now()
    run.save()


def save_positions(article: Article, result) -> dict[str, int]:
    """Replace the article's unreviewed extracted positions with ``result``; leave curated ones alone."""
    names = {p.actor for p in result.positions}
    actor_ids = dict(Actor.objects.filter(name__in=names).values_list("name", "id"))
    proposal_ids = dict(Proposal.objects.values_list("kind", "id"))
    wanted: dict[str, object] = {}
    for found in result.positions:
        if found.actor not in actor_ids or found.proposal not in proposal_ids:
            continue
        key = Position.key_for(actor_ids[found.actor], found.proposal, found.stance)
        best = wanted.get(key)
        if best is None or found.confidence > best.confidence:
            wanted[key] = found
    precisions = _curated_precisions(wanted.values())
    existing = {p.extraction_key: p for p in article.positions.exclude(extraction_key=None)}
    # Unreviewed machine positions are the machine's to replace; everything else stays.
    replaceable = {
        key: p
        for key, p in existing.items()
        if p.origin == Position.Origin.EXTRACTED and p.review_status == Position.Review.UNREVIEWED
    }
    stale = [p.id for key, p in replaceable.items() if key not in wanted]
    Position.objects.filter(id__in=stale).delete()
    fresh = []
    for key, found in wanted.items():
        fields = _position_fields(
            article, found, actor_ids[found.actor], proposal_ids[found.proposal], precisions
        )
        if key in replaceable:
            position = replaceable[key]
            for name, value in fields.items():
                setattr(position, name, value)
            position.save()
        elif key not in existing:
            fresh.append(Position(article=article, extraction_key=key, **fields))
    Position.objects.bulk_create(fresh, ignore_conflicts=True)
    return {"new": len(fresh), "removed": len(stale)}


def _position_fields(
    article: Article,
    found,
    actor_id: int,
    proposal_id: int,
    precisions: dict[str, float] | None = None,
) -> dict:
    return {
        "actor_id": actor_id,
        "proposal_id": proposal_id,
        "stance": found.stance,
        "evidence": found.evidence,
        "start": found.start,
        "end": found.end,
        "sentence": article.text[found.sentence_start : found.sentence_end],
        "stated_on": found.stated_on,
        "is_past": found.is_past,
        "timeline_date": found.stated_on or article.reference_date,
        # Curators' decisions teach: a rule they keep rejecting lowers the confidence of what it finds.
        "confidence": round(
            float(found.confidence) * _curated_precision(found.rules, precisions), 3
        ),
        "rules": list(found.rules),
        "extractor_version": pipeline.EXTRACTOR_VERSION,
    }


def _curated_precision(rules, precisions: dict[str, float] | None = None) -> float:
    from tracker.curation.learning import confidence_factor

    return confidence_factor(rules, precisions)


def _curated_precisions(found_positions) -> dict[str, float]:
    """The curated precision of every rule behind these positions, in one query for the article."""
    from tracker.curation.learning import precisions_for

    return precisions_for(rule for found in found_positions for rule in found.rules)
