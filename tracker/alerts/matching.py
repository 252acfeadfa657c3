"""Match a batch of newly saved positions against every watchlist and record the alerts.

The batch's (proposal, actor) pairs are looked up in the ``WatchKey`` table (an index, with 0
for "any"), so the cost grows with the watchlists that can match, not with all of them. Alerts
are inserted under unique constraints and their deliveries created by a conditional update, in
one transaction: running a batch twice, or after a worker died half-way, records nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q

from tracker.alerts.models import Alert, Delivery, WatchKey, Watchlist
from tracker.dashboard.models import StanceShift
from tracker.extraction.models import Position, Proposal

POSITION_VALUES = (
    "id",
    "actor_id",
    "proposal_id",
    "stance",
    "review_status",
    "confidence",
    "article_id",
    "article__language",
    "article__source_id",
    "article__story_id",
    "article__published",
)
UNDATED = dt.date(9999, 12, 31)


# --- Keys ------------------------------------------------------------------------------------


def keys_for(watchlist: Watchlist, tree=None) -> list[tuple[int, int]]:
    """The (proposal_id, actor_id) keys of a watchlist, 0 meaning any."""
    from tracker.dashboard.queries import ActorTree

    kind = watchlist.filters.get("proposal")
    proposals = [0]
    if kind:
        proposals = list(Proposal.objects.filter(kind=kind).values_list("id", flat=True)) or [-1]
    actor = watchlist.filters.get("actor")
    actors = [0]
    if actor:
        actor = int(actor)
        if watchlist.with_children:
            actors = (tree or ActorTree.load()).with_descendants(actor)
        else:
            actors = [actor]
    return [(p, a) for p in proposals for a in actors]


def rebuild_keys(watchlist: Watchlist, tree=None) -> None:
    with transaction.atomic():
        WatchKey.objects.filter(watchlist=watchlist).delete()
        WatchKey.objects.bulk_create(
            [
                WatchKey(watchlist=watchlist, proposal_id=p, actor_id=a)
                for p, a in keys_for(watchlist, tree)
            ]
        )


def rebuild_all_keys() -> int:
    """Recompute every watchlist's keys (after actors were merged or re-parented)."""
    from tracker.dashboard.queries import ActorTree

    tree = ActorTree.load()
    watchlists = list(Watchlist.objects.all())
    for watchlist in watchlists:
        rebuild_keys(watchlist, tree)
    return len(watchlists)


CANDIDATES_SQL = """
SELECT k.proposal_id, k.actor_id, k.watchlist_id
FROM alerts_watchkey k
JOIN alerts_watchlist w ON w.id = k.watchlist_id AND NOT w.paused
WHERE (k.proposal_id, k.actor_id) IN (SELECT * FROM unnest(%s::int[], %s::int[]))
"""


def _candidates(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], list[int]]:
    wanted = set()
    for proposal, actor in pairs:
        wanted.update({(proposal, actor), (proposal, 0), (0, actor), (0, 0)})
    found: dict[tuple[int, int], list[int]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(CANDIDATES_SQL, [[p for p, _ in wanted], [a for _, a in wanted]])
        for proposal, actor, watchlist in cursor.fetchall():
            found[(proposal, actor)].append(watchlist)
    return found


def _readers(user_ids: Iterable[int]) -> set[int]:
    """Of these users, the active ones who may read positions on the dashboard."""
    perm = Permission.objects.get(content_type__app_label="extraction", codename="view_position")
    return set(
        get_user_model()
        .objects.filter(id__in=list(user_ids), is_active=True)
        .filter(Q(is_superuser=True) | Q(user_permissions=perm) | Q(groups__permissions=perm))
        .values_list("id", flat=True)
    )


def may_read(user) -> bool:
    return user.is_active and user.has_perm("extraction.view_position")


# --- Matching --------------------------------------------------------------------------------


def match_positions(position_ids: Iterable[int]) -> list[int]:
    """Record the alerts these positions raise; returns the ids of the deliveries to send now."""
    ids = sorted(set(position_ids))
    if not ids:
        return []
    visible = Position.objects.visible()
    shifts = list(
        StanceShift.objects.filter(Q(after_id__in=ids) | Q(before_id__in=ids)).values_list(
            "before_id", "after_id"
        )
    )
    row_ids = set(ids) | {after for _, after in shifts}
    rows = {row["id"]: row for row in visible.filter(id__in=row_ids).values(*POSITION_VALUES)}
    if not rows:
        return []
    earlier = visible.filter(
        actor_id=OuterRef("actor_id"), proposal_id=OuterRef("proposal_id"), id__lt=OuterRef("id")
    )
    firsts = set(
        visible.filter(id__in=ids)
        .annotate(earlier=Exists(earlier))
        .filter(earlier=False)
        .values_list("id", flat=True)
    )
    shift_of: dict[int, list[int]] = defaultdict(list)  # after id -> before ids
    for before, after in shifts:
        if after in rows:
            shift_of[after].append(before)

    candidates = _candidates({(r["proposal_id"], r["actor_id"]) for r in rows.values()})
    watchlist_ids = {w for found in candidates.values() for w in found}
    if not watchlist_ids:
        return []
    watchlists = {w.id: w for w in Watchlist.objects.filter(id__in=watchlist_ids)}
    readers = _readers({w.owner_id for w in watchlists.values()})

    wanted: list[Alert] = []
    for row in sorted(rows.values(), key=_article_order):
        key = (row["proposal_id"], row["actor_id"])
        matching = {
            w for k in (key, (key[0], 0), (0, key[1]), (0, 0)) for w in candidates.get(k, ())
        }
        for watchlist_id in sorted(matching):
            watchlist = watchlists[watchlist_id]
            if watchlist.owner_id not in readers or not watchlist.accepts(row):
                continue
            wanted.extend(_alerts_for(watchlist, row, row["id"] in ids, shift_of, firsts))
    if not wanted:
        return []
    with transaction.atomic():
        _record(wanted)
        return _fan_out([a.watchlist_id for a in wanted], [a.subject for a in wanted])


def _article_order(row: dict):
    return (row["article__published"] or UNDATED, row["article_id"], row["id"])


def _alerts_for(watchlist, row, in_batch, shift_of, firsts) -> list[Alert]:
    position_id = row["id"]
    if watchlist.on_shift and shift_of.get(position_id):
        return [
            Alert(
                watchlist=watchlist,
                kind=Alert.Kind.SHIFT,
                subject=f"s:{before}-{position_id}",
                position_id=position_id,
                before_id=before,
            )
            for before in shift_of[position_id]
        ]
    if not in_batch:
        return []  # a shift's later position, fetched for the shift alone
    if watchlist.on_first and position_id in firsts:
        kind = Alert.Kind.FIRST
    elif watchlist.on_position:
        kind = Alert.Kind.POSITION
    else:
        return []
    story = row["article__story_id"]
    story_key = (
        f"{story}/{row['actor_id']}/{row['proposal_id']}/{row['stance']}"
        if story and watchlist.one_per_story
        else None
    )
    return [
        Alert(
            watchlist=watchlist,
            kind=kind,
            subject=f"p:{position_id}",
            position_id=position_id,
            story_key=story_key,
        )
    ]


def _record(wanted: list[Alert]) -> None:
    """Insert the alerts; of several copies of one story only the earliest article's alert is
    a first one, the others (in this batch or a later one) point at it."""
    firsts: dict[tuple[int, str], Alert] = {}
    for alert in wanted:  # in article order
        if alert.story_key:
            firsts.setdefault((alert.watchlist_id, alert.story_key), alert)
    Alert.objects.bulk_create(
        [a for a in wanted if not a.story_key or firsts[(a.watchlist_id, a.story_key)] is a],
        ignore_conflicts=True,
    )
    if not firsts:
        return
    # The first alert of each story as recorded now (this batch's, or an earlier batch's).
    recorded = {
        (watchlist, key): (alert_id, subject)
        for alert_id, watchlist, key, subject in Alert.objects.filter(
            watchlist_id__in={w for w, _ in firsts},
            story_key__in={k for _, k in firsts},
            copy_of=None,
        ).values_list("id", "watchlist_id", "story_key", "subject")
    }
    copies = []
    for alert in wanted:
        if not alert.story_key:
            continue
        first_id, first_subject = recorded[(alert.watchlist_id, alert.story_key)]
        if first_subject != alert.subject:
            alert.copy_of_id = first_id
            alert.fanned_out = True
            copies.append(alert)
    Alert.objects.bulk_create(copies, ignore_conflicts=True)


FAN_OUT_SQL = """
UPDATE alerts_alert SET fanned_out = true
WHERE NOT fanned_out AND copy_of_id IS NULL
  AND (watchlist_id, subject) IN (SELECT * FROM unnest(%s::bigint[], %s::text[]))
RETURNING id, watchlist_id
"""


def _fan_out(watchlist_ids: list[int], subjects: list[str]) -> list[int]:
    """Create the deliveries of the alerts not yet fanned out (claimed by a conditional update,
    so two runs of one batch never both create them); returns those to send now."""
    with connection.cursor() as cursor:
        cursor.execute(FAN_OUT_SQL, [watchlist_ids, subjects])
        claimed = cursor.fetchall()
    if not claimed:
        return []
    watchlists = {
        w.id: w
        for w in Watchlist.objects.filter(id__in={w for _, w in claimed}).prefetch_related(
            "webhooks"
        )
    }
    deliveries = []
    for alert_id, watchlist_id in claimed:
        watchlist = watchlists[watchlist_id]
        if watchlist.email != Watchlist.Email.OFF:
            deliveries.append(
                Delivery(
                    alert_id=alert_id,
                    channel=Delivery.Channel.EMAIL,
                    status=Delivery.Status.DIGEST
                    if watchlist.email == Watchlist.Email.DIGEST
                    else Delivery.Status.PENDING,
                )
            )
        for hook in watchlist.webhooks.all():
            if hook.active:
                deliveries.append(
                    Delivery(alert_id=alert_id, channel=Delivery.Channel.WEBHOOK, webhook=hook)
                )
    created = Delivery.objects.bulk_create(deliveries)
    return [d.id for d in created if d.status == Delivery.Status.PENDING]
