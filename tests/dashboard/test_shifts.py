"""Stance shifts: derived from consecutive positions, kept in step with edits, shown as a page and a feed."""

import datetime as dt
import random

import pytest

from tests.conftest import make_article, make_position
from tracker.extraction import positions, stances
from tracker.extraction.models import Actor, ActorStance, Position, Proposal, StanceShift


def test_a_change_of_stance_is_a_shift_and_a_repeat_is_not(world):
    assert list(StanceShift.objects.values_list("from_stance", "to_stance")) == [
        ("oppose", "considering")
    ]
    article = make_article(
        title="Again",
        text="The Kremlin is still considering air support.",
        published=dt.date(2025, 8, 25),
    )
    make_position(article, "Kremlin", "air_support", "considering", "still considering air support")
    assert StanceShift.objects.count() == 1


def test_deleting_or_rejecting_a_position_removes_its_shift(world):
    world["considering"].review_status = "rejected"
    positions.save(world["considering"])
    assert not StanceShift.objects.exists()
    assert (
        ActorStance.objects.get(
            actor=world["opposed"].actor, proposal=world["opposed"].proposal
        ).stance
        == "oppose"
    )
    positions.delete(Position.objects.filter(pk=world["opposed"].pk))
    assert not ActorStance.objects.filter(actor=world["opposed"].actor).exists()


def test_rebuild_all_matches_the_incremental_tables(world):
    before = set(
        ActorStance.objects.values_list("actor_id", "proposal_id", "position_id", "stance")
    )
    shifts = set(StanceShift.objects.values_list("before_id", "after_id"))
    stances.rebuild_all()
    assert (
        set(ActorStance.objects.values_list("actor_id", "proposal_id", "position_id", "stance"))
        == before
    )
    assert set(StanceShift.objects.values_list("before_id", "after_id")) == shifts


def bulk_positions(actor, proposal, dated_stances):
    """What extraction does: an article per (date, stance), its position bulk-created."""
    articles, added = [], []
    for day, stance in dated_stances:
        article = make_article(
            title=f"Bulk {day} {stance}", text=f"{actor} {stance}s it.", published=day
        )
        created = Position.objects.bulk_create(
            [
                Position(
                    article=article,
                    actor=actor,
                    proposal=proposal,
                    stance=stance,
                    evidence=f"{stance}s it",
                    start=0,
                    end=5,
                    timeline_date=day,
                    extraction_key="x",
                )
            ]
        )
        articles.append(article.id)
        added.extend(p.id for p in created)
    return articles, added


def derived():
    return (
        set(
            ActorStance.objects.values_list(
                "actor_id", "proposal_id", "position_id", "stance", "positions_count"
            )
        ),
        set(StanceShift.objects.values_list("before_id", "after_id", "from_stance", "to_stance")),
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_batch_refreshes_walk_only_the_days_they_touch_and_agree_with_a_rebuild(world, seed):
    """Batches of articles, several statements each, on a few crowded days (so days turn
    unsettled and settled again, before, after and between the days already there): after
    every batch the incremental refresh equals a rebuild from scratch."""
    rng = random.Random(seed)
    actors = list(Actor.objects.filter(name__in=["Kremlin", "Donald Trump"]))
    proposals = list(Proposal.objects.filter(kind__in=["air_support", "air_defense"]))
    first = dt.date(2025, 5, 1)
    for batch in range(8):
        articles, added = [], []
        for number in range(rng.randint(1, 4)):
            day = first + dt.timedelta(days=rng.randrange(10))
            article = make_article(
                title=f"Batch {batch}.{number}", text=f"Batch {batch}.{number}.", published=day
            )
            created = Position.objects.bulk_create(
                Position(
                    article=article,
                    actor=rng.choice(actors),
                    proposal=rng.choice(proposals),
                    stance=rng.choice(["support", "oppose", "considering"]),
                    review_status=rng.choice(["unreviewed"] * 5 + ["rejected"]),
                    evidence="it",
                    start=0,
                    end=2,
                    timeline_date=day,
                    extraction_key=f"{batch}.{number}.{k}",
                )
                for k in range(rng.randint(1, 3))
            )
            articles.append(article.id)
            added.extend(p.id for p in created)
        positions.positions_changed(article_ids=articles, added_ids=added)
        incremental = derived()
        stances.rebuild_all()
        assert derived() == incremental, f"batch {batch}"
    assert StanceShift.objects.exists()


def test_a_batch_of_bulk_created_positions_is_picked_up_when_extraction_says_so(world):
    trump, proposal = world["trump"].actor, world["mfa"].proposal
    articles, added = bulk_positions(
        trump, proposal, [(dt.date(2025, 9, 3), "oppose"), (dt.date(2025, 9, 20), "support")]
    )
    assert not ActorStance.objects.filter(actor=trump, proposal=proposal).exists()
    positions.positions_changed(article_ids=articles, added_ids=added)
    latest = ActorStance.objects.get(actor=trump, proposal=proposal)
    assert (latest.stance, latest.positions_count) == ("support", 2)
    assert StanceShift.objects.filter(
        actor=trump, proposal=proposal, from_stance="oppose", to_stance="support"
    ).exists()
    # A later batch into a pair that already has a stance row (the ministry's, from the world fixture)
    # and into this one, with one position dated between two older ones: counts are added, not
    # recounted, and shifts are re-threaded around the newcomer.
    ministry = world["mfa"].actor
    articles, added = bulk_positions(
        ministry,
        proposal,
        [(dt.date(2025, 8, 1), "considering"), (dt.date(2025, 10, 1), "support")],
    )
    more, more_added = bulk_positions(trump, proposal, [(dt.date(2025, 9, 10), "considering")])
    before = ActorStance.objects.get(actor=ministry, proposal=proposal).positions_count
    positions.positions_changed(article_ids=articles + more, added_ids=added + more_added)
    assert ActorStance.objects.get(actor=ministry, proposal=proposal).positions_count == before + 2
    assert ActorStance.objects.get(actor=trump, proposal=proposal).positions_count == 3
    # The incremental refresh gives exactly what rebuilding everything from scratch gives.
    incremental = derived()
    stances.rebuild_all()
    assert derived() == incremental


def test_shifts_page_and_feed(analyst_client, world):
    html = analyst_client.get("/shifts/").content.decode()
    assert "<title>Shifts · Tracker</title>" in html and "Kremlin" in html and "→" in html
    assert (
        "No shifts match" in analyst_client.get("/shifts/?proposal=ground_troops").content.decode()
    )
    feed = analyst_client.get("/feeds/shifts/")
    assert feed["Content-Type"].startswith("application/atom+xml")
    text = feed.content.decode()
    assert "<feed" in text and "Kremlin: oppose → considering on air support, 19 Aug 2025" in text
    assert analyst_client.get("/shifts/?actor=999999").status_code == 400
    assert analyst_client.get("/feeds/shifts/?date_from=bad").status_code == 400


def test_positions_feed_follows_the_filters(analyst_client, world):
    text = analyst_client.get("/feeds/positions/?proposal=air_defense").content.decode()
    assert "Donald Trump supports air defence" in text and "Kremlin" not in text
    assert analyst_client.get("/feeds/positions/?actor=999999").status_code == 400
