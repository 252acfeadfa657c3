"""Running the pure pipeline on stored articles and saving what it found.

Articles are extracted in batches: one transaction claims a batch, the pipeline
runs on each article (a failure costs that article only), and one transaction
saves every state and run record of the batch, and its positions through
``tracker.extraction.positions``. A batch of one is the same path.

Curated data wins: a position that a curator confirmed, rejected or edited is
never changed, duplicated or brought back by a later extraction.
"""

from __future__ import annotations

import gc
import logging
import threading
import traceback
from collections.abc import Iterable

from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from tracker.core.db import drop_broken_connections
from tracker.extraction import positions
from tracker.extraction.models import (
    Actor,
    ActorAlias,
    CatalogueState,
    ExtractionRun,
    LexiconEntry,
)
from tracker.ingestion.models import Article
from tracker.nlp import pipeline
from tracker.nlp.resources import ActorRecord, LexiconRecord, Resources

logger = logging.getLogger(__name__)

_cache_lock = threading.Lock()
_cache: dict[str, object] = {"version": None, "resources": None}


class Interrupted(Exception):
    """The batch ran out of time: ``released`` articles were given back untouched, to queue again."""

    def __init__(self, released: list[int]):
        super().__init__(f"{len(released)} article(s) given back")
        self.released = released


def current_resources():
    """Compiled matchers for the catalogue and lexicons in the database, rebuilt when they change.

    The matchers are a few hundred thousand objects that live as long as the worker. Once built
    they are moved out of the cyclic garbage collector's sight (``gc.freeze``): otherwise every
    full collection walks them all again, which cost a fifth of a batch's save. Before a rebuild
    they are handed back, so the old ones are collected.
    """
    version = CatalogueState.current().version
    with _cache_lock:
        if _cache["version"] != version:
            gc.unfreeze()
            _cache["resources"] = None
            _cache["resources"] = resources_from_db()
            _cache["version"] = version
            gc.collect()
            gc.freeze()
        return _cache["resources"]


def resources_from_db():
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


def claim(article_ids: Iterable[int]) -> list[tuple[Article, ExtractionRun]]:
    """Claim the waiting articles among ``article_ids`` (``ArticleQuerySet.claim``) and open a run
    record for each, in one transaction. Articles that another worker holds, or that are not
    waiting, are left alone (skipped, not waited for)."""
    with transaction.atomic():
        articles = (
            Article.objects.filter(id__in=sorted(set(article_ids)))
            .only("id", "text", "language", "published", "fetched_at")
            .claim()
        )
        if not articles:
            return []
        runs = ExtractionRun.objects.bulk_create(
            [
                ExtractionRun(article=article, extractor_version=pipeline.EXTRACTOR_VERSION)
                for article in articles
            ]
        )
    return list(zip(articles, runs, strict=True))


def extract_batch(article_ids: Iterable[int]) -> dict[int, ExtractionRun]:
    """Extract a batch of articles; returns the run of each article this call claimed.

    Idempotent: an article that is not waiting is skipped. A database error gives the whole
    batch back and is raised (the task retries). A failure of one article's pipeline or save
    marks that article failed and never costs the others. Running out of time marks the
    article in hand failed and raises ``Interrupted`` with the ones given back.
    """
    claimed = claim(article_ids)
    if not claimed:
        return {}
    finished: set[int] = set()
    try:
        resources = current_resources()
        results = {}
        for article, run in claimed:
            try:
                results[article.id] = pipeline.extract(
                    article.text,
                    language=None if article.language == "unknown" else article.language,
                    published=article.reference_date,
                    resources=resources,
                )
            except SoftTimeLimitExceeded as exc:
                mark_failed(article.id, run, exc)
                finished.add(article.id)
                raise
            except Exception as exc:
                logger.exception("Extraction of article %s failed", article.id)
                mark_failed(article.id, run, exc)
                finished.add(article.id)
        ready = [(article, run) for article, run in claimed if article.id in results]
        _save_or_fail(ready, results, finished)
    except Exception as exc:
        unfinished = [article.id for article, _ in claimed if article.id not in finished]
        if not (is_transient(exc) or isinstance(exc, SoftTimeLimitExceeded)):
            # Not the database, not the clock: a bug. The articles fail, visibly, and the worker goes on.
            logger.exception("Extraction of articles %s failed", unfinished)
            for article, run in claimed:
                if article.id in unfinished:
                    mark_failed(article.id, run, exc)
            return {article.id: run for article, run in claimed}
        # Give back what is not finished, without the run records of attempts that never were;
        # on a fresh connection if the database dropped this one (else they stay held until the
        # sweep, and the task's retry finds nothing to claim).
        drop_broken_connections()
        Article.objects.filter(id__in=unfinished).release()
        ExtractionRun.objects.filter(
            id__in=[run.id for article, run in claimed if article.id in unfinished],
            status=ExtractionRun.Status.RUNNING,
        ).delete()
        if isinstance(exc, SoftTimeLimitExceeded):
            raise Interrupted(unfinished) from exc
        raise
    return {article.id: run for article, run in claimed}


def _save_or_fail(
    batch: list[tuple[Article, ExtractionRun]], results: dict, finished: set[int]
) -> None:
    """Save a batch; if something in one article breaks the save, save them one at a time, so
    that only that article fails. Database errors and the time limit are raised."""
    try:
        _save(batch, results)
    except Exception as exc:
        if is_transient(exc) or isinstance(exc, SoftTimeLimitExceeded):
            raise
        if len(batch) > 1:
            for one in batch:
                _save_or_fail([one], results, finished)
            return
        article, run = batch[0]
        logger.exception("Saving the extraction of article %s failed", article.id)
        mark_failed(article.id, run, exc)
        finished.add(article.id)
        return
    finished.update(article.id for article, _ in batch)


def extract_article(article_id: int) -> ExtractionRun | None:
    """Extract one article (a batch of one); None when it was not waiting."""
    return extract_batch([article_id]).get(article_id)


def is_transient(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError | InterfaceError)


def mark_failed(article_id: int, run: ExtractionRun, exc: BaseException) -> None:
    message = f"{type(exc).__name__}: {exc}"
    detail = "".join(traceback.format_exception(exc)[-3:])
    Article.objects.filter(id=article_id).fail(f"{message}\n\n{detail}")
    run.fail(message)


def _save(batch: list[tuple[Article, ExtractionRun]], results: dict) -> None:
    """Save the positions, states and runs of a batch in one transaction."""
    if not batch:
        return
    with transaction.atomic():
        counts = positions.replace_extracted(
            [(article, results[article.id]) for article, _ in batch]
        )
        now = timezone.now()
        ids = [article.id for article, _ in batch]
        Article.objects.filter(id__in=ids).extracted(pipeline.EXTRACTOR_VERSION)
        for article, _ in batch:
            article.take_detected_language(results[article.id].language)
        ExtractionRun.objects.replace_with_done(
            [
                run.done(
                    now,
                    found=len(results[article.id].positions),
                    counts=counts[article.id],
                    mentions=stored_mentions(results[article.id]),
                )
                for article, run in batch
            ]
        )


def stored_mentions(result) -> list[list]:
    """An extraction's actor and proposal mentions as stored on its run: [start, end, kind, name,
    rule] each, in text order."""
    mentions = [[m.start, m.end, "actor", m.actor, m.rule] for m in result.mentions]
    mentions += [[m.start, m.end, "proposal", m.kind, m.rule] for m in result.proposal_mentions]
    return sorted(mentions)
