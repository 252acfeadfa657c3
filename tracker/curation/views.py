"""Curator pages: the review queue (/review/), aliases from a span, actor merges and
re-extraction jobs. Permission checks live here, never only in templates; htmx
requests get the named partial, plain requests a page or a redirect."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from tracker.curation import review, tasks
from tracker.curation.forms import (
    AliasFromSpanForm,
    DecisionForm,
    MergeForm,
    PositionEditForm,
    ReextractForm,
    find_actors,
)
from tracker.curation.merge import MergeRefused, merge_actors, undo_merge
from tracker.curation.models import MergeRecord, ReextractionJob
from tracker.extraction.models import ActorAlias, Origin, Position
from tracker.ingestion.models import Article

CAN_REVIEW = "extraction.change_position"


def _queue():
    """Unreviewed positions: first those another position of the same actor on the same proposal
    in the same article contradicts (a misreading the shifts page refuses to publish), then the
    lowest confidence."""
    contradicted = Exists(
        Position.objects.visible()
        .filter(
            article_id=OuterRef("article_id"),
            actor_id=OuterRef("actor_id"),
            proposal_id=OuterRef("proposal_id"),
        )
        .exclude(stance=OuterRef("stance"))
    )
    return (
        Position.objects.filter(review_status=Position.Review.UNREVIEWED)
        .annotate(contradicted=contradicted)
        .select_related("actor", "proposal", "article")
        .order_by("-contradicted", "confidence", "id")
    )


def counters() -> dict[str, int]:
    today = timezone.localdate()
    since = timezone.make_aware(timezone.datetime.combine(today, timezone.datetime.min.time()))
    return Position.objects.aggregate(
        remaining=Count("id", filter=Q(review_status=Position.Review.UNREVIEWED)),
        confirmed_today=Count(
            "id", filter=Q(review_status=Position.Review.CONFIRMED, reviewed_at__gte=since)
        ),
        rejected_today=Count(
            "id", filter=Q(review_status=Position.Review.REJECTED, reviewed_at__gte=since)
        ),
    )


def _item_context(position: Position, **extra) -> dict:
    return {"position": position, **extra}


@require_GET
@login_required
@permission_required(CAN_REVIEW, raise_exception=True)
@vary_on_headers("HX-Request")
def queue(request: HttpRequest) -> HttpResponse:
    page = Paginator(_queue(), settings.REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "counters": counters(),
        "alias_form": AliasFromSpanForm(),
    }
    template = "curation/review.html#queue" if request.htmx else "curation/review.html"
    return render(request, template, context)


def _decided(request: HttpRequest, position: Position, note: str) -> HttpResponse:
    if request.htmx:
        return render(
            request,
            "curation/review.html#decided",
            {"position": position, "note": note, "counters": counters(), "oob": True},
        )
    messages.success(request, note)
    return redirect("curation:queue")


def _conflict(request: HttpRequest, conflict: review.Conflict) -> HttpResponse:
    position = conflict.position
    context = {"position": position, "conflict": str(conflict), "counters": counters(), "oob": True}
    # Still waiting for review: show it again, fresh, so the curator decides on what is there now.
    fragment = "item" if position.review_status == Position.Review.UNREVIEWED else "decided"
    template = f"curation/review.html#{fragment}" if request.htmx else "curation/position.html"
    return render(request, template, context, status=409)


@require_POST
@login_required
@permission_required(CAN_REVIEW, raise_exception=True)
def decide(request: HttpRequest, position_id: int, decision: str) -> HttpResponse:
    position = get_object_or_404(Position.objects.select_related("article"), id=position_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return HttpResponse(
            "The form did not say which version of the position you saw.", status=400
        )
    act = review.confirm if decision == "confirm" else review.reject
    try:
        position = act(position.pk, version=form.cleaned_data["version"], user=request.user)
    except review.Conflict as conflict:
        return _conflict(request, conflict)
    verb = "Confirmed" if decision == "confirm" else "Rejected"
    return _decided(
        request,
        position,
        f"{verb}: {position.actor} {position.get_stance_display().lower()} {position.proposal}.",
    )


@require_http_methods(["GET", "POST"])
@login_required
@permission_required(CAN_REVIEW, raise_exception=True)
def edit(request: HttpRequest, position_id: int) -> HttpResponse:
    position = get_object_or_404(
        Position.objects.select_related("actor", "proposal", "article"), id=position_id
    )
    if request.method == "GET" and request.GET.get("cancel"):
        # Esc or Cancel: the position as it was, without the form.
        template = "curation/review.html#item" if request.htmx else "curation/position.html"
        return render(request, template, _item_context(position))
    if request.method == "GET":
        form = PositionEditForm.for_position(position)
        status = 200
    else:
        form = PositionEditForm(request.POST, prefix=f"p{position.pk}")
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = review.edit(
                    position.pk,
                    version=data["version"],
                    user=request.user,
                    actor=data["actor"],
                    proposal=data["proposal"],
                    stance=data["stance"],
                    stated_on=data["stated_on"],
                    personal=data["personal"],
                )
            except review.Conflict as conflict:
                return _conflict(request, conflict)
            if saved is None:
                context = _item_context(
                    position, note="Nothing changed; the position stays as it was."
                )
                template = "curation/review.html#item" if request.htmx else "curation/position.html"
                return render(request, template, context)
            same = (position.actor_id, position.proposal_id, position.stance, position.stated_on)
            corrected = same != (saved.actor_id, saved.proposal_id, saved.stance, saved.stated_on)
            verb = "Corrected" if corrected else "Saved"
            return _decided(
                request,
                saved,
                f"{verb}: {saved.actor} {saved.get_stance_display().lower()} {saved.proposal}"
                f"{' (personal view)' if saved.personal else ''}.",
            )
        status = 422
    context = _item_context(position, edit_form=form)
    template = "curation/review.html#item" if request.htmx else "curation/position.html"
    return render(request, template, context, status=status)


@require_POST
@login_required
@permission_required(CAN_REVIEW, raise_exception=True)
def bulk(request: HttpRequest) -> HttpResponse:
    decision = request.POST.get("decision")
    versions: dict[int, int] = {}
    for value in request.POST.getlist("selected"):
        position_id, _, version = value.partition(":")
        if position_id.isdigit() and version.isdigit():
            versions[int(position_id)] = int(version)
    if decision not in {"confirm", "reject"} or not versions:
        messages.error(request, "Select positions, then confirm or reject them.")
        return redirect("curation:queue")
    done, conflicts = review.bulk(decision, versions, user=request.user)
    verb = "confirmed" if decision == "confirm" else "rejected"
    if done:
        messages.success(request, f"{len(done)} position(s) {verb}.")
    for conflict in conflicts:
        messages.error(request, str(conflict))
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return redirect("curation:queue")


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("extraction.add_actoralias", raise_exception=True)
def alias_from_span(request: HttpRequest) -> HttpResponse:
    """A span of an article becomes an alias of an actor (a curator row the data files never overwrite)."""
    if request.method == "GET":
        article_id = request.GET.get("article", "")
        article = get_object_or_404(Article, id=int(article_id) if article_id.isdigit() else 0)
        language = "" if article.language == "unknown" else article.language
        form = AliasFromSpanForm(initial={"article": article.pk, "language": language})
        return render(request, "curation/alias.html", {"form": form, "article": article})
    form = AliasFromSpanForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        alias = ActorAlias(
            actor=data["actor"],
            text=data["text"],
            language=data["language"] or "",
            strength=data["strength"],
            origin=Origin.CURATOR,
        )
        alias._history_user = request.user
        alias.save()  # the post_save signal bumps CatalogueState: workers rebuild their matchers
        note = f"“{alias.text}” now names {alias.actor}. Re-run extraction to apply it to stored articles."
        if request.htmx:
            return render(request, "curation/review.html#alias_result", {"note": note})
        messages.success(request, note)
        return redirect(safe_next(request, request.POST.get("next")))
    if request.htmx:
        return render(
            request, "curation/review.html#alias_result", {"errors": form.errors}, status=422
        )
    article = form.cleaned_data.get("article")
    return render(request, "curation/alias.html", {"form": form, "article": article}, status=422)


@require_GET
@login_required
@permission_required(CAN_REVIEW, raise_exception=True)
def actor_options(request: HttpRequest) -> HttpResponse:
    """The actor picker's matches for what was typed, as radio buttons of the form's field."""
    field = request.GET.get("field", "")
    if not field.replace("-", "").replace("_", "").isalnum() or len(field) > 60:
        return HttpResponse("Unknown field.", status=400)
    q = " ".join(request.GET.get(f"{field}-q", "").split())[:100]
    context = {"name": field, "q": q, "actors": find_actors(q)}
    return render(request, "curation/_actor_picker.html#options", context)


def safe_next(request: HttpRequest, target: str | None) -> str:
    """Only redirect back within this site."""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("curation:queue")


@require_http_methods(["GET", "POST"])
@login_required
@permission_required(["curation.merge_actors", "extraction.change_actor"], raise_exception=True)
def merge(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = MergeForm(request.POST)
        if form.is_valid():
            try:
                record = merge_actors(
                    absorbed=form.cleaned_data["absorbed"],
                    survivor=form.cleaned_data["survivor"],
                    user=request.user,
                )
            except MergeRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, f"Merged {record.absorbed_name} into {record.survivor}.")
                return redirect("curation:merge")
        status = 422
    else:
        chosen = [int(v) for v in request.GET.get("actors", "").split(",") if v.isdigit()][:2]
        initial = dict(zip(["absorbed", "survivor"], chosen, strict=False))
        form = MergeForm(initial=initial)
    records = MergeRecord.objects.select_related("survivor", "merged_by", "undone_by")[:20]
    return render(request, "curation/merge.html", {"form": form, "records": records}, status=status)


@require_POST
@login_required
@permission_required(["curation.merge_actors", "extraction.change_actor"], raise_exception=True)
def undo(request: HttpRequest, record_id: int) -> HttpResponse:
    record = get_object_or_404(MergeRecord, id=record_id)
    try:
        restored = undo_merge(record, user=request.user)
    except MergeRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request, f"Undid the merge: {restored} is back with its aliases and positions."
        )
    return redirect("curation:merge")


@require_POST
@login_required
@permission_required("curation.add_reextractionjob", raise_exception=True)
def reextract(request: HttpRequest) -> HttpResponse:
    form = ReextractForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose articles to re-extract, or everything.")
        return redirect("curation:jobs")
    articles = (
        None
        if form.cleaned_data["everything"]
        else form.cleaned_data["articles"].values_list("id", flat=True)
    )
    job = tasks.start_job(article_ids=articles, user=request.user)
    messages.success(request, f"Re-extraction of {job.total} article(s) started.")
    return redirect("curation:job", job_id=job.pk)


@require_GET
@login_required
@permission_required("curation.view_reextractionjob", raise_exception=True)
def job_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "curation/jobs.html",
        {
            "jobs": ReextractionJob.objects.select_related("created_by")[:50],
            "can_reextract": request.user.has_perm("curation.add_reextractionjob"),
            "article_count": Article.objects.count(),
        },
    )


@require_GET
@login_required
@permission_required("curation.view_reextractionjob", raise_exception=True)
@vary_on_headers("HX-Request")
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(ReextractionJob.objects.select_related("created_by"), id=job_id)
    template = "curation/job.html#progress" if request.htmx else "curation/job.html"
    return render(
        request, template, {"job": job, "poll_url": reverse("curation:job", args=[job.pk])}
    )
