"""The actor page's history: the latest positions on each proposal, the actor's own and its
officials' in office together, as a plain reading of every position would list them."""

import datetime as dt
import random

import pytest

from tests.conftest import make_article
from tracker.dashboard import queries
from tracker.extraction import positions
from tracker.extraction.models import Actor, ActorRole, Position, Proposal


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_history_keeps_the_latest_own_and_official_positions(db, seed):
    rng = random.Random(seed)
    first = dt.date(2024, 1, 1)
    state = Actor.objects.create(name=f"State {seed}", kind="state")
    people = [Actor.objects.create(name=f"Minister {seed}.{n}", kind="person") for n in range(3)]
    roles = []
    for n, person in enumerate(people):
        start = first + dt.timedelta(days=rng.randrange(30, 70))
        roles.append(
            ActorRole.objects.create(
                actor=person,
                office=f"Minister {n}",
                start=start,
                end=start + dt.timedelta(days=rng.randrange(5, 40)),
                speaks_for=state,
            )
        )
    proposals = list(Proposal.objects.order_by("id")[:2])
    made = []
    for number in range(90):
        when = first + dt.timedelta(days=rng.randrange(90))
        position = Position(
            article=make_article(title=f"H {number}", text=f"Said {number}.", published=when),
            actor=rng.choice([state, *people]),
            proposal=rng.choice(proposals),
            stance=rng.choice(["support", "oppose", "considering"]),
            review_status=rng.choice(["unreviewed"] * 5 + ["rejected"]),
            personal=rng.random() < 0.15,
            evidence="Said",
            start=0,
            end=4,
            timeline_date=when,
            extraction_key=f"h {number}",
        )
        positions.save(position)
        made.append(position)

    def counts(position):
        if position.review_status == "rejected":
            return False
        if position.actor_id == state.id:
            return True
        return not position.personal and any(
            r.actor_id == position.actor_id and r.start <= position.timeline_date <= r.end
            for r in roles
        )

    expected = []
    for proposal in proposals:
        mine = sorted(
            (p for p in made if p.proposal_id == proposal.id and counts(p)),
            key=lambda p: (p.timeline_date, p.id),
        )
        expected += [(p.proposal_id, p.id) for p in mine[-5:]]
    history = queries.actor_history(state.id, per_proposal=5)
    assert sorted((h.proposal_id, h.id) for h in history) == sorted(expected)
    assert any(
        made_by.actor_id != state.id for made_by in made if made_by.id in {h.id for h in history}
    )
