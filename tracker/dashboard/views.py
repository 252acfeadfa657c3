"""Dashboard pages. Function-based, login and permission required on every one.

An htmx request gets the named partial of the page's template; a plain request
gets the whole page, so every hx-get also works as a link. Lists take
``format=csv`` or ``format=json`` and stream the same rows.
"""

from __future__ import annotations

import datetime as dt
import html
from functools import wraps
from itertools import groupby

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Max, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from tracker.dashboard import charts, exports, feeds, highlight, queries, rollup
from tracker.dashboard.forms import (
    DEFAULT_LIMIT,
    MatrixFilterForm,
    PositionFilterForm,
    SearchForm,
    ShiftFilterForm,
    query_string,
)
from tracker.dashboard.templatetags.dashboard import (
    date_text,
    position_date,
    stance_label,
    stance_symbol,
)
from tracker.extraction.models import (
    PROPOSAL_KINDS,
    Actor,
    ActorStance,
    ActorTree,
    ExtractionRun,
    Position,
    Proposal,
    StanceShift,
)
from tracker.ingestion.models import Article
from tracker.nlp import vocabulary
from tracker.nlp.vocabulary import STANCES


def analyst_view(view):
    """GET only, logged in, allowed to read positions; responses vary on HX-Request."""

    @require_GET
    @login_required
    @permission_required("extraction.view_position", raise_exception=True)
    @vary_on_headers("HX-Request")
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    return wrapper


def _page(
    request, template: str, partial: str | None, context: dict, status: int = 200
) -> HttpResponse:
    name = f"{template}#{partial}" if request.htmx and partial else template
    return render(request, name, context, status=status)


def _proposals() -> list[Proposal]:
    return list(Proposal.objects.order_by("id"))


# --- Timeline -------------------------------------------------------------------------


def _days(positions, continued_from: dt.date | None):
    days = []
    for date, items in groupby(positions, key=lambda p: p["timeline_date"]):
        days.append({"date": date, "positions": list(items), "continued": date == continued_from})
    return days


def _int_or_none(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def _options(choices, selected: str) -> str:
    """<option>s for a select, escaped here: format_html_join over a thousand actors costs ~25 ms."""
    # html.escape is what django.utils.html.escape calls, without its lazy-string wrapper (5x slower here).
    return mark_safe(  # noqa: S308 - every value and label is escaped
        "".join(
            f'<option value="{html.escape(str(value))}"{" selected" if str(value) == selected else ""}>'
            f"{html.escape(label)}</option>"
            for value, label in choices
        )
    )


def _url_pattern(name: str, *placeholders) -> str:
    """A reversed URL with ``{}`` where its arguments go (reverse() per row costs ~15 µs)."""
    url = reverse(name, args=placeholders)
    for value in placeholders:
        url = url.replace(f"/{value}/", "/{}/", 1)
    return url


def _timeline_entries(rows: list[dict], others: dict[int, int]) -> list[dict]:
    """Timeline rows with links, labels and dates made here, so the template only prints strings.

    ``others``: {position id: other sources of its story carrying the same statement}.

    Fifty entries with four {% url %} tags, filters and a simple tag each cost
    more than the query; these are plain string operations.
    """
    actor_url = _url_pattern("dashboard:actor", 999999)
    proposal_url = _url_pattern("dashboard:proposal", "KIND")
    article_url = _url_pattern("dashboard:article", 999999)
    for row in rows:
        date, stated = row["timeline_date"], row["stated_on"]
        row["actor_url"] = actor_url.format(row["actor_id"])
        row["proposal_url"] = proposal_url.format(row["proposal__kind"])
        row["article_url"] = article_url.format(row["article_id"])
        row["symbol"] = stance_symbol(row["stance"])
        row["label"] = stance_label(row["stance"])
        row["date_iso"] = date.isoformat()
        row["date_text"] = date_text(date, stated, row["is_past"], row["date_approximate"])
        row["corrected"] = _was(row["original"]) if row["origin"] == "curated" else ""
        row["direction"] = "rtl" if row["article__language"] == "ar" else "ltr"
        n = others.get(row["id"], 0)
        row["also_reported"] = (
            f"also reported by {n} other source{'' if n == 1 else 's'}" if n else ""
        )
    return rows


def _was(original: dict | None) -> str:
    """What a curator corrected, in words: the extraction as the machine left it."""
    if not original:
        return "Added by a curator"
    when = original.get("stated_on") or original.get("timeline_date") or ""
    stance = STANCES[original["stance"]].verb if original.get("stance") in STANCES else "?"
    return (
        f"Extracted as: {original.get('actor', '?')} {stance} "
        f"{vocabulary.PROPOSAL_KINDS.get(original.get('proposal'), '?').lower()}"
        + (f", {dt.date.fromisoformat(when):%-d %b %Y}" if when else "")
    )


@analyst_view
def timeline(request: HttpRequest) -> HttpResponse:
    tree = ActorTree.load()
    sources = queries.source_choices()
    form = PositionFilterForm(request.GET, actors=tree.actors, sources=sources)
    context = {"form": form, "proposal_choices": PROPOSAL_KINDS}
    if not request.htmx:  # an htmx request swaps the list only; the filter form stays as it is
        selected_actor = request.GET.get("actor", "")
        context.update(
            # A thousand <option>s through the template engine cost ~100 ms; built here they cost ~1 ms.
            actor_options=_options(
                tree.choices(selected=_int_or_none(selected_actor)), selected_actor
            ),
            source_options=_options(
                sorted(sources.items(), key=lambda s: s[1].casefold()),
                request.GET.get("source", ""),
            ),
        )
    if not form.is_valid():
        context.update(days=[], invalid=True)
        return _page(request, "dashboard/timeline.html", "entries", context, status=400)
    data = form.cleaned_data
    if data["format"] != "html":
        qs = queries.after_cursor(queries.filter_positions(data, tree), data.get("after"))
        return exports.stream(
            exports.position_rows(qs), exports.POSITION_HEADER, data["format"], "positions"
        )
    positions, next_cursor = queries.timeline_page(data, tree)
    query = query_string(data, form.FILTERS)
    cursor = data.get("after")
    since = data.get("since")
    just_added = []
    if since is not None and not cursor:
        # "N new — show": what arrived since the page was drawn, wherever its date puts it.
        just_added = list(
            queries.filter_positions(data, tree, collapse=True)
            .filter(id__gt=since)
            .values(*queries.TIMELINE_VALUES)[:50]
        )
    new_ids = {row["id"] for row in just_added}
    rows = _timeline_entries(positions + just_added, queries.other_sources(positions + just_added))
    for row in rows:
        row["is_new"] = row["id"] in new_ids
    context.update(
        just_added=rows[len(positions) :],
        filtered=bool(query),
        waiting=0
        if positions or query
        else Article.objects.filter(
            state__in=[Article.State.INGESTED, Article.State.EXTRACTING]
        ).count(),
        days=_days(rows[: len(positions)], cursor.date if cursor else None),
        next_query=query_string(
            data,
            form.FILTERS,
            after=next_cursor,
            limit=data["limit"] if data["limit"] != DEFAULT_LIMIT else None,
        )
        if next_cursor
        else None,
        query=query,
        since=Position.objects.aggregate(top=Max("id"))["top"] or 0,
    )
    partial = "rows" if cursor else "entries"
    response = _page(request, "dashboard/timeline.html", partial, context)
    return _clean_url(request, response, "dashboard:timeline", query)


def _clean_url(request, response: HttpResponse, name: str, query: str) -> HttpResponse:
    """After the filter form applied itself, the address bar shows only the filters that are set
    (no ``?proposal=&actor=…``), replacing the history entry rather than adding one per change."""
    if request.htmx and request.headers.get("HX-Trigger") == "filters":
        response["HX-Replace-Url"] = reverse(name) + (f"?{query}" if query else "")
    return response


def _since(request: HttpRequest) -> int:
    """The ``since`` id a polling page sends; -1 when it is missing or not a number."""
    try:
        return int(request.GET.get("since", ""))
    except ValueError:
        return -1


@analyst_view
def timeline_new(request: HttpRequest) -> HttpResponse:
    """How many positions matching the filters arrived since the page was drawn (polled by htmx)."""
    tree = ActorTree.load()
    form = PositionFilterForm(request.GET, actors=tree.actors, sources=None)
    since = _since(request)
    if not form.is_valid() or since < 0:
        return HttpResponse("Invalid filters", status=400)
    count = queries.count_newer(form.cleaned_data, tree, since)
    context = {
        "count": count,
        "since": since,
        "query": query_string(form.cleaned_data, form.FILTERS),
    }
    return render(request, "dashboard/timeline.html#new-items", context)


def _shift_entries(shifts) -> list[StanceShift]:
    """Shifts with their links and dates made here (five {% url %} tags and two simple tags per shift otherwise)."""
    actor_url = _url_pattern("dashboard:actor", 999999)
    proposal_url = _url_pattern("dashboard:proposal", "KIND")
    article_url = _url_pattern("dashboard:article", 999999)
    shifts = list(shifts)
    for shift in shifts:
        shift.actor_url = actor_url.format(shift.actor_id)
        shift.proposal_url = proposal_url.format(shift.proposal.kind)
        for side in (shift.before, shift.after):
            side.url = f"{article_url.format(side.article_id)}#position-{side.id}"
            side.date_text = position_date(side)
    return shifts


# --- Actors and proposals ------------------------------------------------------------------


@analyst_view
def actor_list(request: HttpRequest) -> HttpResponse:
    """Actors with positions, their own or stated for them by officials in office."""
    actors = list(
        Actor.objects.filter(rollup.has_standing())
        .only("id", "name", "kind", "parent_id")
        .order_by("name")
    )
    counts = {actor.id: {"support": 0, "considering": 0, "oppose": 0} for actor in actors}
    for (actor_id, _), cell in rollup.cells(list(counts)).items():
        counts[actor_id][cell.stance] += 1
    for actor in actors:
        actor.counts = counts[actor.id]
    groups = []
    labels = dict(Actor.Kind.choices)
    for kind, _ in Actor.Kind.choices:
        members = [a for a in actors if a.kind == kind]
        if members:
            groups.append({"kind": labels[kind], "actors": members})
    return render(request, "dashboard/actors.html", {"groups": groups})


def _standing(cell: rollup.Cell | None) -> dict | None:
    """What a stance cell shows: the stance, its date, and through whom if an official stated it."""
    if cell is None:
        return None
    position = cell.position
    return {
        "stance": cell.stance,
        "position": position,
        "date_text": position_date(position),
        "via": cell.via,
        "via_id": cell.speaker_id if cell.is_official else None,
    }


@analyst_view
def actor_detail(request: HttpRequest, actor_id: int) -> HttpResponse:
    """Where an actor stands on each proposal (its officials in office count for it), how it got
    there, and its shifts. Ten queries, however many positions."""
    family = list(
        Actor.objects.filter(Q(id=actor_id) | Q(parent_id=actor_id))
        .select_related("parent")
        .order_by("name")
    )
    actor = next((a for a in family if a.id == actor_id), None)
    if actor is None:
        raise Http404("No such actor.")
    children = [a for a in family if a.parent_id == actor.id]
    cells = rollup.cells([actor.id])
    history = queries.actor_history(actor.id)
    proposals = _proposals()
    rows = []
    for proposal in proposals:
        points = [p for p in history if p.proposal_id == proposal.id]
        cell = cells.get((actor.id, proposal.id))
        rows.append(
            {
                "proposal": proposal,
                "current": _standing(cell),
                "count": cell.own_count + cell.official_count if cell else 0,
                "spark": charts.sparkline(points),
            }
        )
    shifts = _shift_entries(queries.actor_shifts(actor, proposals))
    actor_url = _url_pattern("dashboard:actor", 999999)
    for child in children:
        child.url = actor_url.format(child.id)
    return render(
        request,
        "dashboard/actor.html",
        {
            "actor": actor,
            "children": children,
            "rows": rows,
            "shifts": shifts,
            "has_positions": bool(cells),
            "speakers": rollup.speakers(actor.id),
        },
    )


@analyst_view
def proposal_list(request: HttpRequest) -> HttpResponse:
    """The seven proposals, each with how many actors now support, consider or oppose it."""
    counts: dict[int, dict[str, int]] = {}
    for proposal_id, stance, n in (
        ActorStance.objects.values_list("proposal_id", "stance").annotate(n=Count("id")).order_by()
    ):
        counts.setdefault(proposal_id, {})[stance] = n
    proposals = _proposals()
    for proposal in proposals:
        mine = counts.get(proposal.id, {})
        proposal.counts = [(stance, mine.get(stance, 0)) for stance in vocabulary.STANCE_ORDER]
    return render(request, "dashboard/proposals.html", {"proposals": proposals})


@analyst_view
def proposal_detail(request: HttpRequest, kind: str) -> HttpResponse:
    """Where each actor stands now (an official in office speaking for a state counts for it)."""
    proposal = get_object_or_404(Proposal, kind=kind)
    actors = {
        a.id: a for a in Actor.objects.filter(rollup.has_standing(proposal.id)).only("id", "name")
    }
    cells = rollup.cells(list(actors), proposal_ids=[proposal.id])
    standings = []
    for (actor_id, _), cell in cells.items():
        standing = _standing(cell)
        standing["actor"] = actors[actor_id]
        standings.append(standing)
    now = {"support": [], "considering": [], "oppose": []}
    for standing in sorted(standings, key=lambda s: s["actor"].name.casefold()):
        now[standing["stance"]].append(standing)
    # One entry per statement: Tusk's own, or Poland's via Tusk, said once (the state's wins).
    key_by_position = {}
    for standing in sorted(standings, key=lambda s: not s["via"]):
        key_by_position.setdefault(standing["position"].id, standing)
    key = sorted(
        key_by_position.values(),
        key=lambda s: (s["position"].timeline_date, s["position"].id),
        reverse=True,
    )[:12]
    rows, first, weeks = queries.weekly_counts(proposal)
    return render(
        request,
        "dashboard/proposal.html",
        {
            "proposal": proposal,
            "columns": [
                ("support", "Support", now["support"]),
                ("considering", "Considering", now["considering"]),
                ("oppose", "Oppose", now["oppose"]),
            ],
            "chart": charts.weekly_bars(rows, first, weeks=weeks or 52),
            "key_statements": key,
            "proposals": PROPOSAL_KINDS,
        },
    )


# --- Matrix ---------------------------------------------------------------------------------


def _matrix_rows(actors, cells, proposals, query: str):
    """Rows with each row's cells made here, escaped as ``_options`` does: 420 cells through the
    template's tags cost more than all the page's queries."""
    base = reverse("dashboard:matrix-cell", args=[0, "KIND"]).replace("/0/KIND/", "/{}/{}/")
    actor_base = reverse("dashboard:actor", args=[0]).replace("/0/", "/{}/")
    suffix = "?" + query if query else ""
    titles = [html.escape(proposal.title) for proposal in proposals]
    rows = []
    for actor in actors:
        row = []
        for proposal, title in zip(proposals, titles, strict=True):
            cell = cells.get((actor.id, proposal.id))
            if cell is None:
                row.append(
                    f'<td class="cell none" data-proposal="{title}"><span aria-hidden="true">—</span>'
                    '<span class="visually-hidden">no position</span></td>'
                )
                continue
            stance = STANCES[cell.stance]
            via = f"via {cell.via}, " if cell.via else ""
            when = date_text(cell.timeline_date, cell.stated_on, cell.is_past, cell.approximate)
            label = html.escape(f"{actor.name} {stance.verb} {proposal.title.lower()}, {via}{when}")
            href = html.escape(base.format(actor.id, proposal.kind) + suffix)
            mark = '<sup class="via-mark" aria-hidden="true">via</sup>' if cell.via else ""
            row.append(
                f'<td class="cell stance-{cell.stance}" data-proposal="{title}"><a href="{href}" '
                f'hx-get="{href}" hx-target="#evidence-panel" title="{label}"><span aria-hidden="true">'
                f'{stance.symbol}</span>{mark}<span class="visually-hidden">{label}</span></a></td>'
            )
        rows.append(
            {
                "actor": actor,
                "href": actor_base.format(actor.id),
                "cells": mark_safe("".join(row)),  # noqa: S308 - every value and label is escaped
            }
        )
    return rows


@analyst_view
def matrix(request: HttpRequest) -> HttpResponse:
    form = MatrixFilterForm(request.GET)
    proposals = _proposals()
    context = {"form": form, "proposals": proposals, "kind_choices": Actor.Kind.choices}
    if not form.is_valid():
        context.update(rows=[], invalid=True)
        return _page(request, "dashboard/matrix.html", "grid", context, status=400)
    data = form.cleaned_data
    if data["format"] != "html":
        return _matrix_export(data, proposals, form.include_officials)
    page = data["page"]
    officials = form.include_officials
    actors = queries.matrix_actors(
        data, (page - 1) * queries.MATRIX_PAGE, queries.MATRIX_PAGE + 1, officials
    )
    more = len(actors) > queries.MATRIX_PAGE
    actors = actors[: queries.MATRIX_PAGE]
    cells = queries.matrix_cells([a.id for a in actors], data.get("as_of"), officials)
    query = query_string(data, form.FILTERS)
    context.update(
        rows=_matrix_rows(actors, cells, proposals, query_string(data, ("as_of", "officials"))),
        query=query,
        officials=officials,
        as_of=data.get("as_of"),
        page=page,
        next_query=query_string(data, form.FILTERS, page=page + 1) if more else None,
        prev_query=query_string(data, form.FILTERS, page=page - 1 if page > 2 else None)
        if page > 1
        else None,
    )
    response = _page(request, "dashboard/matrix.html", "grid", context)
    return _clean_url(request, response, "dashboard:matrix", query)


def _matrix_export(data, proposals, officials: bool):
    header = ["actor_id", "actor", "actor_kind", *[p.kind for p in proposals]]
    dates = [f"{p.kind}_date" for p in proposals]
    vias = [f"{p.kind}_via" for p in proposals]

    def rows():
        actors = queries.matrix_actors(data, 0, None, officials)
        for start in range(0, len(actors), 200):
            chunk = actors[start : start + 200]
            cells = queries.matrix_cells([a.id for a in chunk], data.get("as_of"), officials)
            for actor in chunk:
                row = {"actor_id": actor.id, "actor": actor.name, "actor_kind": actor.kind}
                for p in proposals:
                    cell = cells.get((actor.id, p.id))
                    row[p.kind] = cell.stance if cell else ""
                    row[f"{p.kind}_date"] = cell.timeline_date if cell else ""
                    row[f"{p.kind}_via"] = cell.via if cell else ""
                yield row

    return exports.stream(rows(), header + dates + vias, data["format"], "matrix")


@analyst_view
def matrix_cell(request: HttpRequest, actor_id: int, kind: str) -> HttpResponse:
    actor = get_object_or_404(Actor.objects.only("id", "name"), id=actor_id)
    proposal = get_object_or_404(Proposal, kind=kind)
    form = MatrixFilterForm(request.GET)
    as_of = form.cleaned_data.get("as_of") if form.is_valid() else None
    if not form.is_valid():
        return HttpResponse("Invalid date", status=400)
    officials = form.include_officials
    evidence = queries.pair_evidence(actor.id, proposal.id, as_of, officials=officials)
    context = {
        "actor": actor,
        "proposal": proposal,
        "evidence": evidence,
        "as_of": as_of,
        "back_query": query_string(form.cleaned_data, ("as_of", "officials")),
    }
    return _page(request, "dashboard/matrix_cell.html", "panel", context)


# --- Shifts ----------------------------------------------------------------------------------


@analyst_view
def shifts(request: HttpRequest) -> HttpResponse:
    form = ShiftFilterForm(request.GET)
    context = {"form": form, "proposal_choices": PROPOSAL_KINDS}
    if not form.is_valid():
        context.update(shifts=[], invalid=True)
        return _page(request, "dashboard/shifts.html", "entries", context, status=400)
    data = form.cleaned_data
    if data["format"] != "html":
        qs = queries.after_cursor(queries.filter_shifts(data), data.get("after"))
        return exports.stream(
            exports.shift_rows(qs), exports.SHIFT_HEADER, data["format"], "shifts"
        )
    items, next_cursor = queries.shifts_page(data)
    context.update(
        shifts=_shift_entries(items),
        query=query_string(data, form.FILTERS),
        since=Position.objects.aggregate(top=Max("id"))["top"] or 0,
        next_query=query_string(data, form.FILTERS, after=next_cursor) if next_cursor else None,
        actor_name=Actor.objects.filter(id=data["actor"]).values_list("name", flat=True).first()
        if data.get("actor")
        else "",
    )
    response = _page(
        request, "dashboard/shifts.html", "rows" if data.get("after") else "entries", context
    )
    return _clean_url(request, response, "dashboard:shifts", context["query"])


@analyst_view
def shifts_new(request: HttpRequest) -> HttpResponse:
    """How many shifts matching the filters appeared since the page was drawn (polled by htmx).

    A shift is new when the position after it is: shifts are rebuilt per pair, so
    their own ids change, but the position that made the change keeps its id.
    """
    form = ShiftFilterForm(request.GET)
    since = _since(request)
    if not form.is_valid() or since < 0:
        return HttpResponse("Invalid filters", status=400)
    count = queries.count_newer_shifts(form.cleaned_data, since)
    context = {"count": count, "query": query_string(form.cleaned_data, form.FILTERS)}
    return render(request, "dashboard/shifts.html#new-items", context)


# --- Articles ---------------------------------------------------------------------------------


@analyst_view
def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("source"), id=article_id)
    positions = list(
        article.positions.visible().select_related("actor", "proposal").order_by("start", "id")
    )
    runs = list(article.extraction_runs.order_by("-started_at")[:3])
    # Only the newest finished run keeps its mentions; it is nearly always among the last three.
    done = next((run for run in runs if run.status == ExtractionRun.Status.DONE), None)
    if done is None and article.state == Article.State.EXTRACTED:
        done = article.extraction_runs.filter(status=ExtractionRun.Status.DONE).first()
    mentions = done.mentions if done is not None else None
    spans, left_out = highlight.spans_for(article.text, positions, mentions)
    return render(
        request,
        "dashboard/article.html",
        {
            "article": article,
            "positions": positions,
            "text_html": highlight.render(article.text, spans),
            # Extracted before mentions were stored: only the evidence can be marked.
            "mentions_missing": done is not None and mentions is None,
            "marks_left_out": left_out,
            "max_marks": highlight.MAX_SPANS,
            "cluster": _story_articles(article),
            "runs": runs,
        },
    )


def _story_articles(article: Article) -> list[Article]:
    """The other articles of the article's story (near-duplicates found at ingestion)."""
    if article.story_id is None:
        return []
    return list(
        Article.objects.filter(story_id=article.story_id)
        .exclude(id=article.id)
        .only("id", "title", "language", "published")
        .order_by("-published")[:20]
    )


# --- Search -----------------------------------------------------------------------------------

SEARCH_PAGE = 30


@analyst_view
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    context = {"form": form, "articles": [], "actors": []}
    if not form.is_valid():
        context["invalid"] = True
        return _page(request, "dashboard/search.html", "results", context, status=400)
    data = form.cleaned_data
    q = data["q"]
    if q:
        page = data["page"]
        articles = queries.search_articles(
            q, data.get("language"), (page - 1) * SEARCH_PAGE, SEARCH_PAGE + 1
        )
        more = len(articles) > SEARCH_PAGE
        articles = articles[:SEARCH_PAGE]
        if data["format"] != "html":
            header = ["id", "title", "language", "published", "url"]
            rows = ({k: getattr(a, k) for k in header} for a in articles)
            return exports.stream(rows, header, data["format"], "search")
        for article in articles:
            article.snippet = highlight.snippet(article.text, q)
        context.update(
            articles=articles,
            actors=queries.search_actors(q) if page == 1 else [],
            page=page,
            next_query=query_string(data, ["q", "language"], page=page + 1) if more else None,
        )
    response = _page(request, "dashboard/search.html", "results", context)
    return _clean_url(request, response, "dashboard:search", query_string(data, ["q", "language"]))


# --- Feeds ---------------------------------------------------------------------------------------

position_feed = require_GET(
    login_required(
        permission_required("extraction.view_position", raise_exception=True)(feeds.PositionFeed())
    )
)
shift_feed = require_GET(
    login_required(
        permission_required("extraction.view_position", raise_exception=True)(feeds.ShiftFeed())
    )
)
