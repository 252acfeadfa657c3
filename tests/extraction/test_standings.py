"""ActorStanding follows the positions and the roles: where a state stands now, its officials
counted, as the position writer and the role changes leave it."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from tests.conftest import make_article, make_position
from tracker.core.db import bulk_insert
from tracker.extraction import positions
from tracker.extraction.catalogue import sync_data_files
from tracker.extraction.models import (
    Actor,
    ActorRole,
    ActorStance,
    ActorStanding,
    Position,
    Proposal,
)

MARCH = dt.date(2025, 3, 3)


@pytest.fixture
def poland(db):
    """Poland and its prime minister since 13 Dec 2023 (his only role), with nothing said yet."""
    state, _ = Actor.objects.get_or_create(name="Poland", defaults={"kind": "state"})
    tusk, _ = Actor.objects.get_or_create(name="Donald Tusk", defaults={"kind": "person"})
    ActorRole.objects.filter(actor=tusk).delete()
    role = ActorRole.objects.create(
        actor=tusk,
        office="Prime Minister of Poland",
        start=dt.date(2023, 12, 13),
        capacity="head_of_government",
        speaks_for=state,
    )
    return {"state": state, "tusk": tusk, "role": role}


def say(actor: str, stance: str, on: dt.date, proposal: str = "ground_troops", **fields):
    article = make_article(
        title=f"{actor} {on} {stance}", published=on, text=f"{actor} said {stance} on {on}."
    )
    return make_position(article, actor, proposal, stance, "said", **fields)


def standing(actor: Actor, proposal: str = "ground_troops") -> tuple | None:
    """(position id, speaker id, stance) of the actor's standing, or None."""
    return (
        ActorStanding.objects.filter(actor=actor, proposal__kind=proposal)
        .values_list("position_id", "speaker_id", "stance")
        .first()
    )


def assert_as_rebuilt():
    """The table, refreshed piece by piece, is what a rebuild from scratch makes."""
    fields = [f.attname for f in ActorStanding._meta.concrete_fields if not f.primary_key]
    kept = set(ActorStanding.objects.values_list(*fields))
    ActorStanding.objects.rebuild()
    assert set(ActorStanding.objects.values_list(*fields)) == kept


def test_an_official_statement_in_office_becomes_the_states_standing(poland):
    said = say("Donald Tusk", "oppose", MARCH)
    assert standing(poland["state"]) == (said.id, poland["tusk"].id, "oppose")
    assert standing(poland["tusk"]) == (said.id, poland["tusk"].id, "oppose")
    own = say("Poland", "considering", MARCH + dt.timedelta(days=1))
    assert standing(poland["state"]) == (own.id, poland["state"].id, "considering")
    say("Donald Tusk", "support", MARCH - dt.timedelta(days=1))
    counted = ActorStanding.objects.get(actor=poland["state"], proposal=own.proposal)
    assert (counted.position_id, counted.official_count) == (own.id, 2)
    assert_as_rebuilt()


def test_a_statement_before_taking_office_speaks_for_nobody_but_himself(poland):
    said = say("Donald Tusk", "support", dt.date(2023, 12, 12))
    assert standing(poland["state"]) is None
    assert standing(poland["tusk"]) == (said.id, poland["tusk"].id, "support")


def test_an_extraction_batch_refreshes_the_standings_its_officials_decide(poland):
    earlier = say("Donald Tusk", "support", dt.date(2025, 1, 10))
    tusk, proposal = poland["tusk"], Proposal.objects.get(kind="ground_troops")
    batch = [
        make_article(title=f"Batch {n}", published=MARCH, text=f"Tusk said no ({n}).")
        for n in range(2)
    ]
    fresh = [
        Position(
            article=batch[0],
            actor=tusk,
            proposal=proposal,
            stance="oppose",
            evidence="said no",
            start=10,
            end=17,
            timeline_date=MARCH,
            extraction_key=Position.key_for(tusk.id, "ground_troops", "oppose"),
        ),
        # Dated before he took office: it is his, not Poland's.
        Position(
            article=batch[1],
            actor=tusk,
            proposal=proposal,
            stance="considering",
            evidence="said no",
            start=10,
            end=17,
            timeline_date=dt.date(2023, 1, 1),
            extraction_key=Position.key_for(tusk.id, "ground_troops", "considering"),
        ),
    ]
    bulk_insert(fresh)
    positions.positions_changed(article_ids=[a.id for a in batch], added_ids=[p.id for p in fresh])
    assert standing(poland["state"]) == (fresh[0].id, tusk.id, "oppose")
    assert standing(poland["tusk"]) == (fresh[0].id, tusk.id, "oppose")
    assert earlier.id not in ActorStanding.objects.values_list("position_id", flat=True)
    assert_as_rebuilt()


def test_a_role_whose_end_is_moved_before_the_statement_no_longer_counts_it(poland):
    early = say("Donald Tusk", "support", dt.date(2024, 1, 10))
    late = say("Donald Tusk", "oppose", MARCH)
    assert standing(poland["state"]) == (late.id, poland["tusk"].id, "oppose")
    role = poland["role"]
    role.end = dt.date(2024, 12, 31)
    role.save()
    assert standing(poland["state"]) == (early.id, poland["tusk"].id, "support")
    role.start = dt.date(2024, 6, 1)
    role.save()
    assert standing(poland["state"]) is None
    assert standing(poland["tusk"]) == (late.id, poland["tusk"].id, "oppose")
    assert_as_rebuilt()


def test_a_role_that_speaks_for_another_body_moves_the_standing_with_it(poland):
    council, _ = Actor.objects.get_or_create(
        name="European Council", defaults={"kind": "international_org"}
    )
    said = say("Donald Tusk", "oppose", MARCH)
    role = poland["role"]
    role.speaks_for = council
    role.save()
    assert standing(poland["state"]) is None
    assert standing(council) == (said.id, poland["tusk"].id, "oppose")
    assert_as_rebuilt()


def test_a_deleted_role_speaks_for_nobody_and_a_new_one_counts_at_once(poland):
    said = say("Donald Tusk", "oppose", MARCH)
    poland["role"].delete()
    assert standing(poland["state"]) is None
    ActorRole.objects.create(
        actor=poland["tusk"], office="Acting Prime Minister of Poland", speaks_for=poland["state"]
    )
    assert standing(poland["state"]) == (said.id, poland["tusk"].id, "oppose")
    assert_as_rebuilt()


def test_a_statement_marked_personal_stops_counting_for_the_state(poland):
    early = say("Donald Tusk", "support", dt.date(2024, 1, 10))
    late = say("Donald Tusk", "oppose", MARCH)
    late.personal = True
    positions.save(late)
    assert standing(poland["state"]) == (early.id, poland["tusk"].id, "support")
    assert standing(poland["tusk"]) == (late.id, poland["tusk"].id, "oppose")
    assert_as_rebuilt()


def test_a_rejected_statement_stops_counting(poland):
    own = say("Poland", "support", dt.date(2024, 1, 10))
    late = say("Donald Tusk", "oppose", MARCH)
    late.decide(Position.Review.REJECTED, user=None)
    positions.save(late)
    assert standing(poland["state"]) == (own.id, poland["state"].id, "support")
    assert standing(poland["tusk"]) is None
    assert_as_rebuilt()


def test_a_statement_corrected_to_another_speaker_leaves_the_pair_it_was_in(poland):
    """Tusk's March statement decided Poland's standing without being his latest (a later one was
    personal); corrected to somebody else, it leaves both Poland's standing and Tusk's count."""
    in_office = say("Donald Tusk", "oppose", MARCH)
    later = say("Donald Tusk", "support", MARCH + dt.timedelta(days=5), personal=True)
    assert standing(poland["state"])[0] == in_office.id
    in_office.correct(
        actor=Actor.objects.get(name="Poland"),
        proposal=in_office.proposal,
        stance="considering",
        stated_on=MARCH,
        user=None,
    )
    positions.save(in_office)
    assert standing(poland["state"]) == (in_office.id, poland["state"].id, "considering")
    stance = ActorStance.objects.get(actor=poland["tusk"], proposal=in_office.proposal)
    assert (stance.position_id, stance.positions_count) == (later.id, 1)
    assert_as_rebuilt()


def test_the_catalogue_loader_refreshes_whom_its_roles_speak_for(poland):
    said = say("Donald Tusk", "oppose", MARCH)
    ActorRole.objects.filter(actor=poland["tusk"]).delete()  # in bulk: nothing refreshed
    ActorStanding.objects.rebuild()
    assert standing(poland["state"]) is None
    sync_data_files(force=True)
    assert standing(poland["state"]) == (said.id, poland["tusk"].id, "oppose")
    assert_as_rebuilt()


def test_deleting_a_state_takes_its_standings_and_leaves_its_officials_own(poland):
    said = say("Donald Tusk", "oppose", MARCH)
    poland["state"].delete()
    assert not ActorStanding.objects.filter(actor_id=poland["state"].id).exists()
    assert standing(poland["tusk"]) == (said.id, poland["tusk"].id, "oppose")
    assert_as_rebuilt()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_change_leaves_the_table_as_a_rebuild_would(db, seed):
    """Random statements (one by one or as extraction batches), reviews, personal marks,
    corrections, deletions and role changes, each through the position writer or the roles' own
    methods: after each, the table is what a rebuild from scratch makes."""
    rng = random.Random(seed)
    first = dt.date(2024, 1, 1)

    def day():
        return first + dt.timedelta(days=rng.randrange(60))

    states = [Actor.objects.create(name=f"State {seed}.{n}", kind="state") for n in range(3)]
    people = [Actor.objects.create(name=f"Official {seed}.{n}", kind="person") for n in range(4)]
    proposals = list(Proposal.objects.order_by("id")[:2])
    said = []
    roles = []
    officials_decided = 0
    for step in range(60):
        action = rng.choice(
            ["say"] * 3 + ["batch", "review", "correct", "delete", "role", "unrole"]
        )
        if action == "batch":
            # As an extraction batch saves: new positions bulk-created, then the batch's refresh.
            fresh = []
            for number in range(rng.randint(1, 4)):
                when = day()
                article = make_article(
                    title=f"Batch {step}.{number}",
                    text=f"It said ({step}.{number}).",
                    published=when,
                )
                fresh.append(
                    Position(
                        article=article,
                        actor=rng.choice(states + people),
                        proposal=rng.choice(proposals),
                        stance=rng.choice(["support", "oppose", "considering"]),
                        evidence="said",
                        start=3,
                        end=7,
                        timeline_date=when,
                        extraction_key=f"batch {step}.{number}",
                    )
                )
            bulk_insert(fresh)
            positions.positions_changed(
                article_ids=[p.article_id for p in fresh], added_ids=[p.id for p in fresh]
            )
            said.extend(fresh)
        elif action == "say" or not said:
            when = day()
            article = make_article(
                title=f"Random {step}", text=f"It said ({step}).", published=when
            )
            position = Position(
                article=article,
                actor=rng.choice(states + people),
                proposal=rng.choice(proposals),
                stance=rng.choice(["support", "oppose", "considering"]),
                personal=rng.random() < 0.2,
                evidence="said",
                start=3,
                end=7,
                timeline_date=when,
                extraction_key=f"random {step}",
            )
            positions.save(position)
            said.append(position)
        elif action == "review":
            position = rng.choice(said)
            if rng.random() < 0.5:
                position.decide(rng.choice(["confirmed", "rejected"]), user=None)
            else:
                position.personal = not position.personal
            positions.save(position)
        elif action == "correct":
            position = rng.choice(said)
            position.actor = rng.choice(states + people)
            position.proposal = rng.choice(proposals)
            position.timeline_date = day()
            positions.save(position)
        elif action == "delete":
            position = said.pop(rng.randrange(len(said)))
            positions.delete(Position.objects.filter(pk=position.pk))
        elif action == "role" or not roles:
            if roles and rng.random() < 0.5:
                role = rng.choice(roles)
                start, end = sorted([day(), day()])
                role.start, role.end = rng.choice([None, start]), rng.choice([None, end])
                role.speaks_for = rng.choice(states)
                role.save()
            else:
                start, end = sorted([day(), day()])
                roles.append(
                    ActorRole.objects.create(
                        actor=rng.choice(people),
                        office=f"Minister {step}",
                        start=rng.choice([None, start]),
                        end=rng.choice([None, end]),
                        speaks_for=rng.choice(states),
                    )
                )
        else:
            roles.pop(rng.randrange(len(roles))).delete()
        assert_as_rebuilt()
        officials_decided += ActorStanding.objects.filter(
            speaker__in=people, actor__in=states
        ).exists()
    assert officials_decided >= 5  # the roles mattered along the way
