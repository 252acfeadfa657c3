"""What the pipeline matched is saved: each position's spans, the article's mentions, and the
evidence as a whole clause around them."""

import datetime as dt

import pytest

from tracker.extraction import extract
from tracker.extraction.clauses import clause_bounds
from tracker.extraction.models import ExtractionRun
from tracker.ingestion.models import Article
from tracker.ingestion.seeds import load_seeds
from tracker.nlp import pipeline
from tracker.nlp.resources import default_resources

BRACKETS = {"(": ")", "«": "»", "[": "]"}


def test_a_rule_position_carries_the_mentions_it_was_built_from():
    text = "Министр обороны Великобритании поддержал поставки ПВО Украине."
    result = pipeline.extract(
        text, language="ru", published=dt.date(2025, 8, 20), resources=default_resources()
    )
    position = next(p for p in result.positions if p.actor == "United Kingdom")
    found = {(s.kind, text[s.start : s.end], s.name) for s in position.spans}
    assert found >= {
        ("actor", "Великобритании", "United Kingdom"),
        ("proposal", "ПВО", "air_defense"),
        ("cue", "поддержал", "support"),
    }
    for span in position.spans:
        assert position.sentence_start <= span.start < span.end <= position.sentence_end


def test_negation_is_kept_as_a_span_of_its_own():
    text = "Russia does not support sending ground troops to Ukraine."
    result = pipeline.extract(
        text, language="en", published=dt.date(2025, 8, 20), resources=default_resources()
    )
    kinds = {(s.kind, text[s.start : s.end]) for p in result.positions for s in p.spans}
    assert ("negation", "not") in kinds or ("negation", "does not") in kinds


@pytest.fixture
def seed_article(db):
    load_seeds()
    article = Article.objects.get()
    extract.extract_article(article.id)
    article.refresh_from_db()
    return article


def test_saved_evidence_is_a_balanced_clause_holding_every_span(seed_article):
    text = seed_article.text
    positions = list(seed_article.positions.all())
    assert positions
    for position in positions:
        evidence = position.evidence
        assert evidence == text[position.start : position.end]
        assert not evidence[0].isspace() and evidence[0] not in ")»]،,"
        assert not (position.start > 0 and text[position.start - 1].isalnum())
        for opener, closer in BRACKETS.items():
            assert evidence.count(opener) == evidence.count(closer), evidence
        assert position.spans, f"{position} has no spans"
        for start, end, kind, _name, rule in position.spans:
            assert position.start <= start < end <= position.end, (kind, rule)


def test_evidence_keeps_a_parenthesis_whole(seed_article):
    # The seed names the Pentagon as "وزارة الدفاع (البنتاغون)"; the rules' position there matches
    # from inside the parenthesis, and the clause saved around it must not cut the parenthesis.
    text = seed_article.text
    result = pipeline.extract(
        text,
        language="ar",
        published=dt.date(2025, 8, 20),
        resources=default_resources(),
        model=None,
    )
    pentagon = [
        p for p in result.positions if "البنتاغون" in text[p.sentence_start : p.sentence_end]
    ]
    assert pentagon
    for p in pentagon:
        start, end = clause_bounds(text, p.start, p.end, p.sentence_start, p.sentence_end)
        assert "(البنتاغون)" in text[start:end]


def test_the_run_keeps_every_mention_and_only_the_newest_run_does(seed_article):
    run = seed_article.extraction_runs.get()
    assert run.mentions
    kinds = {kind for _, _, kind, _, _ in run.mentions}
    assert kinds == {"actor", "proposal"}
    for start, end, _kind, _name, rule in run.mentions:
        assert rule.split(":")[0] in ("alias", "proposal")
        assert seed_article.text[start:end].strip() == seed_article.text[start:end]
    Article.objects.filter(id=seed_article.id).update(state=Article.State.INGESTED)
    extract.extract_article(seed_article.id)
    newest, older = seed_article.extraction_runs.order_by("-started_at")
    assert newest.mentions == run.mentions and older.mentions is None
    assert ExtractionRun.objects.filter(mentions__isnull=False).count() == 1
