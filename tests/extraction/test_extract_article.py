"""Extraction of stored articles: the seed's positions, idempotence, curated data wins, failures."""

import gc
import weakref

import pytest

from tracker.extraction import extract, positions
from tracker.extraction.models import CatalogueState, ExtractionRun, Position
from tracker.ingestion.models import Article
from tracker.ingestion.seeds import load_seeds
from tracker.nlp import pipeline


@pytest.fixture
def seed_article(db):
    load_seeds()
    return Article.objects.get()


def pipeline_fails_on(monkeypatch, needle: str, error: Exception) -> None:
    """Make the pipeline raise ``error`` for texts containing ``needle`` (and work for the rest)."""
    real_extract = pipeline.extract

    def broken(text, **kwargs):
        if needle in text:
            raise error
        return real_extract(text, **kwargs)

    monkeypatch.setattr(pipeline, "extract", broken)


def triples(article):
    return set(article.positions.values_list("actor__name", "proposal__kind", "stance"))


def test_the_seed_yields_the_russian_foreign_ministry_opposing_ground_troops(seed_article):
    run = extract.extract_article(seed_article.id)
    assert run.status == ExtractionRun.Status.DONE
    seed_article.refresh_from_db()
    assert seed_article.state == Article.State.EXTRACTED
    found = triples(seed_article)
    assert ("Russian Foreign Ministry", "ground_troops", "oppose") in found
    assert ("European countries", "ground_troops", "support") in found
    assert ("White House", "security_guarantee", "support") in found
    position = seed_article.positions.get(actor__name="Russian Foreign Ministry")
    assert seed_article.text[position.start : position.end] == position.evidence
    assert position.rules, "a position records the rules that fired"
    assert position.extractor_version == pipeline.EXTRACTOR_VERSION


def test_re_extraction_is_idempotent(seed_article):
    extract.extract_article(seed_article.id)
    before = sorted(seed_article.positions.values_list("extraction_key", "evidence"))
    Article.objects.filter(id=seed_article.id).update(state=Article.State.INGESTED)
    extract.extract_article(seed_article.id)
    after = sorted(seed_article.positions.values_list("extraction_key", "evidence"))
    assert before == after
    assert ExtractionRun.objects.filter(article=seed_article).count() == 2


def test_an_article_already_claimed_is_not_extracted_twice(seed_article):
    assert extract.claim([seed_article.id])
    assert extract.extract_article(seed_article.id) is None


def test_curated_positions_survive_re_extraction(seed_article):
    extract.extract_article(seed_article.id)
    rejected = seed_article.positions.get(actor__name="Russian Foreign Ministry")
    rejected.review_status = Position.Review.REJECTED
    rejected.save()
    confirmed = seed_article.positions.get(actor__name="White House")
    confirmed.review_status = Position.Review.CONFIRMED
    confirmed.evidence = "edited by a curator"
    confirmed.save()
    Article.objects.filter(id=seed_article.id).update(state=Article.State.INGESTED)
    extract.extract_article(seed_article.id)
    rejected.refresh_from_db()
    confirmed.refresh_from_db()
    assert rejected.review_status == Position.Review.REJECTED
    assert confirmed.evidence == "edited by a curator"
    assert seed_article.positions.filter(actor__name="Russian Foreign Ministry").count() == 1


def test_an_extraction_that_raises_marks_the_article_failed_and_the_next_one_still_works(
    seed_article, monkeypatch
):
    other = Article.objects.create(
        title="Other",
        text="Peskov said the deployment of NATO troops was unacceptable.",
        language="en",
        content_hash="x" * 64,
    )
    pipeline_fails_on(monkeypatch, "Peskov", RuntimeError("lexicon table is corrupt"))
    extract.extract_article(other.id)
    other.refresh_from_db()
    assert other.state == Article.State.FAILED
    assert "RuntimeError: lexicon table is corrupt" in other.last_error
    assert ExtractionRun.objects.get(article=other).status == ExtractionRun.Status.FAILED
    extract.extract_article(seed_article.id)
    seed_article.refresh_from_db()
    assert seed_article.state == Article.State.EXTRACTED


# --- Batches -------------------------------------------------------------------------------

PESKOV = "Kremlin spokesman Dmitry Peskov said the deployment of NATO troops in Ukraine was unacceptable."
MACRON = "French President Emmanuel Macron said France was ready to send troops to Ukraine."
RUTTE = (
    "NATO Secretary General Mark Rutte said the alliance supports sending air defence to Ukraine."
)


@pytest.fixture
def three_articles(db):
    return [
        Article.objects.create(title=text[:20], text=text, language="en", content_hash=str(n) * 64)
        for n, text in enumerate([PESKOV, MACRON, RUTTE])
    ]


def states(articles):
    return [Article.objects.get(id=a.id).state for a in articles]


def test_a_batch_is_claimed_extracted_and_saved_together(three_articles):
    runs = extract.extract_batch([a.id for a in three_articles])
    assert set(runs) == {a.id for a in three_articles}
    assert states(three_articles) == ["extracted"] * 3
    assert {run.status for run in ExtractionRun.objects.all()} == {"done"}
    assert ExtractionRun.objects.count() == 3
    for article in three_articles:
        run = ExtractionRun.objects.get(article=article)
        assert run.positions_new == article.positions.count() > 0
    assert Article.objects.get(id=three_articles[0].id).attempts == 1


def test_a_poison_article_in_a_batch_fails_alone(three_articles, monkeypatch):
    pipeline_fails_on(monkeypatch, "Macron", RuntimeError("a bug this text trips"))
    extract.extract_batch([a.id for a in three_articles])
    assert states(three_articles) == ["extracted", "failed", "extracted"]
    assert (
        "RuntimeError: a bug this text trips"
        in Article.objects.get(id=three_articles[1].id).last_error
    )


def test_an_article_that_breaks_the_batch_save_fails_alone(three_articles, monkeypatch):
    real_fields = positions._fields

    def broken(article, *args, **kwargs):
        if article.id == three_articles[2].id:
            raise ValueError("cannot save this one")
        return real_fields(article, *args, **kwargs)

    monkeypatch.setattr(positions, "_fields", broken)
    extract.extract_batch([a.id for a in three_articles])
    assert states(three_articles) == ["extracted", "extracted", "failed"]
    assert three_articles[0].positions.exists() and not three_articles[2].positions.exists()
    failed = ExtractionRun.objects.get(article=three_articles[2])
    assert (failed.status, failed.error) == ("failed", "ValueError: cannot save this one")


def test_a_database_error_gives_the_whole_batch_back_for_the_retry(three_articles, monkeypatch):
    from django.db import OperationalError

    def down(*args, **kwargs):
        raise OperationalError("the server closed the connection")

    monkeypatch.setattr(extract, "_save", down)
    with pytest.raises(OperationalError):
        extract.extract_batch([a.id for a in three_articles])
    assert states(three_articles) == ["ingested"] * 3
    assert not ExtractionRun.objects.exists()
    monkeypatch.undo()
    extract.extract_batch([a.id for a in three_articles])
    assert states(three_articles) == ["extracted"] * 3


def test_running_out_of_time_fails_the_article_in_hand_and_queues_the_rest_again(
    three_articles, monkeypatch
):
    from celery.exceptions import SoftTimeLimitExceeded

    from tracker.extraction import tasks

    pipeline_fails_on(monkeypatch, "Macron", SoftTimeLimitExceeded())
    queued = []
    monkeypatch.setattr(tasks.extract_articles, "delay", queued.append)
    done = tasks.extract_articles([a.id for a in three_articles])
    assert done == 1
    assert states(three_articles) == ["ingested", "failed", "ingested"]
    assert queued == [[three_articles[0].id], [three_articles[2].id]]
    assert ExtractionRun.objects.get().status == "failed"


def test_the_sweep_gives_up_an_article_that_keeps_stopping_its_worker(
    three_articles, monkeypatch, settings
):
    import datetime as dt

    from django.utils import timezone

    from tracker.extraction import tasks

    queued = []
    monkeypatch.setattr(tasks, "queue_extraction", queued.extend)
    poison, unlucky, _ = three_articles
    long_ago = timezone.now() - dt.timedelta(hours=1)
    Article.objects.filter(id=poison.id).update(
        state="extracting", attempts=settings.EXTRACTION_MAX_ATTEMPTS, state_changed_at=long_ago
    )
    ExtractionRun.objects.create(article=poison)
    Article.objects.filter(id=unlucky.id).update(
        state="extracting", attempts=1, state_changed_at=long_ago
    )
    assert tasks.sweep_stuck_articles() == 1
    assert queued == [unlucky.id]
    poison.refresh_from_db()
    assert poison.state == "failed" and poison.last_error.startswith("Given up after 3 attempts")
    assert ExtractionRun.objects.get(article=poison).status == "abandoned"
    # Retry in admin starts the count again.
    assert tasks.requeue(Article.objects.filter(id=poison.id)) == 1
    poison.refresh_from_db()
    assert (poison.state, poison.attempts, poison.last_error) == ("ingested", 0, "")


def test_the_extract_command_runs_batches_in_this_process(three_articles, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.EXTRACTION_BATCH_SIZE = 2
    Article.objects.filter(id=three_articles[0].id).update(state="failed")
    out = StringIO()
    call_command("extract", "--all", stdout=out)
    assert states(three_articles) == ["extracted"] * 3
    assert out.getvalue().splitlines()[-1] == "Extracted 3 article(s)."
    assert f"article {three_articles[0].id}: done" in out.getvalue()


def test_the_compiled_resources_are_frozen_out_of_the_collector_and_a_rebuild_lets_them_go(db):
    kept = weakref.ref(extract.current_resources())
    assert gc.get_freeze_count() > 0  # full collections no longer walk the matchers
    assert extract.current_resources() is kept()  # same catalogue version: the same matchers
    CatalogueState.bump()
    fresh = extract.current_resources()
    assert fresh is not None and kept() is None  # handed back to the collector, and collected
