"""Match a batch of newly saved positions against every watchlist and record the alerts.

The batch's (proposal, actor) pairs are looked up in the ``WatchKey`` table (an index, with 0
for "any"), so the cost grows with the watchlists that can match, not with all of them. Alerts
are inserted under unique constraints, and their deliveries by the same statement for the rows
it inserted: running a batch twice, or after a worker died half-way, records nothing twice.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from tracker.alerts.models import Alert, WatchKey, Watchlist
from tracker.extraction.models import ActorTree, Proposal

UNDATED = dt.date(9999, 12, 31)


# --- Keys ------------------------------------------------------------------------------------


def keys_for(watchlist: Watchlist, tree=None) -> list[tuple[int, int]]:
    """The (proposal_id, actor_id) keys of a watchlist, 0 meaning any."""
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
    tree = ActorTree.load()
    watchlists = list(Watchlist.objects.all())
    for watchlist in watchlists:
        rebuild_keys(watchlist, tree)
    return len(watchlists)


def actor_merged(absorbed_id: int, survivor_id: int) -> None:
    """After a merge: watchlists that watched the absorbed actor watch the survivor, and every
    watchlist's keys are recomputed (the absorbed actor's children now sit under the survivor)."""
    for watchlist in Watchlist.objects.filter(filters__actor__in=[absorbed_id, str(absorbed_id)]):
        watchlist.filters = {**watchlist.filters, "actor": str(survivor_id)}
        watchlist.save(update_fields=["filters"])
    rebuild_all_keys()


# The batch's positions and the later positions of shifts the batch made, each with whether it is
# the actor's first visible position on the proposal and the positions it shifted from. Nothing
# at all while no watchlist has a key: the EXISTS is a one-time filter, so the rows are not read.
ROWS_SQL = """
WITH shifts AS (
    SELECT s.before_id, s.after_id FROM dashboard_stanceshift s
    WHERE s.after_id = ANY(%(ids)s::bigint[]) OR s.before_id = ANY(%(ids)s::bigint[])
),
wanted AS (SELECT unnest(%(ids)s::bigint[]) AS id UNION SELECT after_id FROM shifts)
SELECT p.id, p.actor_id, p.proposal_id, p.stance, p.review_status, p.confidence, p.article_id,
       a.language, a.source_id, a.story_id, a.published,
       p.id = ANY(%(ids)s::bigint[]) AS in_batch,
       NOT EXISTS (
           SELECT 1 FROM extraction_position q
           WHERE q.actor_id = p.actor_id AND q.proposal_id = p.proposal_id AND q.id < p.id
             AND q.review_status <> 'rejected'
       ) AS first,
       ARRAY(SELECT before_id FROM shifts WHERE after_id = p.id ORDER BY before_id) AS befores
FROM wanted
JOIN extraction_position p ON p.id = wanted.id
JOIN ingestion_article a ON a.id = p.article_id
WHERE p.review_status <> 'rejected' AND EXISTS (SELECT 1 FROM alerts_watchkey)
"""
ROW_NAMES = (
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
    "in_batch",
    "first",
    "befores",
)

# Watchlists (not paused) under the batch's keys, with whether their owner may read positions
# (active, and a superuser or given extraction.view_position directly or by a group) and whether
# they have a webhook switched on.
CANDIDATES_SQL = """
WITH perm AS (
    SELECT p.id FROM auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id
    WHERE ct.app_label = 'extraction' AND p.codename = 'view_position'
)
SELECT k.proposal_id, k.actor_id, w.id, w.owner_id, w.name, w.filters, w.with_children,
       w.on_position, w.on_shift, w.on_first, w.confirmed_only, w.min_confidence,
       w.one_per_story, w.email,
       u.is_active AND (
           u.is_superuser
           OR EXISTS (SELECT 1 FROM auth_user_user_permissions up
                      WHERE up.user_id = u.id AND up.permission_id IN (SELECT id FROM perm))
           OR EXISTS (SELECT 1 FROM auth_user_groups ug
                      JOIN auth_group_permissions gp ON gp.group_id = ug.group_id
                      WHERE ug.user_id = u.id AND gp.permission_id IN (SELECT id FROM perm))
       ) AS readable
FROM alerts_watchkey k
JOIN alerts_watchlist w ON w.id = k.watchlist_id AND NOT w.paused
JOIN auth_user u ON u.id = w.owner_id
WHERE (k.proposal_id, k.actor_id) IN (SELECT * FROM unnest(%(proposals)s::int[], %(actors)s::int[]))
"""
WATCHLIST_FIELDS = (
    "id",
    "owner_id",
    "name",
    "filters",
    "with_children",
    "on_position",
    "on_shift",
    "on_first",
    "confirmed_only",
    "min_confidence",
    "one_per_story",
    "email",
)


@dataclass(slots=True)
class Watch:
    """The fields of a watchlist matching needs; a Django model instance per candidate would
    cost more than the matching."""

    id: int
    owner_id: int
    name: str
    filters: dict
    with_children: bool
    on_position: bool
    on_shift: bool
    on_first: bool
    confirmed_only: bool
    min_confidence: float
    one_per_story: bool
    email: str

    accepts = Watchlist.accepts


@dataclass(slots=True)
class Wanted:
    """An alert about to be recorded."""

    watchlist_id: int
    kind: str
    subject: str
    position_id: int
    before_id: int | None = None
    story_key: str | None = None
    copy_of_id: int | None = None


def _candidates(pairs: set[tuple[int, int]]):
    """{(proposal, actor) key: [watchlist ids]} and the watchlists whose owner may read
    positions, by id."""
    wanted = set()
    for proposal, actor in pairs:
        wanted.update({(proposal, actor), (proposal, 0), (0, actor), (0, 0)})
    found: dict[tuple[int, int], list[int]] = defaultdict(list)
    watchlists: dict[int, Watch] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            CANDIDATES_SQL,
            {"proposals": [p for p, _ in wanted], "actors": [a for _, a in wanted]},
        )
        for row in cursor.fetchall():
            *values, readable = row[2:]
            if not readable:
                continue  # who may not read positions is alerted about none
            found[(row[0], row[1])].append(values[0])
            if values[0] not in watchlists:
                fields = dict(zip(WATCHLIST_FIELDS, values, strict=True))
                if isinstance(fields["filters"], str):
                    fields["filters"] = json.loads(fields["filters"])
                watchlists[fields["id"]] = Watch(**fields)
    return found, watchlists


def readers(user_ids: Iterable[int]) -> set[int]:
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
    """Record the alerts these positions raise; returns the ids of the deliveries to send now.

    Typically three statements whatever the number of watchlists: the batch's rows, the
    candidate watchlists, and one that inserts the alerts (ON CONFLICT DO NOTHING) and the
    deliveries of those it inserted.
    """
    ids = sorted(set(position_ids))
    if not ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(ROWS_SQL, {"ids": ids})
        rows = [dict(zip(ROW_NAMES, row, strict=True)) for row in cursor.fetchall()]
    if not rows:
        return []
    candidates, watchlists = _candidates({(r["proposal_id"], r["actor_id"]) for r in rows})
    if not watchlists:
        return []
    wanted: list[Wanted] = []
    for row in sorted(rows, key=_article_order):
        key = (row["proposal_id"], row["actor_id"])
        matching = {
            w for k in (key, (key[0], 0), (0, key[1]), (0, 0)) for w in candidates.get(k, ())
        }
        for watchlist_id in sorted(matching):
            watchlist = watchlists[watchlist_id]
            if watchlist.accepts(row):
                wanted.extend(_alerts_for(watchlist, row))
    if not wanted:
        return []
    with transaction.atomic():
        return _record(wanted)


def _article_order(row: dict):
    return (row["article__published"] or UNDATED, row["article_id"], row["id"])


def _alerts_for(watchlist: Watch, row: dict) -> list[Wanted]:
    position_id = row["id"]
    if watchlist.on_shift and row["befores"]:
        return [
            Wanted(
                watchlist_id=watchlist.id,
                kind=Alert.Kind.SHIFT,
                subject=f"s:{before}-{position_id}",
                position_id=position_id,
                before_id=before,
            )
            for before in row["befores"]
        ]
    if not row["in_batch"]:
        return []  # a shift's later position, fetched for the shift alone
    if watchlist.on_first and row["first"]:
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
        Wanted(
            watchlist_id=watchlist.id,
            kind=kind,
            subject=f"p:{position_id}",
            position_id=position_id,
            story_key=story_key,
        )
    ]


# One statement records the alerts (a conflict means recorded before: nothing comes back) and
# the deliveries of those it recorded: an email unless the watchlist sends none, and one per
# webhook switched on. Copies of a story get no delivery.
INSERT_SQL = """
WITH ins AS (
    INSERT INTO alerts_alert (watchlist_id, kind, subject, position_id, before_id, story_key,
                              copy_of_id, created_at)
    SELECT w, k, s, p, b, sk, c, %(now)s::timestamptz
    FROM unnest(%(w)s::bigint[], %(k)s::text[], %(s)s::text[], %(p)s::bigint[], %(b)s::bigint[],
                %(sk)s::text[], %(c)s::bigint[]) AS wanted(w, k, s, p, b, sk, c)
    ON CONFLICT DO NOTHING
    RETURNING id, watchlist_id, copy_of_id
),
emails AS (
    INSERT INTO alerts_delivery (alert_id, channel, webhook_id, status, idempotency_key,
                                 attempts, response_excerpt, error, created_at)
    SELECT ins.id, 'email', NULL, CASE WHEN w.email = 'digest' THEN 'digest' ELSE 'pending' END,
           gen_random_uuid(), 0, '', '', %(now)s::timestamptz
    FROM ins JOIN alerts_watchlist w ON w.id = ins.watchlist_id
    WHERE ins.copy_of_id IS NULL AND w.email <> 'off'
    RETURNING id, status
),
hooks AS (
    INSERT INTO alerts_delivery (alert_id, channel, webhook_id, status, idempotency_key,
                                 attempts, response_excerpt, error, created_at)
    SELECT ins.id, 'webhook', h.id, 'pending', gen_random_uuid(), 0, '', '', %(now)s::timestamptz
    FROM ins JOIN alerts_webhook h ON h.watchlist_id = ins.watchlist_id AND h.active
    WHERE ins.copy_of_id IS NULL
    RETURNING id, status
)
SELECT id FROM emails WHERE status = 'pending'
UNION ALL SELECT id FROM hooks
"""


def _insert(alerts: list[Wanted]) -> list[int]:
    """Record these alerts and their deliveries; returns the deliveries to send now."""
    if not alerts:
        return []
    params = {
        "now": timezone.now(),
        "w": [a.watchlist_id for a in alerts],
        "k": [a.kind for a in alerts],
        "s": [a.subject for a in alerts],
        "p": [a.position_id for a in alerts],
        "b": [a.before_id for a in alerts],
        "sk": [a.story_key for a in alerts],
        "c": [a.copy_of_id for a in alerts],
    }
    with connection.cursor() as cursor:
        cursor.execute(INSERT_SQL, params)
        return [row[0] for row in cursor.fetchall()]


def _record(wanted: list[Wanted]) -> list[int]:
    """Insert the alerts; returns the deliveries to send now. Of several copies of one story only the earliest article's alert is a first
    one; the others (in this batch or a later one) point at it and send nothing."""
    firsts: dict[tuple[int, str], Wanted] = {}
    for alert in wanted:  # in article order
        if alert.story_key:
            firsts.setdefault((alert.watchlist_id, alert.story_key), alert)
    leads = [a for a in wanted if not a.story_key or firsts[(a.watchlist_id, a.story_key)] is a]
    to_send = _insert(leads)
    if firsts:
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
            if alert.story_key:
                first_id, first_subject = recorded[(alert.watchlist_id, alert.story_key)]
                if first_subject != alert.subject:
                    alert.copy_of_id = first_id
                    copies.append(alert)
        _insert(copies)
    return to_send
