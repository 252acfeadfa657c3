"""QuerySet-level filters and the few hand-written SQL queries the dashboard needs.

Every function runs a fixed number of queries whatever the data size, and each
is shaped for an index (see the dashboard and extraction migrations):

- timeline: keyset pagination on (timeline_date, id) over ``position_timeline``
  or ``position_by_proposal`` / ``position_by_actor`` when those filters apply;
- matrix now: the ``ActorStanding`` table (one row per actor and proposal, officials counted),
  or ``ActorStance`` (the actors' own positions only);
- matrix "as of": one LATERAL index probe per cell on
  ``position_pair_latest`` (actor, proposal, timeline_date DESC, id DESC);
- search: per-language GIN indexes on ``to_tsvector(config, title || ' ' || text)``
  and trigram indexes on actor names and aliases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Least

from tracker.dashboard import rollup
from tracker.dashboard.forms import Cursor
from tracker.dashboard.rollup import has_official_positions, spoken_for
from tracker.extraction.models import (
    Actor,
    ActorStance,
    ActorTree,
    Position,
    Proposal,
    StanceShift,
)
from tracker.ingestion.models import SEARCH_CONFIGS, Article, Source

# --- Sources ----------------------------------------------------------------------
# (Actors for the filters, with their children: ``ActorTree`` in ``tracker.extraction.models``.)


def source_choices() -> dict[int, str]:
    return dict(Source.objects.values_list("id", "name"))


# --- Positions ----------------------------------------------------------------------

# What a timeline entry shows (templates/dashboard/_position.html): no article text, no rules.
TIMELINE_VALUES = [
    "id",
    "stance",
    "evidence",
    "stated_on",
    "is_past",
    "date_approximate",
    "timeline_date",
    "review_status",
    "origin",
    "original",
    "article_id",
    "actor_id",
    "proposal_id",
    "actor__name",
    "proposal__kind",
    "proposal__title",
    "article__title",
    "article__language",
    "article__story_id",
    "article__source_id",
]
# What exports and feeds carry besides: the confidence, the rules, the span and the article's link.
TIMELINE_FIELDS = [
    *(f for f in TIMELINE_VALUES if f != "article__story_id"),
    "confidence",
    "rules",
    "start",
    "end",
    "article__url",
    "article__published",
]

# Up to this many actors (an actor and its children) the timeline merges one
# index walk per actor; beyond it one walk over position_timeline is as good.
UNION_MAX_ACTORS = 50


def _filters(data: dict, by_proposal_id: bool = False) -> QuerySet:
    """Positions matching every filter but the actor, unordered."""
    qs = Position.objects.all()
    if data.get("proposal"):
        if by_proposal_id:
            # An InitPlan ($0) the planner can put into an index condition of
            # position_pair_latest (actor, proposal, timeline_date, id), where a
            # join on proposal.kind would leave proposal_id unknown at plan time.
            qs = qs.filter(
                proposal_id=Subquery(
                    Proposal.objects.filter(kind=data["proposal"]).values("id")[:1]
                )
            )
        else:
            qs = qs.filter(proposal__kind=data["proposal"])
    if data.get("stance"):
        qs = qs.filter(stance=data["stance"])
    return _other_filters(qs, data)


def _other_filters(qs: QuerySet, data: dict) -> QuerySet:
    """The filters that are not about the (actor, proposal, stance) triple: review, language, source, dates."""
    review = data.get("review")
    qs = qs.filter(review_status=review) if review else qs.visible()
    if data.get("language"):
        qs = qs.filter(article__language=data["language"])
    if data.get("source"):
        qs = qs.filter(article__source_id=data["source"])
    return _date_range(qs, data)


def _date_range(qs: QuerySet, data: dict) -> QuerySet:
    if data.get("date_from"):
        qs = qs.filter(timeline_date__gte=data["date_from"])
    if data.get("date_to"):
        qs = qs.filter(timeline_date__lte=data["date_to"])
    return qs


# --- Stories: one timeline item per (story, actor, proposal, stance) ------------------------

# Articles without a publication date (9999-12-31 below) come after dated ones within a story.
REPORTED_EARLIER_SQL = """EXISTS (
    SELECT 1 FROM ingestion_article story_a
    CROSS JOIN LATERAL (
        SELECT story_b.id FROM ingestion_article story_b
        WHERE story_b.story_id = story_a.story_id
          AND (COALESCE(story_b.published, DATE '9999-12-31'), story_b.id)
            < (COALESCE(story_a.published, DATE '9999-12-31'), story_a.id){article_where}
        OFFSET 0
    ) earlier
    JOIN extraction_position story_q ON story_q.article_id = earlier.id
    WHERE story_a.id = extraction_position.article_id
      AND story_q.actor_id + 0 = extraction_position.actor_id
      AND story_q.proposal_id = extraction_position.proposal_id
      AND story_q.stance = extraction_position.stance{position_where}
)"""


def reported_earlier(data: dict):
    """True for a position whose story already carries the same triple in an earlier article.

    "Earlier" is (published, article id): the earliest-published article of the
    story that makes the statement represents it, the lead article on a tie.
    The earlier position must match the same non-triple filters (review status,
    language, source, dates), so under any filter each (story, actor, proposal,
    stance) still shows exactly once: its earliest matching article. Articles
    without a story never match (``story_id = NULL`` is never true), and two
    positions of one article are never duplicates of each other.

    Evaluated only for the rows a page reads, as index probes: the row's article
    (primary key), the story's earlier articles (``ingestion_article (story_id)``),
    their positions (``extraction_position (article_id)``). The
    probe order is fixed (OFFSET 0 fence, ``actor_id + 0``): left free, the
    planner walks a busy actor's whole (actor, proposal) range on
    ``position_pair_latest`` for every row (100+ ms a page on the benchmark
    with stories), where a story has a handful of articles.
    """
    article_where, position_where, article_params, position_params = "", "", [], []
    if data.get("language"):
        article_where += " AND story_b.language = %s"
        article_params.append(data["language"])
    if data.get("source"):
        article_where += " AND story_b.source_id = %s"
        article_params.append(data["source"])
    if data.get("review"):
        position_where += " AND story_q.review_status = %s"
        position_params.append(data["review"])
    else:
        position_where += " AND story_q.review_status <> %s"
        position_params.append(Position.Review.REJECTED.value)
    if data.get("date_from"):
        position_where += " AND story_q.timeline_date >= %s"
        position_params.append(data["date_from"])
    if data.get("date_to"):
        position_where += " AND story_q.timeline_date <= %s"
        position_params.append(data["date_to"])
    sql = REPORTED_EARLIER_SQL.format(article_where=article_where, position_where=position_where)
    return RawSQL(sql, [*article_params, *position_params], output_field=BooleanField())  # noqa: S611 - constant SQL, values in params


def collapse_stories(qs: QuerySet, data: dict) -> QuerySet:
    """Only the first position of each (story, actor, proposal, stance) among those matching ``data``."""
    return qs.filter(~reported_earlier(data))


def other_sources(rows: list[dict]) -> dict[int, int]:
    """{position id: how many other sources carry the same triple in the same story} for timeline rows.

    One query for the whole page. "Other sources" are the distinct sources of the
    story's other articles with a visible position of the same actor, proposal and
    stance, not counting the row's own source (an article without a source counts
    once, as in ``Story.source_count``). This is what the sentence next to a
    position claims; ``Story.other_sources`` would also count outlets whose copy
    does not carry this statement (edited out, or not extracted).
    """
    stories = {row["article__story_id"] for row in rows if row["article__story_id"]}
    if not stories:
        return {}
    carriers: dict[tuple, set] = {}
    found = (
        Position.objects.visible()
        .filter(
            article__story_id__in=stories,
            actor_id__in={row["actor_id"] for row in rows},
            proposal_id__in={row["proposal_id"] for row in rows},
        )
        .values_list(
            "article__story_id",
            "actor_id",
            "proposal_id",
            "stance",
            "article_id",
            "article__source_id",
        )
        .distinct()
    )
    for story, actor, proposal, stance, article, source in found:
        carriers.setdefault((story, actor, proposal, stance), set()).add((article, source))
    counts = {}
    for row in rows:
        key = (row["article__story_id"], row["actor_id"], row["proposal_id"], row["stance"])
        own = row["article__source_id"]
        sources = {
            source if source is not None else ("article", article)
            for article, source in carriers.get(key, ())
            if article != row["article_id"] and (source is None or source != own)
        }
        counts[row["id"]] = len(sources)
    return counts


def _actor_ids(data: dict, tree: ActorTree | None) -> list[int]:
    if not data.get("actor"):
        return []
    return tree.with_descendants(data["actor"]) if tree else [data["actor"]]


def filter_positions(
    data: dict, tree: ActorTree | None = None, collapse: bool | None = None
) -> QuerySet:
    """Positions matching cleaned PositionFilterForm data, newest first (no paging).

    ``collapse`` (default: the ``collapse`` parameter) keeps one position per
    (story, actor, proposal, stance); see ``reported_earlier``.
    """
    qs = _filters(data)
    ids = _actor_ids(data, tree)
    if ids:
        qs = qs.filter(actor_id__in=ids) if len(ids) > 1 else qs.filter(actor_id=ids[0])
    if collapse if collapse is not None else data.get("collapse"):
        qs = collapse_stories(qs, data)
    return qs.order_by("-timeline_date", "-id")


def after_cursor(qs: QuerySet, cursor: Cursor | None) -> QuerySet:
    """Rows strictly after ``cursor`` in (timeline_date DESC, id DESC) order.

    The redundant ``timeline_date <= date`` bound gives the planner an index range.
    """
    if cursor is None:
        return qs
    return qs.filter(timeline_date__lte=cursor.date).filter(
        Q(timeline_date__lt=cursor.date) | Q(timeline_date=cursor.date, id__lt=cursor.id)
    )


def _merged_page_ids(data: dict, ids: list[int], n: int) -> RawSQL:
    """The ids of the first ``n`` matching positions of several actors, as one subquery.

    ``actor_id IN (…)`` ordered by date makes PostgreSQL walk position_timeline
    and throw away the other actors' rows (40,000 of them for a quiet family).
    Instead each actor gets its own ORDER BY … LIMIT n walk on position_by_actor,
    or position_pair_latest with a proposal, and a Merge Append of the UNION ALL
    reads only the n newest rows of all of them.
    """
    # One branch is compiled (with a marker for the actor) and repeated: compiling
    # forty querysets would cost more than the query.
    marker = -7_391_028_465
    branch = collapse_stories(
        after_cursor(_filters(data, by_proposal_id=True), data.get("after")), data
    )
    branch = (
        branch.filter(actor_id=marker)
        .order_by("-timeline_date", "-id")
        .values_list("id", "timeline_date")
    )
    sql, branch_params = branch[:n].query.sql_with_params()
    slot = list(branch_params).index(marker)
    params = []
    for actor_id in ids:
        params.extend([*branch_params[:slot], actor_id, *branch_params[slot + 1 :]])
    union = " UNION ALL ".join([f"({sql})"] * len(ids))
    return RawSQL(  # noqa: S611 - the SQL is Django-compiled, values are parameters
        f"SELECT id FROM ({union}) merged ORDER BY timeline_date DESC, id DESC LIMIT %s",  # noqa: S608 - compiled by Django, values in params
        [*params, n],
    )


def timeline_qs(data: dict, tree: ActorTree, n: int) -> QuerySet:
    """The first ``n`` matching positions after the cursor, newest first, as dicts of TIMELINE_VALUES.

    One position per (story, actor, proposal, stance): see ``reported_earlier``.
    """
    ids = _actor_ids(data, tree)
    if 1 < len(ids) <= UNION_MAX_ACTORS:
        qs = Position.objects.filter(id__in=_merged_page_ids(data, ids, n)).order_by(
            "-timeline_date", "-id"
        )
    else:
        qs = after_cursor(filter_positions(data, tree, collapse=True), data.get("after"))
    return qs.values(*TIMELINE_VALUES)[:n]


def timeline_page(data: dict, tree: ActorTree) -> tuple[list[dict], Cursor | None]:
    """One page of the timeline (dicts of TIMELINE_VALUES) and the cursor of the next page (None at the end)."""
    limit = data.get("limit") or 50
    rows = list(timeline_qs(data, tree, limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (Cursor(rows[-1]["timeline_date"], rows[-1]["id"]) if more and rows else None)


def count_newer(data: dict, tree: ActorTree, since_id: int, cap: int = 99) -> int:
    """How many timeline items (one per story and triple) were saved after position ``since_id`` (capped)."""
    qs = filter_positions(data, tree, collapse=True).filter(id__gt=since_id).order_by()
    return qs[: cap + 1].count()


# --- Matrix -------------------------------------------------------------------------


MATRIX_PAGE = 60


def matrix_actors(
    data: dict, offset: int, limit: int | None, officials: bool = True
) -> list[Actor]:
    """Actors that have (had, as of the date) a position, their own or, with ``officials``, one
    stated for them by an official in office; by name."""
    qs = Actor.objects.only("id", "name", "kind")
    if data.get("actor_kind"):
        qs = qs.filter(kind=data["actor_kind"])
    if data.get("as_of"):
        has_own = Exists(
            Position.objects.visible().filter(
                actor=OuterRef("pk"), timeline_date__lte=data["as_of"]
            )
        )
        qs = qs.filter(has_own | has_official_positions(data["as_of"]) if officials else has_own)
    else:
        qs = qs.filter(
            rollup.has_standing()
            if officials
            else Exists(ActorStance.objects.filter(actor=OuterRef("pk")))
        )
    qs = qs.order_by("name", "id")
    return list(qs[offset : offset + limit] if limit is not None else qs)


@dataclass
class Cell:
    position_id: int
    stance: str
    timeline_date: dt.date
    stated_on: dt.date | None = None
    is_past: bool = False
    approximate: bool = False
    via: str = ""


_CELL_DATES = ("stated_on", "is_past", "date_approximate")


def matrix_cells(
    actor_ids: list[int], as_of: dt.date | None, officials: bool = False
) -> dict[tuple[int, int], Cell]:
    """{(actor_id, proposal_id): Cell} for the given actors, now or as of a date; with
    ``officials``, an official's later statement for the actor decides the cell (see rollup)."""
    if not actor_ids:
        return {}
    if officials:
        return {
            (row[0], row[1]): Cell(*row[2:8], via=row[8] or "")
            for row in rollup.standings(actor_ids, as_of)
        }
    if as_of is None:
        rows = ActorStance.objects.filter(actor_id__in=actor_ids).values_list(
            "actor_id",
            "proposal_id",
            "position_id",
            "stance",
            "timeline_date",
            *(f"position__{f}" for f in _CELL_DATES),
        )
    else:
        rows = (
            Position.objects.visible()
            .filter(
                id__in=RawSQL(MATRIX_AS_OF_SQL, [list(actor_ids), as_of])  # noqa: S611 - constant SQL
            )
            .values_list("actor_id", "proposal_id", "id", "stance", "timeline_date", *_CELL_DATES)
        )
    return {(row[0], row[1]): Cell(*row[2:]) for row in rows}


# The id of each actor's latest visible position on each proposal up to a date: one LIMIT 1 probe
# per cell on position_pair_latest.
MATRIX_AS_OF_SQL = """
SELECT p.id
FROM unnest(%s::bigint[]) AS a(id)
CROSS JOIN extraction_proposal pr
CROSS JOIN LATERAL (
    SELECT id FROM extraction_position
    WHERE actor_id = a.id AND proposal_id = pr.id AND timeline_date <= %s
      AND review_status <> 'rejected'
    ORDER BY timeline_date DESC, id DESC LIMIT 1
) p
"""


def pair_evidence(
    actor_id: int,
    proposal_id: int,
    as_of: dt.date | None,
    limit: int = 20,
    officials: bool = False,
) -> list[Position]:
    """The statements behind a matrix cell, newest first; with ``officials``, also those its
    officials stated for it in office (each with ``actor`` loaded, to say through whom)."""
    qs = Position.objects.visible().filter(actor_id=actor_id, proposal_id=proposal_id)
    if officials:
        qs = qs | spoken_for(actor_id, proposal_id)
    if as_of:
        qs = qs.filter(timeline_date__lte=as_of)
    return list(
        qs.select_related("article", "actor")
        .only(
            *[f for f in TIMELINE_FIELDS if not f.startswith(("actor__", "proposal__"))],
            "actor__name",
        )
        .order_by("-timeline_date", "-id")[:limit]
    )


# --- Actor and proposal pages --------------------------------------------------------


# The roles whose holders speak for actor %(actor)s (see rollup), and a position ``{q}`` stated in
# one of them while in office, not marked personal.
_OFFICIALS = """SELECT r.actor_id, r.start, r."end" FROM extraction_actorrole r
    WHERE r.speaks_for_id = %(actor)s AND r.actor_id <> %(actor)s"""
_IN_OFFICE = """{q}.review_status <> 'rejected' AND NOT {q}.personal
      AND {q}.timeline_date >= COALESCE(r.start, '-infinity'::date)
      AND {q}.timeline_date <= COALESCE(r."end", 'infinity'::date)"""

# Per proposal, the latest %(n)s visible positions of the actor's own and its officials' together:
# LIMITed probes on position_pair_latest (one for the actor) and position_pair_official (one per
# official), so an actor with 30,000 positions costs the same as one with 30. An official's
# statement older than the actor's own %(n)s-th latest cannot be among the latest, so the
# officials' probes start there (found from the index alone; a role that ended before is not
# probed), and read few rows.
_HISTORY_COLUMNS = "id, stance, timeline_date, stated_on, is_past, article_id"
ACTOR_HISTORY_SQL = f"""
SELECT pr.id, p.*
FROM extraction_proposal pr
CROSS JOIN LATERAL (
    SELECT COALESCE((
        SELECT timeline_date FROM extraction_position
        WHERE actor_id = %(actor)s AND proposal_id = pr.id AND review_status <> 'rejected'
        ORDER BY timeline_date DESC, id DESC OFFSET %(n)s - 1 LIMIT 1
    ), '-infinity'::date) AS since
) own_nth
CROSS JOIN LATERAL (
    SELECT * FROM (
        (SELECT {_HISTORY_COLUMNS} FROM extraction_position
         WHERE actor_id = %(actor)s AND proposal_id = pr.id AND review_status <> 'rejected'
         ORDER BY timeline_date DESC, id DESC LIMIT %(n)s)
        UNION
        (SELECT q.* FROM ({_OFFICIALS}) r CROSS JOIN LATERAL (
            SELECT {_HISTORY_COLUMNS} FROM extraction_position pos
            WHERE pos.actor_id = r.actor_id AND pos.proposal_id = pr.id AND {_IN_OFFICE.format(q="pos")}
              AND pos.timeline_date >= own_nth.since
            ORDER BY timeline_date DESC, id DESC LIMIT %(n)s
         ) q
         WHERE COALESCE(r."end", 'infinity'::date) >= own_nth.since)
    ) own_or_official
    ORDER BY timeline_date DESC, id DESC LIMIT %(n)s
) p
"""  # noqa: S608 - constant SQL, values in params


class HistoryPoint(NamedTuple):
    id: int
    proposal_id: int
    stance: str
    timeline_date: dt.date
    stated_on: dt.date | None
    is_past: bool
    article_id: int


def actor_history(actor_id: int, per_proposal: int = 40) -> list[HistoryPoint]:
    """The latest ``per_proposal`` visible positions on each proposal of an actor and of its
    officials in office (see rollup), oldest first. One query."""
    with connection.cursor() as cursor:  # plain tuples: 280 model instances cost ~10 ms
        cursor.execute(ACTOR_HISTORY_SQL, {"actor": actor_id, "n": per_proposal})
        points = [HistoryPoint(row[1], row[0], *row[2:]) for row in cursor.fetchall()]
    return sorted(points, key=lambda p: (p.timeline_date, p.id))


SHIFT_RELATED = ["actor", "proposal", "before", "after", "before__article", "after__article"]
SHIFT_FIELDS = [
    "id",
    "actor_id",
    "proposal_id",
    "before_id",
    "after_id",
    "from_stance",
    "to_stance",
    "timeline_date",
    "actor__name",
    "proposal__kind",
    "proposal__title",
    "before__id",
    "before__evidence",
    "before__timeline_date",
    "before__article_id",
    "before__stated_on",
    "before__is_past",
    "before__date_approximate",
    "before__confidence",
    "before__review_status",
    "after__id",
    "after__evidence",
    "after__timeline_date",
    "after__article_id",
    "after__stated_on",
    "after__is_past",
    "after__date_approximate",
    "after__confidence",
    "after__review_status",
    "before__article__id",
    "before__article__title",
    "before__article__language",
    "after__article__id",
    "after__article__title",
    "after__article__language",
]


# An actor page's shifts: the actor and the proposals are on the page already, so only the two
# positions and their articles are joined (with seven relations, planning took longer than the
# query took to run).
ACTOR_SHIFT_RELATED = ["before", "after", "before__article", "after__article"]
ACTOR_SHIFT_FIELDS = [f for f in SHIFT_FIELDS if not f.startswith(("actor__", "proposal__"))]


def actor_shifts(actor: Actor, proposals: list[Proposal], limit: int = 20) -> list[StanceShift]:
    """The actor's latest shifts, with their actor and proposal set from the ones given."""
    by_id = {proposal.id: proposal for proposal in proposals}
    shifts = list(
        filter_shifts({"actor": actor.id})
        .select_related(*ACTOR_SHIFT_RELATED)
        .only(*ACTOR_SHIFT_FIELDS)[:limit]
    )
    for shift in shifts:
        shift.actor = actor
        shift.proposal = by_id[shift.proposal_id]
    return shifts


def filter_shifts(data: dict) -> QuerySet:
    """Shifts matching cleaned ShiftFilterForm data, newest first, each with ``confidence``: the
    lower of its two positions' (a shift is as sure as its weaker end)."""
    qs = StanceShift.objects.annotate(
        confidence=Least(F("before__confidence"), F("after__confidence"))
    )
    if data.get("proposal"):
        qs = qs.filter(proposal__kind=data["proposal"])
    if data.get("actor"):
        qs = qs.filter(actor_id=data["actor"])
    if data.get("confirmed"):
        qs = qs.filter(
            before__review_status=Position.Review.CONFIRMED,
            after__review_status=Position.Review.CONFIRMED,
        )
    return _date_range(qs, data).order_by("-timeline_date", "-id")


def count_newer_shifts(data: dict, since_id: int, cap: int = 99) -> int:
    """How many matching shifts were made by positions saved after position ``since_id`` (capped)."""
    return filter_shifts(data).filter(after_id__gt=since_id).order_by()[: cap + 1].count()


def shifts_page(data: dict, limit: int = 50) -> tuple[list[StanceShift], Cursor | None]:
    qs = after_cursor(filter_shifts(data), data.get("after"))
    rows = list(qs.select_related(*SHIFT_RELATED).only(*SHIFT_FIELDS)[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (Cursor(rows[-1].timeline_date, rows[-1].id) if more and rows else None)


MIN_CHART_WEEKS = 8


def weekly_counts(proposal: Proposal, weeks: int = 52) -> tuple[list[dict], dt.date | None, int]:
    """Visible positions on a proposal per ISO week and stance: (rows, first Monday, number of
    weeks). The chart spans the weeks that have data (at most ``weeks``, at least
    ``MIN_CHART_WEEKS``), so a month of positions is not a sliver at the edge of a year."""
    from django.db.models import Count, Max, Min
    from django.db.models.functions import TruncWeek

    last = ActorStance.objects.filter(proposal=proposal).aggregate(last=Max("timeline_date"))[
        "last"
    ]
    if last is None:
        return [], None, 0
    last_monday = last - dt.timedelta(days=last.weekday())
    first = last_monday - dt.timedelta(weeks=weeks - 1)
    earliest = (
        Position.objects.visible()
        .filter(proposal=proposal, timeline_date__gte=first, timeline_date__lte=last)
        .aggregate(first=Min("timeline_date"))["first"]
    )
    if earliest is not None:
        first = max(first, earliest - dt.timedelta(days=earliest.weekday()))
    span = (last_monday - first).days // 7 + 1
    if span < MIN_CHART_WEEKS:
        first -= dt.timedelta(weeks=MIN_CHART_WEEKS - span)
        span = MIN_CHART_WEEKS
    rows = (
        Position.objects.visible()
        .filter(proposal=proposal, timeline_date__gte=first, timeline_date__lte=last)
        .annotate(week=TruncWeek("timeline_date"))
        .values("week", "stance")
        .annotate(n=Count("id"))
        .order_by("week")
    )
    return list(rows), first, span


# --- Search ---------------------------------------------------------------------------


# Snowball's Arabic stemmer strips the article but stems some bare words differently (الضمانات and
# ضمانات give ضمان and ضمانا), so an Arabic query also runs with the article added to its bare
# words and taken off the others.
ARABIC_QUERY = (
    "(websearch_to_tsquery('arabic'::regconfig, %(q)s)"
    " || websearch_to_tsquery('arabic'::regconfig, regexp_replace(%(q)s, %(ar_bare)s, 'ال\\1', 'g'))"
    " || websearch_to_tsquery('arabic'::regconfig, regexp_replace(%(q)s, %(ar_definite)s, '\\1', 'g')))"
)
ARABIC_PATTERNS = {
    # A word starting with an Arabic letter and no article (ال, with و ف ب ك ل before it, or لل).
    "ar_bare": "\\m(?!ال|[وفبكل]ال|لل)([ء-ي])",
    "ar_definite": "\\mال([ء-ي])",
}


def _fts_where(language: str | None, table: str = "ingestion_article") -> str:
    """WHERE text matching the stored ``search`` vector with each language's configuration.

    One clause per language, so the query is stemmed like the text it searches;
    PostgreSQL answers them with a BitmapOr over the one GIN index. Parameters:
    ``%(q)s`` the query, ``%(lang)s`` the language filter (if any), ARABIC_PATTERNS.
    """
    clauses = []
    for code, config in SEARCH_CONFIGS.items():
        if language and language != code:
            continue
        query = (
            ARABIC_QUERY if code == "ar" else f"websearch_to_tsquery('{config}'::regconfig, %(q)s)"
        )
        clauses.append(f"({table}.language = '{code}' AND {table}.search @@ {query})")
    if not language or language not in SEARCH_CONFIGS:
        codes = ", ".join(f"'{c}'" for c in SEARCH_CONFIGS)
        extra = f" AND {table}.language = %(lang)s" if language else ""
        clauses.append(
            f"({table}.language NOT IN ({codes}){extra} AND "
            f"{table}.search @@ websearch_to_tsquery('simple'::regconfig, %(q)s))"
        )
    return "(" + " OR ".join(clauses) + ")"


# How many of the newest articles the first phase of a search reads (see search_articles).
SEARCH_WINDOW = 3000

SEARCH_SQL = """
WITH recent AS MATERIALIZED (
    SELECT id, published FROM (
        SELECT id, published, language, search FROM ingestion_article
        WHERE published IS NOT NULL
        ORDER BY published DESC, id DESC LIMIT %(window)s
    ) w WHERE {recent_where}
    ORDER BY published DESC, id DESC LIMIT %(need)s
), page AS (
    SELECT id, published FROM recent WHERE (SELECT count(*) FROM recent) >= %(need)s
    UNION ALL
    SELECT id, published FROM ingestion_article
    WHERE (SELECT count(*) FROM recent) < %(need)s AND {where}
    ORDER BY published DESC NULLS LAST, id DESC LIMIT %(limit)s OFFSET %(offset)s
)
SELECT a.id, a.title, a.language, a.published, a.source_id, a.url, left(a.text, 5000) AS text
FROM ingestion_article a JOIN page USING (id)
ORDER BY a.published DESC NULLS LAST, a.id DESC
"""


def search_sql(q: str, language: str | None, offset: int, limit: int) -> tuple[str, dict]:
    """The PostgreSQL search query and its parameters (also used by bench_dashboard --explain)."""
    sql = SEARCH_SQL.format(
        recent_where=_fts_where(language or None, "w"), where=_fts_where(language or None)
    )
    params = {
        "q": q,
        **ARABIC_PATTERNS,
        "lang": language or "",
        "window": SEARCH_WINDOW,
        "need": offset + limit,
        "limit": limit,
        "offset": offset,
    }
    return sql, params


def search_articles(q: str, language: str | None, offset: int, limit: int) -> list[Article]:
    """Newest matching articles first, in one query with a plan bounded for common and rare words.

    Phase one walks the newest ``SEARCH_WINDOW`` dated articles on ``article_recent``
    and tests the stored vector row by row, stopping at ``offset + limit`` hits:
    a common word ("перемирие" in a third of the articles) is answered after a
    few hundred rows instead of fetching and sorting 30,000 matches. Only when
    the window holds too few hits (a rarer word, so few matches overall) does
    phase two run (a gated InitPlan: otherwise "never executed"): all matches
    from the GIN index, sorted. Articles without a date sort last, so a full
    phase one is exactly the head of the whole ordered result.
    """
    return list(Article.objects.raw(*search_sql(q, language, offset, limit)))


ACTOR_SEARCH_SQL = """
SELECT id, name, kind FROM extraction_actor WHERE id IN (
    SELECT id FROM extraction_actor WHERE name ILIKE %(like)s OR %(q)s <%% name
    UNION
    SELECT actor_id FROM extraction_actoralias WHERE text ILIKE %(like)s OR %(q)s <%% text
) ORDER BY name LIMIT %(limit)s
"""


def search_actors(q: str, limit: int = 12) -> list[Actor]:
    """Actors whose name or an alias contains ``q`` or is word-similar to it (trigrams).

    ``ILIKE`` and ``<%`` are answered by the trigram GIN indexes in well under a
    millisecond, but the planner prices word_similarity() like an equality, so on
    ten thousand aliases it prefers a sequential scan that computes it row by row
    (~100 ms). Sequential scans are switched off for this one query.
    """
    like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        return list(Actor.objects.raw(ACTOR_SEARCH_SQL, {"q": q, "like": like, "limit": limit}))
