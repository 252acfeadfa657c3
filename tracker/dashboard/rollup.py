"""Where a state or body stands, counting what its officials said for it.

An official's position counts for the state or body they spoke for on the
statement's date, by the catalogue's dated roles (``ActorRole.speaks_for``
between ``start`` and ``end``): a former minister speaking after leaving office
speaks for nobody but themselves, and a position a curator marked ``personal``
never counts. Where each actor stands now is kept in ``ActorStanding``, which
the position writer and the role changes refresh; the pages "now" read it. "As
of" a date, it is computed when read: for each (actor, proposal) cell one LIMIT 1
probe on ``position_pair_latest`` for the actor's own positions and one per role
that speaks for it (on ``position_pair_official``, the same index without the
positions marked personal).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from tracker.extraction.models import (
    OFFICIAL_COUNT,
    STANDING_LATEST,
    ActorRole,
    ActorStanding,
    Position,
)
from tracker.ingestion.models import Article

_DATES = "stated_on, is_past, date_approximate"
_LATEST = STANDING_LATEST.format(
    actor="a.id", proposal="pr.id", as_of="%(as_of)s", columns="{columns}"
)

# What the actor and proposal pages show of each cell: the deciding position with its evidence
# and article, who stated it (``{speaker}``'s name), how many positions of its own the actor has on
# the proposal, and (``{official_count}``) how many its officials stated for it.
_CELL_COLUMNS = """p.id, p.stance, p.timeline_date, p.actor_id, {speaker},
       COALESCE((SELECT own.positions_count FROM dashboard_actorstance own
                 WHERE own.actor_id = {actor} AND own.proposal_id = {proposal}), 0),
       {official_count},
       p.evidence, p.stated_on, p.is_past, p.review_status, p.article_id, art.title, art.language,
       p.date_approximate"""

# The cells now, from ``ActorStanding``.
_NOW_COLUMNS = _CELL_COLUMNS.format(
    speaker="(SELECT speaker.name FROM extraction_actor speaker WHERE speaker.id = s.speaker_id)",
    actor="s.actor_id",
    proposal="s.proposal_id",
    official_count="s.official_count",
)
CELLS_NOW_SQL = f"""
SELECT s.actor_id, s.proposal_id, {_NOW_COLUMNS}
FROM extraction_actorstanding s
JOIN extraction_position p ON p.id = s.position_id
JOIN ingestion_article art ON art.id = p.article_id
WHERE s.actor_id = ANY(%(actors)s::bigint[])
  AND (%(proposals)s::bigint[] IS NULL OR s.proposal_id = ANY(%(proposals)s::bigint[]))
"""  # noqa: S608 - constant SQL, values in params

# The cells as of a date, probed (the counts are today's).
_AS_OF_COLUMNS = _CELL_COLUMNS.format(
    speaker="speaker.name",
    actor="a.id",
    proposal="pr.id",
    official_count="(" + OFFICIAL_COUNT.format(actor="a.id", proposal="pr.id") + ")",
)
CELLS_SQL = f"""
SELECT a.id, pr.id, {_AS_OF_COLUMNS}
FROM unnest(%(actors)s::bigint[]) AS a(id)
CROSS JOIN extraction_proposal pr
{_LATEST.format(columns=f"id, stance, timeline_date, actor_id, evidence, review_status, article_id, {_DATES}")}
JOIN extraction_actor speaker ON speaker.id = p.actor_id
JOIN ingestion_article art ON art.id = p.article_id
WHERE %(proposals)s::bigint[] IS NULL OR pr.id = ANY(%(proposals)s::bigint[])
"""  # noqa: S608 - constant SQL, values in params

# What the matrix shows of each cell as of a date: the stance, its dates, and the official's name
# when one stated it.
STANDINGS_SQL = f"""
SELECT a.id, pr.id, p.id, p.stance, p.timeline_date, p.{_DATES.replace(", ", ", p.")}, speaker.name
FROM unnest(%(actors)s::bigint[]) AS a(id)
CROSS JOIN extraction_proposal pr
{_LATEST.format(columns=f"id, stance, timeline_date, actor_id, {_DATES}")}
LEFT JOIN extraction_actor speaker ON speaker.id = p.actor_id AND p.actor_id <> a.id
"""  # noqa: S608 - constant SQL, values in params

# The same now, from ``ActorStanding`` alone (the names looked up for the officials' cells only).
STANDINGS_NOW_SQL = f"""
SELECT s.actor_id, s.proposal_id, s.position_id, s.stance, s.timeline_date, s.{_DATES.replace(", ", ", s.")},
       CASE WHEN s.speaker_id <> s.actor_id
            THEN (SELECT speaker.name FROM extraction_actor speaker WHERE speaker.id = s.speaker_id)
       END
FROM extraction_actorstanding s
WHERE s.actor_id = ANY(%(actors)s::bigint[])
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
    official_count: int  # the positions its officials stated for it there in office
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
        cursor.execute(CELLS_SQL if as_of else CELLS_NOW_SQL, params)
        rows = cursor.fetchall()
    found = {}
    for row in rows:
        actor, proposal, pos, stance, date, speaker, name, own, official = row[:9]
        evidence, stated_on, is_past, review, article_id, title, language, approximate = row[9:]
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
            pos, stance, date, speaker, name, speaker != actor, own, official, position
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


def has_standing(proposal_id: int | None = None) -> Exists:
    """True for an actor (the outer row) with a position now, its own or an official's for it."""
    standings = ActorStanding.objects.filter(actor=OuterRef("pk"))
    return Exists(standings.filter(proposal_id=proposal_id) if proposal_id else standings)


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


class Speaker(NamedTuple):
    actor_id: int
    name: str
    office: str


# The holders of the roles that speak for actor %(actor)s on %(on)s, by name.
SPEAKERS_SQL = """
SELECT r.actor_id, a.name, r.office FROM extraction_actorrole r
JOIN extraction_actor a ON a.id = r.actor_id
WHERE r.speaks_for_id = %(actor)s AND r.actor_id <> %(actor)s
  AND (r.start IS NULL OR r.start <= %(on)s) AND (r."end" IS NULL OR r."end" >= %(on)s)
ORDER BY a.name, r.office
"""


def speakers(actor_id: int, on: dt.date | None = None) -> list[Speaker]:
    """Who speaks for ``actor_id`` on a date (today by default), in which office. Plain SQL: the
    ORM's compilation of this small query cost three times its execution."""
    with connection.cursor() as cursor:
        cursor.execute(SPEAKERS_SQL, {"actor": actor_id, "on": on or dt.date.today()})
        return [Speaker(*row) for row in cursor.fetchall()]
