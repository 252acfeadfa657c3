"""Where a state or body stands, counting what its officials said for it.

An official's position counts for the state or body they spoke for on the
statement's date, by the catalogue's dated roles (``ActorRole.speaks_for``
between ``start`` and ``end``): a former minister speaking after leaving office
speaks for nobody but themselves, and a position a curator marked ``personal``
never counts. Computed when read, so a corrected role or date is right at once:
for each (actor, proposal) cell one LIMIT 1 probe on ``position_pair_latest``
for the actor's own positions and one per role that speaks for it (on
``position_pair_official``, the same index without the positions marked personal);
the matrix "now" reads the actors' own latest positions from ``ActorStance`` instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from tracker.extraction.models import ActorRole, Position
from tracker.ingestion.models import Article

# The latest visible position of actor ``a.id`` on proposal ``pr.id`` up to ``%(as_of)s``, its own or
# one of an official's while in a role that speaks for it (not marked personal), with the columns
# ``{columns}`` (read with the row the probe finds, no second visit).
_LATEST = """
CROSS JOIN LATERAL (
    SELECT * FROM (
        (SELECT {columns} FROM extraction_position
         WHERE actor_id = a.id AND proposal_id = pr.id AND timeline_date <= %(as_of)s
           AND review_status <> 'rejected'
         ORDER BY timeline_date DESC, id DESC LIMIT 1)
        UNION ALL
        (SELECT q.* FROM extraction_actorrole r
         CROSS JOIN LATERAL (
            SELECT {columns} FROM extraction_position
            WHERE actor_id = r.actor_id AND proposal_id = pr.id
              AND timeline_date <= LEAST(%(as_of)s, COALESCE(r."end", 'infinity'::date))
              AND timeline_date >= COALESCE(r.start, '-infinity'::date)
              AND NOT personal AND review_status <> 'rejected'
            ORDER BY timeline_date DESC, id DESC LIMIT 1
         ) q
         WHERE r.speaks_for_id = a.id AND r.actor_id <> a.id)
    ) own_or_official
    ORDER BY timeline_date DESC, id DESC LIMIT 1
) p
"""
_DATES = "stated_on, is_past, date_approximate"

# What the actor and proposal pages show of each cell: the deciding position with its evidence
# and article, who stated it, and how many positions of its own the actor has on the proposal.
CELLS_SQL = f"""
SELECT a.id, pr.id, p.id, p.stance, p.timeline_date, p.actor_id, speaker.name,
       COALESCE((SELECT own.positions_count FROM dashboard_actorstance own
                 WHERE own.actor_id = a.id AND own.proposal_id = pr.id), 0),
       p.evidence, p.stated_on, p.is_past, p.review_status, p.article_id, art.title, art.language,
       p.date_approximate
FROM unnest(%(actors)s::bigint[]) AS a(id)
CROSS JOIN extraction_proposal pr
{_LATEST.format(columns=f"id, stance, timeline_date, actor_id, evidence, review_status, article_id, {_DATES}")}
JOIN extraction_actor speaker ON speaker.id = p.actor_id
JOIN ingestion_article art ON art.id = p.article_id
WHERE %(proposals)s::bigint[] IS NULL OR pr.id = ANY(%(proposals)s::bigint[])
"""  # noqa: S608 - constant SQL, values in params

# What the matrix shows of each cell: the stance, its dates, and the official's name when one
# stated it.
STANDINGS_SQL = f"""
SELECT a.id, pr.id, p.id, p.stance, p.timeline_date, p.{_DATES.replace(", ", ", p.")}, speaker.name
FROM unnest(%(actors)s::bigint[]) AS a(id)
CROSS JOIN extraction_proposal pr
{_LATEST.format(columns=f"id, stance, timeline_date, actor_id, {_DATES}")}
LEFT JOIN extraction_actor speaker ON speaker.id = p.actor_id AND p.actor_id <> a.id
"""  # noqa: S608 - constant SQL, values in params

# The matrix "now": the same cells from the actors' own latest positions as ``ActorStance`` keeps
# them (one index range) and one probe per proposal for each role that speaks for one of the
# actors (most actors have none), the latest of the two deciding.
STANDINGS_NOW_SQL = f"""
SELECT c.actor_id, c.proposal_id, p.id, p.stance, p.timeline_date, p.{_DATES.replace(", ", ", p.")},
       speaker.name
FROM (
    SELECT DISTINCT ON (actor_id, proposal_id) actor_id, proposal_id, position_id
    FROM (
        SELECT actor_id, proposal_id, position_id, timeline_date FROM dashboard_actorstance
        WHERE actor_id = ANY(%(actors)s::bigint[])
        UNION ALL
        SELECT r.speaks_for_id, pr.id, q.id, q.timeline_date
        FROM extraction_actorrole r
        CROSS JOIN extraction_proposal pr
        CROSS JOIN LATERAL (
            SELECT id, timeline_date FROM extraction_position
            WHERE actor_id = r.actor_id AND proposal_id = pr.id
              AND timeline_date <= COALESCE(r."end", 'infinity'::date)
              AND timeline_date >= COALESCE(r.start, '-infinity'::date)
              AND NOT personal AND review_status <> 'rejected'
            ORDER BY timeline_date DESC, id DESC LIMIT 1
        ) q
        WHERE r.speaks_for_id = ANY(%(actors)s::bigint[]) AND r.actor_id <> r.speaks_for_id
    ) own_or_official
    ORDER BY actor_id, proposal_id, timeline_date DESC, position_id DESC
) c
JOIN extraction_position p ON p.id = c.position_id
LEFT JOIN extraction_actor speaker ON speaker.id = p.actor_id AND p.actor_id <> c.actor_id
"""  # noqa: S608 - constant SQL, values in params


@dataclass
class Cell:
    """An actor's standing on one proposal: the position that decides it, and who stated it."""

    position_id: int
    stance: str
    timeline_date: dt.date
    speaker_id: int
    speaker_name: str
    is_official: bool
    own_count: int  # the actor's own visible positions on the proposal
    position: Position  # unsaved, with the fields and the article a page shows

    @property
    def via(self) -> str:
        """'' for the actor's own statement, else the official's name."""
        return self.speaker_name if self.is_official else ""


def cells(
    actor_ids: list[int], as_of: dt.date | None = None, proposal_ids: list[int] | None = None
) -> dict[tuple[int, int], Cell]:
    """{(actor_id, proposal_id): Cell}: each actor's latest position, its own or an official's.

    One query, with what a page shows of the deciding position and its article.
    """
    if not actor_ids:
        return {}
    params = {
        "actors": list(actor_ids),
        "as_of": as_of or dt.date.max,
        "proposals": list(proposal_ids) if proposal_ids is not None else None,
    }
    with connection.cursor() as cursor:
        cursor.execute(CELLS_SQL, params)
        rows = cursor.fetchall()
    found = {}
    for row in rows:
        actor, proposal, pos, stance, date, speaker, name, own = row[:8]
        evidence, stated_on, is_past, review, article_id, title, language, approximate = row[8:]
        position = Position(
            id=pos,
            actor_id=speaker,
            proposal_id=proposal,
            stance=stance,
            timeline_date=date,
            evidence=evidence,
            stated_on=stated_on,
            is_past=is_past,
            date_approximate=approximate,
            review_status=review,
            article=Article(id=article_id, title=title, language=language),
        )
        found[(actor, proposal)] = Cell(
            pos, stance, date, speaker, name, speaker != actor, own, position
        )
    return found


def standings(actor_ids: list[int], as_of: dt.date | None = None) -> list[tuple]:
    """Each actor's latest position on each proposal, its own or an official's, as rows of
    (actor_id, proposal_id, position_id, stance, timeline_date, stated_on, is_past,
    date_approximate, the official's name or None): the matrix's cells, one query."""
    if not actor_ids:
        return []
    sql = STANDINGS_SQL if as_of else STANDINGS_NOW_SQL
    with connection.cursor() as cursor:
        cursor.execute(sql, {"actors": list(actor_ids), "as_of": as_of})
        return cursor.fetchall()


def has_official_positions(as_of: dt.date | None = None, proposal_id: int | None = None) -> Exists:
    """True for an actor (the outer row) whose officials stated a position for it while in office."""
    roles = ActorRole.objects.filter(speaks_for=OuterRef("pk")).exclude(actor=OuterRef("pk"))
    in_office = Position.objects.visible().filter(
        actor_id=OuterRef("actor_id"),
        personal=False,
        timeline_date__gte=Coalesce(OuterRef("start"), Value(dt.date.min)),
        timeline_date__lte=Coalesce(OuterRef("end"), Value(dt.date.max)),
    )
    if as_of:
        in_office = in_office.filter(timeline_date__lte=as_of)
    if proposal_id:
        in_office = in_office.filter(proposal_id=proposal_id)
    return Exists(roles.filter(Exists(in_office)))


def spoken_for(actor_id: int, proposal_id: int | None = None) -> QuerySet:
    """Positions officials stated for ``actor_id`` while in office (not marked personal).

    Filtered by the officials' ids first, so PostgreSQL reads their positions by index instead
    of testing the roles against every position."""
    roles = ActorRole.objects.filter(speaks_for_id=actor_id).exclude(actor_id=actor_id)
    in_office = (
        roles.filter(actor_id=OuterRef("actor_id"))
        .filter(Q(start__isnull=True) | Q(start__lte=OuterRef("timeline_date")))
        .filter(Q(end__isnull=True) | Q(end__gte=OuterRef("timeline_date")))
    )
    qs = Position.objects.visible().filter(
        Exists(in_office), actor_id__in=roles.values("actor_id"), personal=False
    )
    return qs.filter(proposal_id=proposal_id) if proposal_id else qs


def speakers(actor_id: int, on: dt.date | None = None) -> list[ActorRole]:
    """The roles whose holders speak for ``actor_id`` on a date (today by default)."""
    on = on or dt.date.today()
    return list(
        ActorRole.objects.filter(speaks_for_id=actor_id)
        .exclude(actor_id=actor_id)
        .filter(Q(start__isnull=True) | Q(start__lte=on), Q(end__isnull=True) | Q(end__gte=on))
        .select_related("actor")
        .order_by("actor__name")
    )
