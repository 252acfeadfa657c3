"""Keep ``ActorStance``, ``StanceShift`` and ``ActorStanding`` in step with positions.

A shift is honest: it joins two days, not two sentences. The positions of one
actor on one proposal are grouped by day; a day whose statements disagree (one
article read both ways, or two outlets contradicting each other) is unsettled
and never the end of a shift, so a misread sentence cannot publish a change of
stance and back within one article. A shift runs from the last position of one
settled day to the first of the next settled day with another stance.

Only ``tracker.extraction.positions`` calls the refreshes, after it wrote
positions. Rebuilding one (actor, proposal) pair reads only that pair's
positions (an index range), so it is cheap enough to run whenever a position
is saved, reviewed or deleted. ``rebuild_all`` does the whole table in two SQL
statements (``manage.py rebuild_derived``, the benchmarks).

A change of an actor's positions also changes the standing of every state or body its roles
speak for (``ActorStanding``): each refresh here recomputes those pairs too, under the same
locks (a batch's new positions are taken in, ``ActorStanding.objects.refresh_added``). Changes
of the roles themselves refresh the standings through the models (``ActorRole.save``,
``ActorStanding.objects.refresh_actors``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from tracker.extraction.models import ActorStanding

Pair = tuple[int, int]


def refresh_pairs(pairs: Iterable[Pair]) -> None:
    """Recompute the latest stance and the shifts of each (actor_id, proposal_id) pair."""
    pairs = sorted(set(pairs))
    if not pairs:
        return
    _refresh_pairs_sql(pairs)


def _refresh_pairs_sql(pairs: list[Pair]) -> None:
    """All the pairs in three statements: a lock per pair and per pair of an actor their actors'
    roles speak for (in a fixed order, so no deadlock), then one statement that rewrites only the
    stance and shift rows that changed, and one for the standings.

    The transaction-scoped advisory lock serialises refreshes of the same pair: a second worker
    waits for the first to commit, and its refresh statement (a new snapshot under READ
    COMMITTED) then sees the first worker's positions, so neither overwrites the other with a
    view that misses positions.
    """
    actors = [actor_id for actor_id, _ in pairs]
    proposals = [proposal_id for _, proposal_id in pairs]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(LOCK_PAIRS, {"actors": actors, "proposals": proposals})
            standings = [(actor_id, proposal_id) for actor_id, proposal_id, _ in cursor.fetchall()]
            cursor.execute(REFRESH_PAIRS, [actors, proposals])
        ActorStanding.objects.refresh(standings, lock=False)  # locked above


def refresh_articles(article_ids: list[int], added_ids: list[int] = ()) -> None:
    """Refresh every pair the articles' positions touch (after extraction saved a batch's
    positions); ``added_ids`` are the positions it has just bulk-created, the only ones the
    derived tables do not count yet.

    Pairs whose positions were changed one by one or deleted are refreshed by ``refresh_pairs``.

    Only the neighbourhood of the batch is read (see ``REFRESH_ARTICLES``): the pairs' latest
    positions, and the shifts arriving at the days the batch touched and at the settled day
    after each, so a batch costs the same however many positions its pairs already have.
    """
    article_ids = sorted(set(article_ids))
    if not article_ids:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(LOCK_ARTICLE_PAIRS, {"articles": article_ids})
        if cursor.rowcount:
            cursor.execute(
                REFRESH_ARTICLES, {"articles": article_ids, "added": sorted(set(added_ids))}
            )
            ActorStanding.objects.refresh_added(added_ids)


VISIBLE = "review_status <> 'rejected'"

REBUILD_STANCES = f"""
INSERT INTO dashboard_actorstance (actor_id, proposal_id, position_id, stance, timeline_date, positions_count)
SELECT actor_id, proposal_id, id, stance, timeline_date, n FROM (
  SELECT id, actor_id, proposal_id, stance, timeline_date,
         ROW_NUMBER() OVER (PARTITION BY actor_id, proposal_id ORDER BY timeline_date DESC, id DESC) AS rn,
         COUNT(*) OVER (PARTITION BY actor_id, proposal_id) AS n
  FROM extraction_position WHERE {VISIBLE}
) latest WHERE rn = 1
"""  # noqa: S608 - constant SQL, no input

# The shifts of the pairs in a ``pairs`` CTE (columns a, p), as the CTE ``wanted``: positions
# grouped by day; days whose statements disagree are left out; consecutive remaining days with
# different stances make a shift, from the earlier day's last position to the later day's first.
SHIFTS_WANTED = f"""
days AS (
  SELECT pos.actor_id, pos.proposal_id, pos.timeline_date, MIN(pos.stance) AS stance,
         COUNT(DISTINCT pos.stance) = 1 AS settled, MIN(pos.id) AS first_id, MAX(pos.id) AS last_id
  FROM extraction_position pos JOIN pairs ON pos.actor_id = pairs.a AND pos.proposal_id = pairs.p
  WHERE pos.{VISIBLE}
  GROUP BY pos.actor_id, pos.proposal_id, pos.timeline_date
),
settled AS (
  SELECT actor_id, proposal_id, timeline_date, stance, first_id,
         LAG(last_id) OVER w AS prev_id, LAG(stance) OVER w AS prev_stance
  FROM days WHERE settled
  WINDOW w AS (PARTITION BY actor_id, proposal_id ORDER BY timeline_date)
),
wanted AS (
  SELECT actor_id, proposal_id, prev_id, first_id AS id, prev_stance, stance, timeline_date
  FROM settled WHERE prev_stance IS NOT NULL AND prev_stance <> stance
),"""  # noqa: S608 - constant SQL, no input

REBUILD_SHIFTS = f"""
WITH pairs AS (SELECT DISTINCT actor_id AS a, proposal_id AS p FROM extraction_position),
{SHIFTS_WANTED.rstrip(",")}
INSERT INTO dashboard_stanceshift (actor_id, proposal_id, before_id, after_id, from_stance, to_stance, timeline_date)
SELECT actor_id, proposal_id, prev_id, id, prev_stance, stance, timeline_date FROM wanted
"""  # noqa: S608 - constant SQL, no input


_PAIRS = "SELECT DISTINCT a, p FROM unnest(%s::bigint[], %s::bigint[]) AS t(a, p)"

# Locks the pairs and, for each, the pair of every actor a role of its actor speaks for (whose
# standing the pair's positions can decide), in a fixed order; returns them, the standings to
# refresh.
LOCK_PAIRS = """
SELECT a, p, pg_advisory_xact_lock(a::integer, p::integer) FROM (
  SELECT a, p FROM unnest(%(actors)s::bigint[], %(proposals)s::bigint[]) AS t(a, p)
  UNION
  SELECT r.speaks_for_id, t.p FROM unnest(%(actors)s::bigint[], %(proposals)s::bigint[]) AS t(a, p)
  JOIN extraction_actorrole r ON r.actor_id = t.a AND r.speaks_for_id <> r.actor_id
  ORDER BY 1, 2
) AS pairs
"""

# Each pair's latest visible position and count, and a shift wherever consecutive visible
# positions (by timeline_date, id) differ in stance, for every pair at once. Rows that are already right are left
# alone (no dead tuples, shift ids kept); the data-modifying CTEs all see the same snapshot.
# Shared by REFRESH_PAIRS and REFRESH_ARTICLES: which shift rows ("s") are still wanted ("w"), and
# the insert of wanted shifts that are missing.
_SHIFT_SAME = """w.actor_id = s.actor_id AND w.proposal_id = s.proposal_id AND w.prev_id = s.before_id
      AND w.id = s.after_id AND w.prev_stance = s.from_stance AND w.stance = s.to_stance
      AND w.timeline_date = s.timeline_date"""
_SHIFT_IS_WANTED = f"SELECT 1 FROM wanted w WHERE {_SHIFT_SAME}"  # noqa: S608 - constant SQL, no input
_SHIFTS_NEW = f"""shifts_new AS (
  INSERT INTO dashboard_stanceshift (actor_id, proposal_id, before_id, after_id, from_stance, to_stance,
                                     timeline_date)
  SELECT w.actor_id, w.proposal_id, w.prev_id, w.id, w.prev_stance, w.stance, w.timeline_date FROM wanted w
  WHERE NOT EXISTS (SELECT 1 FROM dashboard_stanceshift s WHERE {_SHIFT_SAME})
),"""  # noqa: S608 - constant SQL, no input

# The final statement of both: write each pair's latest position and count, leaving rows that are
# already right alone.
_UPSERT_LATEST = """
INSERT INTO dashboard_actorstance (actor_id, proposal_id, position_id, stance, timeline_date, positions_count)
SELECT actor_id, proposal_id, id, stance, timeline_date, n FROM latest
ON CONFLICT (actor_id, proposal_id) DO UPDATE SET
  position_id = EXCLUDED.position_id, stance = EXCLUDED.stance, timeline_date = EXCLUDED.timeline_date,
  positions_count = EXCLUDED.positions_count
WHERE (dashboard_actorstance.position_id, dashboard_actorstance.stance, dashboard_actorstance.timeline_date,
       dashboard_actorstance.positions_count)
  IS DISTINCT FROM (EXCLUDED.position_id, EXCLUDED.stance, EXCLUDED.timeline_date, EXCLUDED.positions_count)
"""

REFRESH_PAIRS = f"""
WITH pairs AS ({_PAIRS}),
{SHIFTS_WANTED}
seq AS (
  SELECT pos.id, pos.actor_id, pos.proposal_id, pos.stance, pos.timeline_date,
         ROW_NUMBER() OVER w AS rn, COUNT(*) OVER (PARTITION BY pos.actor_id, pos.proposal_id) AS n
  FROM extraction_position pos JOIN pairs ON pos.actor_id = pairs.a AND pos.proposal_id = pairs.p
  WHERE pos.{VISIBLE}
  WINDOW w AS (PARTITION BY pos.actor_id, pos.proposal_id ORDER BY pos.timeline_date, pos.id)
),
latest AS (SELECT actor_id, proposal_id, id, stance, timeline_date, n FROM seq WHERE rn = n),
shifts_gone AS (
  DELETE FROM dashboard_stanceshift s USING pairs
  WHERE s.actor_id = pairs.a AND s.proposal_id = pairs.p AND NOT EXISTS (
    {_SHIFT_IS_WANTED}
  )
),
{_SHIFTS_NEW}
stances_gone AS (
  DELETE FROM dashboard_actorstance s USING pairs
  WHERE s.actor_id = pairs.a AND s.proposal_id = pairs.p
    AND NOT EXISTS (SELECT 1 FROM latest l WHERE l.actor_id = s.actor_id AND l.proposal_id = s.proposal_id)
)
{_UPSERT_LATEST}"""  # noqa: S608 - constant SQL, no input


# The same for the articles' pairs; a position of theirs counts for whom its actor spoke for on
# its date only, and only when visible and not marked personal.
LOCK_ARTICLE_PAIRS = """
SELECT pg_advisory_xact_lock(a::integer, p::integer) FROM (
  SELECT actor_id AS a, proposal_id AS p FROM extraction_position WHERE article_id = ANY(%(articles)s)
  UNION
  SELECT r.speaks_for_id, pos.proposal_id FROM extraction_position pos
  JOIN extraction_actorrole r ON r.actor_id = pos.actor_id AND r.speaks_for_id <> r.actor_id
    AND pos.timeline_date BETWEEN COALESCE(r.start, '-infinity'::date) AND COALESCE(r."end", 'infinity'::date)
  WHERE pos.article_id = ANY(%(articles)s) AND NOT pos.personal AND pos.review_status <> 'rejected'
  ORDER BY 1, 2
) AS pairs
"""

# What ``refresh_pairs`` would produce for the articles' pairs.
#
# Every other change to a position is followed by ``refresh_pairs`` of its pair, so the derived
# rows are right except for the positions extraction has just bulk-created for these articles.
# Those change only the days they fall on, so only two shifts per such day can change: the one
# arriving at the day, and the one arriving at the next settled day after it (which may now
# leave from that day, or pass over it because the day has become unsettled). Those "target"
# days are recomputed, each from the settled day before it. Days are walked one at a time (a
# recursive CTE: the neighbouring day is one probe on position_pair_latest, its statements one
# index range) until a settled one, so the cost follows the days the batch touched, not the size
# of the pairs. A pair's count is its stance row's count plus the positions just added (a pair
# that also lost or changed positions is recounted in full by ``refresh_pairs`` right after),
# and its latest position is one probe on the same index. Rows that are already right are left
# alone; all CTEs see one snapshot, taken after the pair locks (LOCK_ARTICLE_PAIRS), so a
# concurrent refresh of the same pair has committed by then.
_PAIR_SEQ = f"q.actor_id = {{t}}.a AND q.proposal_id = {{t}}.p AND q.{VISIBLE}"
# One day of the pair of ``{t}`` (columns a, p): its stance, first and last position, and whether
# it is settled (one stance said that day).
_DAY = f"""SELECT q.timeline_date AS d, MIN(q.stance) AS stance, MIN(q.id) AS first_id,
           MAX(q.id) AS last_id, COUNT(DISTINCT q.stance) = 1 AS settled
    FROM extraction_position q WHERE {_PAIR_SEQ} AND q.timeline_date = {{day}}
    GROUP BY q.timeline_date"""  # noqa: S608 - constant SQL, no input
# The pair's day before or after the day ``{t}.d``.
_NEIGHBOUR = f"""(SELECT {{agg}}(n.timeline_date) FROM extraction_position n
      WHERE n.actor_id = {{t}}.a AND n.proposal_id = {{t}}.p AND n.{VISIBLE}
        AND n.timeline_date {{op}} {{t}}.d)"""  # noqa: S608 - constant SQL, no input


def _day(t: str, day: str) -> str:
    return _DAY.format(t=t, day=day)


def _next(t: str) -> str:
    return _NEIGHBOUR.format(agg="MIN", op=">", t=t)


def _previous(t: str) -> str:
    return _NEIGHBOUR.format(agg="MAX", op="<", t=t)


REFRESH_ARTICLES = f"""
WITH RECURSIVE pairs AS (
  SELECT DISTINCT actor_id AS a, proposal_id AS p FROM extraction_position
  WHERE article_id = ANY(%(articles)s)
),
mine AS (
  SELECT DISTINCT actor_id AS a, proposal_id AS p, timeline_date AS d FROM extraction_position
  WHERE article_id = ANY(%(articles)s) AND {VISIBLE}
),
later (a, p, d, stance, first_id, settled) AS (
  SELECT mine.a, mine.p, day.d, day.stance, day.first_id, day.settled
  FROM mine CROSS JOIN LATERAL ({_day("mine", _next("mine"))}) AS day
  UNION ALL
  SELECT later.a, later.p, day.d, day.stance, day.first_id, day.settled
  FROM later CROSS JOIN LATERAL ({_day("later", _next("later"))}) AS day
  WHERE NOT later.settled
),
targets AS (SELECT a, p, d FROM mine UNION SELECT a, p, d FROM later WHERE settled),
arriving AS (
  SELECT mine.a, mine.p, mine.d, day.stance, day.first_id
  FROM mine CROSS JOIN LATERAL ({_day("mine", "mine.d")}) AS day WHERE day.settled
  UNION
  SELECT a, p, d, stance, first_id FROM later WHERE settled
),
earlier (a, p, target, d, stance, last_id, settled) AS (
  SELECT arriving.a, arriving.p, arriving.d, day.d, day.stance, day.last_id, day.settled
  FROM arriving CROSS JOIN LATERAL ({_day("arriving", _previous("arriving"))}) AS day
  UNION ALL
  SELECT earlier.a, earlier.p, earlier.target, day.d, day.stance, day.last_id, day.settled
  FROM earlier CROSS JOIN LATERAL ({_day("earlier", _previous("earlier"))}) AS day
  WHERE NOT earlier.settled
),
wanted AS (
  SELECT t.a AS actor_id, t.p AS proposal_id, e.last_id AS prev_id, t.first_id AS id,
         e.stance AS prev_stance, t.stance, t.d AS timeline_date
  FROM arriving t JOIN earlier e ON e.a = t.a AND e.p = t.p AND e.target = t.d AND e.settled
  WHERE e.stance <> t.stance
),
shifts_gone AS (
  DELETE FROM dashboard_stanceshift s USING targets t
  WHERE s.actor_id = t.a AND s.proposal_id = t.p AND s.timeline_date = t.d AND NOT EXISTS (
    {_SHIFT_IS_WANTED}
  )
),
{_SHIFTS_NEW}
added AS (
  SELECT actor_id, proposal_id, COUNT(*) AS n FROM extraction_position
  WHERE id = ANY(%(added)s) AND {VISIBLE}
  GROUP BY actor_id, proposal_id
),
latest AS (
  SELECT pairs.a AS actor_id, pairs.p AS proposal_id, last.id, last.stance, last.timeline_date,
         COALESCE(cur.positions_count + COALESCE(added.n, 0), counted.n) AS n
  FROM pairs CROSS JOIN LATERAL (
    SELECT q.id, q.stance, q.timeline_date FROM extraction_position q WHERE {_PAIR_SEQ.format(t="pairs")}
    ORDER BY q.timeline_date DESC, q.id DESC LIMIT 1
  ) AS last
  LEFT JOIN dashboard_actorstance cur ON cur.actor_id = pairs.a AND cur.proposal_id = pairs.p
  LEFT JOIN added ON added.actor_id = pairs.a AND added.proposal_id = pairs.p
  CROSS JOIN LATERAL (
    -- Counted from scratch only for a pair without a stance row yet (a one-time filter).
    SELECT COUNT(*) AS n FROM extraction_position q
    WHERE cur.actor_id IS NULL AND {_PAIR_SEQ.format(t="pairs")}
  ) AS counted
),
stances_gone AS (
  DELETE FROM dashboard_actorstance s
  WHERE s.actor_id = ANY(ARRAY(SELECT a FROM pairs))
    AND EXISTS (SELECT 1 FROM pairs WHERE pairs.a = s.actor_id AND pairs.p = s.proposal_id)
    AND NOT EXISTS (SELECT 1 FROM latest l WHERE l.actor_id = s.actor_id AND l.proposal_id = s.proposal_id)
)
{_UPSERT_LATEST}"""  # noqa: S608 - constant SQL, no input


def rebuild_all() -> None:
    """Rebuild the derived tables from scratch with set-based SQL (backfill, benchmark)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM dashboard_stanceshift")
            cursor.execute("DELETE FROM dashboard_actorstance")
            cursor.execute(REBUILD_STANCES)
            cursor.execute(REBUILD_SHIFTS)
        ActorStanding.objects.rebuild()
