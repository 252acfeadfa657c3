"""A shift joins two days, not two sentences: the rules that keep a misreading off the shifts page."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from tests.conftest import make_article, make_position
from tracker.extraction import positions, stances
from tracker.extraction.models import StanceShift

DAY = dt.date(2025, 3, 3)


def _article(day, n=0):
    return make_article(
        title=f"On {day} #{n}",
        published=day,
        text=f"Trump said there will be air support ({day} #{n}).",
    )


def _say(article, stance, **fields):
    return make_position(
        article,
        "Donald Trump",
        "air_support",
        stance,
        "there will be air support",
        extraction_key=f"{stance}-{fields.pop('key', '')}",
        **fields,
    )


def shifts():
    return list(
        StanceShift.objects.filter(actor__name="Donald Trump").values_list(
            "from_stance", "to_stance"
        )
    )


@pytest.fixture
def rebuilt_agrees():
    """After each test, rebuilding from scratch gives what the per-save refreshes gave."""
    yield
    before = set(StanceShift.objects.values_list("before_id", "after_id"))
    stances.rebuild_all()
    assert set(StanceShift.objects.values_list("before_id", "after_id")) == before


def test_support_oppose_support_in_one_article_is_not_a_shift(world, rebuilt_agrees):
    article = _article(DAY)
    for n, stance in enumerate(["support", "oppose", "support"]):
        _say(article, stance, key=n)
    assert shifts() == []


def test_two_days_with_different_stances_make_a_shift(world, rebuilt_agrees):
    _say(_article(DAY), "support")
    _say(_article(DAY + dt.timedelta(days=1)), "oppose")
    assert shifts() == [("support", "oppose")]


def test_an_earlier_day_contradicted_by_a_same_day_statement_is_not_the_start_of_a_shift(
    world, rebuilt_agrees
):
    _say(_article(DAY, 1), "support")
    _say(_article(DAY, 2), "oppose")  # another outlet, the same day, the other way
    _say(_article(DAY + dt.timedelta(days=1)), "oppose")
    assert shifts() == []


def test_a_contradicted_day_in_between_is_skipped_not_a_barrier(world, rebuilt_agrees):
    _say(_article(DAY), "support")
    middle = _article(DAY + dt.timedelta(days=1))
    _say(middle, "support", key=1)
    _say(middle, "oppose", key=2)
    _say(_article(DAY + dt.timedelta(days=2)), "oppose")
    assert shifts() == [("support", "oppose")]


def test_rejecting_the_misreading_lets_the_real_shift_through(world, rebuilt_agrees):
    _say(_article(DAY), "support")
    later = _article(DAY + dt.timedelta(days=1))
    misread = _say(later, "support", key=1)
    _say(later, "oppose", key=2)
    assert shifts() == []
    misread.review_status = "rejected"
    positions.save(misread)
    assert shifts() == [("support", "oppose")]


def test_the_same_rules_hold_for_a_bulk_extraction_batch(world):
    from tests.dashboard.test_shifts import derived
    from tracker.extraction.models import Position

    trump, proposal = world["trump"].actor, world["opposed"].proposal
    articles, added = [], []
    for n, (day, stance) in enumerate(
        [(DAY, "support"), (DAY, "oppose"), (DAY + dt.timedelta(days=1), "oppose")]
    ):
        article = _article(day, n)
        (position,) = Position.objects.bulk_create(
            [
                Position(
                    article=article,
                    actor=trump,
                    proposal=proposal,
                    stance=stance,
                    evidence="air support",
                    start=0,
                    end=5,
                    timeline_date=day,
                    extraction_key="x",
                )
            ]
        )
        articles.append(article.id)
        added.append(position.id)
    positions.positions_changed(article_ids=articles, added_ids=added)
    assert shifts() == []
    incremental = derived()
    stances.rebuild_all()
    assert derived() == incremental


def test_a_shift_carries_the_lower_confidence_and_can_be_limited_to_confirmed(
    analyst_client, world
):
    _say(_article(DAY), "support", confidence=0.9, review_status="confirmed")
    after = _say(_article(DAY + dt.timedelta(days=1)), "oppose", confidence=0.4)
    html = analyst_client.get(f"/shifts/?actor={after.actor_id}").content.decode()
    assert "confidence 0.40" in html
    response = analyst_client.get(f"/shifts/?actor={after.actor_id}&format=json")
    data = json.loads(b"".join(response.streaming_content))
    assert [row["confidence"] for row in data] == [0.4]
    confirmed = analyst_client.get(f"/shifts/?actor={after.actor_id}&confirmed=1")
    assert "No shifts match" in confirmed.content.decode()
    after.review_status = "confirmed"
    positions.save(after)
    confirmed = analyst_client.get(f"/shifts/?actor={after.actor_id}&confirmed=1")
    assert "Donald Trump" in confirmed.content.decode() and "both confirmed" in (
        confirmed.content.decode()
    )


def test_contradictory_positions_in_one_article_come_first_in_the_review_queue(
    curator_client, world
):
    article = _article(DAY)
    _say(article, "support", key=1, confidence=0.99)
    _say(article, "oppose", key=2, confidence=0.98)
    html = curator_client.get(reverse("curation:queue")).content.decode()
    first = html.split('class="review-item"')[1]
    assert "Donald Trump" in first and "contradicted in this article" in first
