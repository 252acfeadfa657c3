"""An official's position counts for the state or body they spoke for on the statement's date."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from tests.conftest import make_article, make_position
from tracker.dashboard import rollup
from tracker.extraction import positions
from tracker.extraction.catalogue import classify_office
from tracker.extraction.models import Actor, ActorRole, Position, Proposal


@pytest.fixture
def poland(db):
    """Poland, its prime minister since 2023, and a foreign minister of 2007-2014 (their only roles)."""
    state, _ = Actor.objects.get_or_create(name="Poland", defaults={"kind": "state"})
    tusk, _ = Actor.objects.get_or_create(name="Donald Tusk", defaults={"kind": "person"})
    sikorski, _ = Actor.objects.get_or_create(name="Radosław Sikorski", defaults={"kind": "person"})
    ActorRole.objects.filter(actor__in=[tusk, sikorski]).delete()
    ActorRole.objects.create(
        actor=tusk,
        office="Prime Minister of Poland",
        start=dt.date(2023, 12, 13),
        capacity="head_of_government",
        speaks_for=state,
    )
    ActorRole.objects.create(
        actor=sikorski,
        office="Minister of Foreign Affairs of Poland",
        start=dt.date(2007, 11, 16),
        end=dt.date(2014, 9, 22),
        capacity="foreign_minister",
        speaks_for=state,
    )
    return {"state": state, "tusk": tusk, "sikorski": sikorski}


def _say(actor: str, stance: str, on: dt.date, proposal: str = "ground_troops", **fields):
    article = make_article(title=f"{actor} {on}", published=on, text=f"{actor} said {stance}.")
    return make_position(article, actor, proposal, stance, f"said {stance}", **fields)


def _cell(state, proposal="ground_troops", as_of=None):
    proposal_id = Proposal.objects.get(kind=proposal).id
    return rollup.cells([state.id], as_of).get((state.id, proposal_id))


def test_a_prime_minister_in_office_speaks_for_the_state(poland):
    said = _say("Donald Tusk", "oppose", dt.date(2025, 3, 3))
    cell = _cell(poland["state"])
    assert (cell.position_id, cell.stance, cell.via) == (said.id, "oppose", "Donald Tusk")


def test_a_minister_after_leaving_office_speaks_for_nobody_but_himself(poland):
    in_office = _say("Radosław Sikorski", "support", dt.date(2014, 9, 22))
    _say("Radosław Sikorski", "oppose", dt.date(2014, 9, 23))  # the day after he left
    cell = _cell(poland["state"])
    assert (cell.position_id, cell.stance) == (in_office.id, "support")


def test_before_taking_office_does_not_count_either(poland):
    _say("Donald Tusk", "support", dt.date(2023, 12, 12))
    assert _cell(poland["state"]) is None
    assert not Actor.objects.filter(rollup.has_official_positions(), id=poland["state"].id).exists()


def test_the_latest_statement_wins_own_or_official(poland):
    _say("Donald Tusk", "oppose", dt.date(2025, 3, 3))
    own = _say("Poland", "considering", dt.date(2025, 4, 1))
    cell = _cell(poland["state"])
    assert (cell.position_id, cell.via) == (own.id, "")
    # As of a date before the state's own statement, Tusk's decides.
    assert _cell(poland["state"], as_of=dt.date(2025, 3, 31)).via == "Donald Tusk"


def test_a_statement_marked_personal_does_not_count(poland):
    _say("Donald Tusk", "oppose", dt.date(2025, 3, 3), personal=True)
    assert _cell(poland["state"]) is None


def test_a_rejected_statement_does_not_count(poland):
    _say("Donald Tusk", "oppose", dt.date(2025, 3, 3), review_status="rejected")
    assert _cell(poland["state"]) is None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_matrix_now_from_the_derived_table_equals_the_computation_when_read(db, seed):
    """Random states and bodies, officials with dated roles (some for two of them, some the
    state itself) and positions of every kind: the matrix "now" (own latest positions from
    ActorStance) decides every cell as the full computation up to the last date does."""
    rng = random.Random(seed)
    first = dt.date(2024, 1, 1)

    def day():
        return first + dt.timedelta(days=rng.randrange(60))

    states = [Actor.objects.create(name=f"State {seed}.{n}", kind="state") for n in range(4)]
    people = [Actor.objects.create(name=f"Official {seed}.{n}", kind="person") for n in range(6)]
    for person in people:
        for _ in range(rng.randint(0, 2)):
            start, end = sorted([day(), day()])
            ActorRole.objects.create(
                actor=person,
                office=f"Minister {rng.randrange(1000)}",
                start=rng.choice([None, start]),
                end=rng.choice([None, end]),
                speaks_for=rng.choice(states),
            )
    ActorRole.objects.create(actor=states[0], office="Itself", speaks_for=states[0])
    proposals = list(Proposal.objects.order_by("id")[:3])
    pairs = set()
    for number in range(80):
        when = day()
        article = make_article(title=f"Random {number}", text=f"Random {number}.", published=when)
        position = Position.objects.create(
            article=article,
            actor=rng.choice(states + people),
            proposal=rng.choice(proposals),
            stance=rng.choice(["support", "oppose", "considering"]),
            review_status=rng.choice(["unreviewed"] * 4 + ["confirmed", "rejected"]),
            personal=rng.random() < 0.2,
            evidence="it",
            start=0,
            end=2,
            timeline_date=rng.choice([when, first + dt.timedelta(days=30)]),
            extraction_key=f"random {number}",
        )
        pairs.add((position.actor_id, position.proposal_id))
    positions.positions_changed(pairs=pairs)
    ids = [a.id for a in states + people]
    now = sorted(rollup.standings(ids))
    assert now == sorted(rollup.standings(ids, dt.date.max))
    assert any(row[8] for row in now) and any(row[8] is None for row in now)


def test_the_offices_that_speak_for_a_state_or_body():
    assert classify_office("Prime Minister of Poland") == ("head_of_government", "Poland")
    assert classify_office("Federal Minister of Defence of Germany") == (
        "defence_minister",
        "Germany",
    )
    assert classify_office("Deputy Prime Minister and Minister of National Defence of Poland") == (
        "defence_minister",
        "Poland",
    )
    assert classify_office("United States Secretary of State") == (
        "foreign_minister",
        "United States",
    )
    assert classify_office("Spokesperson of the Russian Foreign Ministry") == (
        "spokesperson",
        "Russian Foreign Ministry",
    )
    assert classify_office("Press Secretary of the President of Russia") == (
        "spokesperson",
        "Kremlin",
    )
    assert classify_office("Chancellor of Austria (acting)") == ("head_of_government", "Austria")
    assert classify_office("Deputy Minister of Foreign Affairs of Russia") == ("other", None)
    assert classify_office("Minister of Finance of Norway") == ("other", None)
    assert classify_office("King of Sweden") == ("other", None)


def test_the_catalogue_rolls_tusk_up_to_poland(db):
    from tracker.extraction.catalogue import sync_data_files

    sync_data_files(force=True)
    roles = ActorRole.objects.filter(actor__name="Donald Tusk").order_by("start")
    assert [(r.capacity, r.speaks_for.name) for r in roles] == [
        ("head_of_government", "Poland"),
        ("head_of_organisation", "European Council"),
        ("head_of_government", "Poland"),
    ]
    peskov = ActorRole.objects.get(office="Press Secretary of the President of Russia")
    assert (peskov.capacity, peskov.speaks_for.name) == ("spokesperson", "Kremlin")


def test_actor_page_shows_the_stance_through_whom(analyst_client, poland):
    _say("Donald Tusk", "oppose", dt.date(2025, 3, 3))
    html = analyst_client.get(f"/actors/{poland['state'].id}/").content.decode()
    assert "No positions of Poland" not in html
    row = html.split("Ground troops</a></th>")[1].split("</tr>")[0]
    assert 'class="cell stance-oppose"' in row
    assert f'via <a href="/actors/{poland["tusk"].id}/">Donald Tusk</a>, 3 Mar 2025' in row


def test_matrix_of_states_includes_officials_unless_told_not_to(analyst_client, poland):
    _say("Donald Tusk", "oppose", dt.date(2025, 3, 3))
    html = analyst_client.get("/matrix/?actor_kind=state").content.decode()
    assert ">Poland</a></th>" in html
    assert "Poland opposes ground troops, via Donald Tusk, 3 Mar 2025" in html
    own = analyst_client.get("/matrix/?actor_kind=state&officials=exclude").content.decode()
    assert ">Poland</a></th>" not in own
    panel = analyst_client.get(f"/matrix/{poland['state'].id}/ground_troops/").content.decode()
    assert "via <a" in panel and "Donald Tusk" in panel


def test_proposal_page_counts_poland_via_tusk(analyst_client, poland):
    _say("Donald Tusk", "oppose", dt.date(2025, 3, 3))
    html = analyst_client.get("/proposals/ground_troops/").content.decode()
    oppose = html.split('id="col-oppose"')[1].split("</section>")[0]
    assert ">Poland</a>" in oppose and "via <a" in oppose and "3 Mar 2025" in oppose
    assert ">Donald Tusk</a>" in oppose
