"""Re-extraction after a lexicon change or an extractor upgrade leaves curated positions alone."""

import pytest

from tracker.curation import jobs, review
from tracker.extraction import extract
from tracker.extraction.models import Actor, LexiconEntry, Position
from tracker.ingestion.models import Article
from tracker.ingestion.seeds import load_seeds
from tracker.nlp import pipeline


@pytest.fixture
def seed(db):
    load_seeds()
    article = Article.objects.get()
    extract.extract_article(article.id)
    return article


def rerun(article) -> None:
    job = jobs.create_job(article_ids=[article.id])
    for item_id in job.items.values_list("id", flat=True):
        jobs.run_item(item_id)
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == ("done", 1, 1)


def test_confirmed_rejected_and_edited_positions_survive_a_lexicon_change_and_an_upgrade(
    seed, curator, monkeypatch
):
    positions = list(seed.positions.order_by("id"))
    assert len(positions) >= 3
    confirmed, rejected, edited = positions[:3]
    review.confirm(confirmed.pk, version=confirmed.version, user=curator)
    review.reject(rejected.pk, version=rejected.version, user=curator)
    other_stance = "considering" if edited.stance != "considering" else "support"
    review.edit(
        edited.pk,
        version=edited.version,
        user=curator,
        actor=edited.actor,
        proposal=edited.proposal,
        stance=other_stance,
        stated_on=None,
    )
    before = {
        p.pk: (p.review_status, p.stance, p.evidence, p.extraction_key, p.version)
        for p in Position.objects.filter(pk__in=[confirmed.pk, rejected.pk, edited.pk])
    }

    # A lexicon change made by a curator, then an extractor upgrade.
    LexiconEntry.objects.create(
        language="en", category="support", text="curator test cue: stands behind", weight=1.0
    )
    rerun(seed)
    monkeypatch.setattr(pipeline, "EXTRACTOR_VERSION", "2099.1")
    rerun(seed)

    after = {
        p.pk: (p.review_status, p.stance, p.evidence, p.extraction_key, p.version)
        for p in Position.objects.filter(pk__in=[confirmed.pk, rejected.pk, edited.pk])
    }
    assert after == before
    keys = list(seed.positions.values_list("extraction_key", flat=True))
    assert len(keys) == len(set(keys)), "no position was duplicated"
    for kept in (confirmed, rejected, edited):
        assert seed.positions.filter(extraction_key=kept.extraction_key).count() == 1
    # The rejected one is still rejected (not resurrected as a fresh unreviewed row).
    triple = (rejected.actor_id, rejected.proposal_id, rejected.stance)
    assert not seed.positions.filter(
        actor_id=triple[0], proposal_id=triple[1], stance=triple[2], review_status="unreviewed"
    ).exists()
    # The edit's stance is not brought back by the machine under the original key.
    assert not seed.positions.filter(
        actor=edited.actor,
        proposal=edited.proposal,
        stance=edited.stance,
        review_status="unreviewed",
    ).exists()
    assert Position.objects.get(pk=edited.pk).original["stance"] == edited.stance


def test_unreviewed_machine_positions_are_still_refreshed_by_an_upgrade(seed, monkeypatch):
    monkeypatch.setattr(pipeline, "EXTRACTOR_VERSION", "2099.1")
    rerun(seed)
    versions = set(
        seed.positions.filter(review_status="unreviewed").values_list(
            "extractor_version", flat=True
        )
    )
    assert versions == {"2099.1"}


def test_a_merged_actors_curated_position_is_not_duplicated_by_re_extraction(seed, curator):
    from tracker.curation.merge import merge_actors

    position = seed.positions.select_related("actor", "proposal").first()
    holder = position.actor
    review.confirm(position.pk, version=position.version, user=curator)
    # A duplicate actor holds the confirmed position; a curator merges it into the real one.
    twin = Actor.objects.create(name=f"Twin of {holder.name}", kind=holder.kind)
    position.refresh_from_db()
    position.actor = twin
    position.extraction_key = Position.key_for(twin.id, position.proposal.kind, position.stance)
    position.save()
    merge_actors(absorbed=twin, survivor=holder, user=curator)
    rerun(seed)
    same = seed.positions.filter(actor=holder, proposal=position.proposal, stance=position.stance)
    assert same.count() == 1
    assert same.get().review_status == "confirmed"
