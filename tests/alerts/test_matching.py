"""Matching a saved batch against watchlists: the right alerts, of the right kind, once."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection

from tests.alerts.conftest import article, extract_and_match, save_positions, watch
from tests.conftest import grant
from tracker.alerts.matching import ROWS_SQL, match_positions
from tracker.alerts.models import Alert, Delivery, WatchKey, Watchlist
from tracker.curation.merge import merge_actors
from tracker.extraction import positions
from tracker.extraction.models import Actor
from tracker.ingestion.models import Story

TROOPS = "Kremlin spokesman said Moscow rejects any foreign troops in Ukraine."


def test_a_new_position_matching_the_filters_raises_one_alert(alice):
    mine = watch(alice, proposal="ground_troops", actor=_id("Russia"), on_first=False)
    other = watch(alice, name="Air", proposal="air_support")
    extract_and_match(article(TROOPS), ("Kremlin", "ground_troops", "oppose", TROOPS))
    alert = Alert.objects.get()
    assert alert.watchlist == mine  # the Kremlin is a child of Russia
    assert alert.kind == Alert.Kind.POSITION
    assert not other.alerts.exists()


def test_without_children_only_the_actor_itself_matches(alice):
    watch(alice, actor=_id("Russia"), with_children=False)
    extract_and_match(article(TROOPS), ("Kremlin", "ground_troops", "oppose", TROOPS))
    assert not Alert.objects.exists()


def test_filters_the_keys_cannot_hold_are_applied_like_the_timeline(alice):
    watch(alice, name="support", stance="support")
    watch(alice, name="arabic", language="ar")
    watch(alice, name="oppose in English", stance="oppose", language="en")
    extract_and_match(article(TROOPS), ("Kremlin", "ground_troops", "oppose", TROOPS))
    assert list(Alert.objects.values_list("watchlist__name", flat=True)) == ["oppose in English"]


def test_the_first_position_of_an_actor_on_a_proposal_is_said_so_and_the_next_is_not(alice):
    watch(alice, proposal="ground_troops")
    extract_and_match(article(TROOPS, day=1), ("Kremlin", "ground_troops", "oppose", TROOPS))
    extract_and_match(
        article(TROOPS + " Again.", day=2), ("Kremlin", "ground_troops", "oppose", TROOPS)
    )
    assert list(Alert.objects.order_by("id").values_list("kind", flat=True)) == [
        "first",
        "position",
    ]


def test_a_change_of_stance_raises_a_shift_alert_with_the_position_before(alice):
    watchlist = watch(alice, actor=_id("Kremlin"), on_first=False)
    before = extract_and_match(
        article(TROOPS, day=1), ("Kremlin", "ground_troops", "oppose", TROOPS)
    )[0]
    text = "The Kremlin said it could consider foreign troops as part of a deal."
    after = extract_and_match(
        article(text, day=5), ("Kremlin", "ground_troops", "considering", text)
    )[0]
    shift = watchlist.alerts.get(kind=Alert.Kind.SHIFT)
    assert (shift.before_id, shift.position_id) == (before.id, after.id)
    assert shift.subject == f"s:{before.id}-{after.id}"


def test_shift_only_watchlists_ignore_positions_that_change_nothing(alice):
    watch(alice, on_position=False, on_first=False, on_shift=True)
    extract_and_match(article(TROOPS, day=1), ("Kremlin", "ground_troops", "oppose", TROOPS))
    extract_and_match(
        article(TROOPS + " Still.", day=3), ("Kremlin", "ground_troops", "oppose", TROOPS)
    )
    assert not Alert.objects.exists()


def test_confirmed_only_and_confidence_thresholds(alice):
    watch(alice, name="confirmed", confirmed_only=True)
    watch(alice, name="sure", min_confidence=0.9)
    watch(alice, name="any")
    extract_and_match(
        article(TROOPS), ("Kremlin", "ground_troops", "oppose", TROOPS), confidence=0.7
    )
    assert list(Alert.objects.values_list("watchlist__name", flat=True)) == ["any"]


def test_a_curators_confirmation_alerts_confirmed_only_watchlists(
    alice, django_capture_on_commit_callbacks
):
    watch(alice, name="confirmed", confirmed_only=True)
    position = save_positions(article(TROOPS), ("Kremlin", "ground_troops", "oppose", TROOPS))[0]
    match_positions([position.id])
    assert not Alert.objects.exists()
    with django_capture_on_commit_callbacks() as callbacks:
        position.review_status = "confirmed"
        positions.save(position)
    assert callbacks, "a confirmation queues matching"
    match_positions([position.id])
    assert Alert.objects.get().watchlist.name == "confirmed"


def test_running_a_batch_twice_records_and_delivers_nothing_twice(alice):
    watch(alice, email=Watchlist.Email.IMMEDIATE)
    positions = save_positions(article(TROOPS), ("Kremlin", "ground_troops", "oppose", TROOPS))
    first = match_positions([p.id for p in positions])
    again = match_positions([p.id for p in positions])
    assert len(first) == 1 and again == []
    assert Alert.objects.count() == 1
    assert Delivery.objects.count() == 1


def test_five_copies_of_one_story_send_one_alert_and_count_the_others(alice):
    watch(alice, email=Watchlist.Email.IMMEDIATE)
    story = Story.objects.create()
    copies = [article(f"{TROOPS} Copy {day}.", day=day, story=story) for day in (3, 1, 4, 2, 5)]
    # Two batches, the earliest article in the second one.
    first = save_positions(copies[0], ("Kremlin", "ground_troops", "oppose", TROOPS))
    second = [
        p
        for copy in copies[1:]
        for p in save_positions(copy, ("Kremlin", "ground_troops", "oppose", TROOPS))
    ]
    sent = match_positions([p.id for p in first]) + match_positions([p.id for p in second])
    assert len(sent) == 1
    lead = Alert.objects.get(copy_of=None)
    assert lead.copies.count() == 4
    assert Delivery.objects.count() == 1


def test_one_story_in_one_batch_alerts_on_the_earliest_article(alice):
    watch(alice)
    story = Story.objects.create()
    copies = [article(f"{TROOPS} Copy {day}.", day=day, story=story) for day in (3, 1, 2)]
    ids = [
        p.id
        for c in copies
        for p in save_positions(c, ("Kremlin", "ground_troops", "oppose", TROOPS))
    ]
    match_positions(ids)
    lead = Alert.objects.get(copy_of=None)
    assert lead.position.article == copies[1]


def test_paused_watchlists_and_rejected_positions_raise_nothing(alice):
    watch(alice, paused=True)
    watch(alice, name="rejected too", review="rejected")
    extract_and_match(
        article(TROOPS), ("Kremlin", "ground_troops", "oppose", TROOPS), review_status="rejected"
    )
    extract_and_match(
        article(TROOPS + " Now.", day=2), ("Kremlin", "ground_troops", "oppose", TROOPS)
    )
    assert not Alert.objects.filter(watchlist__paused=True).exists()
    assert not Alert.objects.filter(position__review_status="rejected").exists()


def test_owners_who_may_not_read_positions_get_no_alert(db):
    outsider = get_user_model().objects.create_user("out", password="x" * 12)
    watch(outsider)
    extract_and_match(article(TROOPS), ("Kremlin", "ground_troops", "oppose", TROOPS))
    assert not Alert.objects.exists()
    grant(outsider, "extraction.view_position")
    extract_and_match(
        article(TROOPS + " More.", day=2), ("Kremlin", "ground_troops", "oppose", TROOPS)
    )
    assert Alert.objects.count() == 1


def test_keys_expand_an_actor_to_its_children_and_any_to_zero(alice):
    watchlist = watch(alice, proposal="ground_troops", actor=_id("Russia"))
    actors = set(WatchKey.objects.filter(watchlist=watchlist).values_list("actor_id", flat=True))
    assert {_id("Russia"), _id("Kremlin")} <= actors
    everything = watch(alice, name="all")
    assert list(everything.keys.values_list("proposal_id", "actor_id")) == [(0, 0)]


def _id(name):
    return Actor.objects.get(name=name).id


def test_the_sweep_matches_a_batch_whose_message_was_lost_and_nothing_twice(alice):
    from tracker.alerts.tasks import rematch_recent

    watch(alice, email=Watchlist.Email.IMMEDIATE)
    save_positions(article(TROOPS), ("Kremlin", "ground_troops", "oppose", TROOPS))
    assert not Alert.objects.exists()  # its match_batch never ran
    rematch_recent()
    assert Alert.objects.count() == 1 and Delivery.objects.count() == 1
    rematch_recent()
    assert Alert.objects.count() == 1 and Delivery.objects.count() == 1


def test_rebuilding_the_keys_follows_a_new_child(alice, catalogue):
    from django.core.management import call_command

    watchlist = watch(alice, actor=_id("Germany"))
    catalogue["Egypt"].parent = catalogue["Germany"]
    catalogue["Egypt"].save()
    assert _id("Egypt") not in set(watchlist.keys.values_list("actor_id", flat=True))
    call_command("rebuild_watch_keys")
    assert _id("Egypt") in set(watchlist.keys.values_list("actor_id", flat=True))


def test_a_watchlist_follows_its_actor_into_the_survivor_of_a_merge(alice):
    egypt = Actor.objects.get(name="Egypt")
    duplicate = Actor.objects.create(name="Arab Republic of Egypt", kind="state")
    watchlist = watch(alice, actor=duplicate.id, with_children=False, on_first=False)
    merge_actors(absorbed=duplicate, survivor=egypt)
    watchlist.refresh_from_db()
    assert watchlist.filters["actor"] == str(egypt.id)
    assert set(WatchKey.objects.filter(watchlist=watchlist).values_list("actor_id", flat=True)) == {
        egypt.id
    }
    text = "Egypt said it opposes sending ground troops to Ukraine."
    extract_and_match(article(text), ("Egypt", "ground_troops", "oppose", text))
    assert Alert.objects.get().watchlist == watchlist


def test_children_moved_by_a_merge_are_watched_under_the_survivor(alice):
    russia = Actor.objects.get(name="Russia")
    twin = Actor.objects.create(name="Russian Federation", kind="state")
    Actor.objects.filter(name="Kremlin").update(parent=twin)
    watchlist = watch(alice, actor=russia.id, on_first=False)
    merge_actors(absorbed=twin, survivor=russia)
    extract_and_match(article(TROOPS), ("Kremlin", "ground_troops", "oppose", TROOPS))
    assert Alert.objects.get().watchlist == watchlist


def test_while_nobody_watches_a_batch_costs_one_statement_that_reads_no_position(
    alice, django_assert_num_queries
):
    saved = save_positions(article(TROOPS), ("Kremlin", "ground_troops", "oppose", TROOPS))
    ids = [p.id for p in saved]
    with django_assert_num_queries(1):
        assert match_positions(ids) == []
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + ROWS_SQL, {"ids": ids})
        plan = "\n".join(row[0] for row in cursor.fetchall())
    position_scans = [line for line in plan.splitlines() if "on extraction_position" in line]
    assert position_scans and all("never executed" in line for line in position_scans)
    watch(alice, proposal="ground_troops")
    match_positions(ids)
    assert Alert.objects.count() == 1  # the same batch, once somebody watches
