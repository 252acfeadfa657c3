"""Dashboard pages. Every view requires login; htmx requests get the named partial."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from tracker.extraction.models import PROPOSAL_KINDS, Actor, Position
from tracker.ingestion.models import Article

TIMELINE_LIMIT = 100


@require_GET
@login_required
@permission_required("extraction.view_position", raise_exception=True)
@vary_on_headers("HX-Request")
def timeline(request: HttpRequest) -> HttpResponse:
    filters = {"proposal": "", "actor": None}
    positions = Position.objects.visible().select_related("actor", "proposal", "article")
    kinds = dict(PROPOSAL_KINDS)
    proposal = request.GET.get("proposal", "")
    if proposal in kinds:
        filters["proposal"] = proposal
        positions = positions.filter(proposal__kind=proposal)
    actor = request.GET.get("actor", "")
    if actor.isdigit():
        filters["actor"] = int(actor)
        positions = positions.filter(actor_id=int(actor))
    context = {
        "positions": positions.order_by("-timeline_date", "-id")[:TIMELINE_LIMIT],
        "filters": filters,
        "proposal_choices": PROPOSAL_KINDS,
        "actor_choices": Actor.objects.filter(positions__isnull=False).distinct().only("id", "name"),
    }
    template = "dashboard/timeline.html#entries" if request.htmx else "dashboard/timeline.html"
    return render(request, template, context)


@require_GET
@login_required
@permission_required("extraction.view_position", raise_exception=True)
def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("source"), id=article_id)
    positions = article.positions.visible().select_related("actor", "proposal").order_by("start")
    return render(request, "dashboard/article.html", {"article": article, "positions": positions})
