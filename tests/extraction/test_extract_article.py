"""Extraction of stored articles: the seed's positions, idempotence, curated data wins, failures."""

import pytest

from tracker.extraction import extract, pipeline
from tracker.extraction.models import ExtractionRun, Position
from tracker.ingestion.models import Article
from tracker.ingestion.seeds import load_seeds


@pytest.fixture
def seed_article(db):
    load_seeds()
    return Article.objects.get()


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
    real_extract = pipeline.extract

    def broken(text, **kwargs):
        if "Peskov" in text:
            raise RuntimeError("lexicon table is corrupt")
        return real_extract(text, **kwargs)

    monkeypatch.setattr(pipeline, "extract", broken)
    extract.extract_article(other.id)
    other.refresh_from_db()
    assert other.state == Article.State.FAILED
    assert "RuntimeError: lexicon table is corrupt" in other.last_error
    assert ExtractionRun.objects.get(article=other).status == ExtractionRun.Status.FAILED
    extract.extract_article(seed_article.id)
    seed_article.refresh_from_db()
    assert seed_article.state == Article.State.EXTRACTED
