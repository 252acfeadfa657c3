"""Submitting articles from the dashboard and following the run until its articles appear."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget

from tracker.core.queue import QueueUnavailable
from tracker.ingestion.forms import FORMS
from tracker.ingestion.ingest import IngestError
from tracker.ingestion.models import Article, IngestRun
from tracker.ingestion.runs import start_file_run, start_paste_run, start_url_run
from tracker.ingestion.tasks import dispatch_run

RECENT_RUNS = 10


def submit_from_form(kind: str, form, user) -> IngestRun:
    """Create the run for a valid submission form (shared with the admin's submission page)."""
    data = form.cleaned_data
    if kind == "url":
        return start_url_run(data["url"], user=user)
    if kind == "file":
        upload = data["file"]
        # The upload itself (Django's temporary file above 2.5 MB), read a line at a time.
        return start_file_run(upload.name, upload, user=user)
    return start_paste_run(
        title=data["title"],
        text=data["text"],
        language=data["language"],
        published=data["published"],
        user=user,
    )


def handle_submission(request: HttpRequest, kind: str, form) -> IngestRun | None:
    """Save and queue a submission; messages tell the person what happened."""
    try:
        run = submit_from_form(kind, form, request.user)
    except IngestError as exc:
        form.add_error(None, str(exc))
        return None
    if run.is_finished:
        return run  # e.g. a bulk file whose every line was bad: nothing to queue
    try:
        dispatch_run(run.id)
    except QueueUnavailable as exc:
        messages.warning(request, str(exc))
    return run


def read_submission(request: HttpRequest) -> tuple[str, dict, IngestRun | None]:
    """The submission forms bound to a request, and the run a valid POST saved and queued: the
    dashboard's submission page and admin's both answer with it."""
    if not request.user.has_perm("ingestion.add_article"):
        raise PermissionDenied
    kind = request.POST.get("kind") if request.method == "POST" else request.GET.get("kind")
    kind = kind if kind in FORMS else "url"
    forms = {name: form_class(prefix=name) for name, form_class in FORMS.items()}
    run = None
    if request.method == "POST":
        form = FORMS[kind](request.POST, request.FILES, prefix=kind)
        forms[kind] = form
        if form.is_valid():
            run = handle_submission(request, kind, form)
    return kind, forms, run


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def submit(request: HttpRequest) -> HttpResponse:
    kind, forms, run = read_submission(request)
    if run is not None:
        if request.htmx:
            response = render(request, "ingestion/submit.html#status", _status_context(run))
            # The form that sent it empties itself (dashboard.js), ready for the next one.
            response["HX-Trigger"] = "submitted"
            return response
        return redirect("ingestion:run", run_id=run.id)
    status = 400 if request.method == "POST" else 200
    context = {"forms": forms, "kind": kind, "recent_runs": _recent_runs(request.user)}
    if request.htmx:
        # htmx swaps only 2xx answers: the corrected forms go back in place of the old ones.
        response = render(request, "ingestion/submit.html#forms", context)
        return reswap(retarget(response, "#submit-forms"), "outerHTML")
    return render(request, "ingestion/submit.html", context, status=status)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def run_status(request: HttpRequest, run_id: int) -> HttpResponse:
    if not request.user.has_perm("ingestion.add_article"):
        raise PermissionDenied
    run = get_object_or_404(IngestRun.objects.select_related("submitted_by", "source"), id=run_id)
    if run.submitted_by_id != request.user.id and not request.user.has_perm(
        "ingestion.view_ingestrun"
    ):
        raise PermissionDenied
    context = _status_context(run)
    if request.htmx:
        return render(request, "ingestion/submit.html#status", context)
    context.update(
        {
            "forms": {name: c(prefix=name) for name, c in FORMS.items()},
            "kind": "url",
            "recent_runs": _recent_runs(request.user),
        }
    )
    return render(request, "ingestion/submit.html", context)


def _status_context(run: IngestRun) -> dict:
    articles = list(
        Article.objects.filter(id__in=run.article_ids)
        .only("id", "title", "state", "language")
        .order_by("id")
    )
    waiting = not run.is_finished or any(
        a.state in {Article.State.INGESTED, Article.State.EXTRACTING} for a in articles
    )
    return {
        "run": run,
        "articles": articles,
        "polling": waiting,
        "status_url": reverse("ingestion:run", args=[run.id]),
    }


def _recent_runs(user):
    return IngestRun.objects.filter(submitted_by=user).order_by("-created_at")[:RECENT_RUNS]
