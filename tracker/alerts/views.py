"""Pages for notifications, watchlists, webhooks and feed tokens.

Every page needs a login and the permission to read positions, as the dashboard does; a
watchlist, a hook or a token can be changed only by its owner. Notifications show only
positions the dashboard shows (never rejected ones).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tracker.alerts import delivery
from tracker.alerts.forms import (
    FeedTokenForm,
    PreferencesForm,
    WatchlistForm,
    WebhookForm,
    clean_filters,
    filter_form,
)
from tracker.alerts.matching import rebuild_keys
from tracker.alerts.models import (
    WATCH_FILTERS,
    Alert,
    AlertPreferences,
    FeedToken,
    Watchlist,
    Webhook,
)
from tracker.dashboard.queries import source_choices
from tracker.extraction.models import PROPOSAL_KINDS, ActorTree, Position

NOTIFICATIONS_PAGE = 30


def reader(view):
    """Logged in and allowed to read positions."""
    return login_required(
        permission_required("extraction.view_position", raise_exception=True)(view)
    )


def _alerts_for(user):
    return (
        Alert.objects.filter(copy_of=None, watchlist__in=Watchlist.objects.visible_to(user))
        .exclude(position__review_status=Position.Review.REJECTED)
        .exclude(before__review_status=Position.Review.REJECTED)
    )


def unread_count(user) -> int:
    prefs = AlertPreferences.objects.filter(user=user).first()
    last = prefs.last_read_alert if prefs else 0
    return _alerts_for(user).filter(id__gt=last)[:100].count()


# --- Notifications ------------------------------------------------------------------------


@require_GET
@reader
def notifications(request: HttpRequest) -> HttpResponse:
    alerts = _alerts_for(request.user)
    before = request.GET.get("before", "")
    if before:
        if not before.isdigit():
            return HttpResponse("The page marker is not a number.", status=400)
        alerts = alerts.filter(id__lt=int(before))
    page = list(alerts.order_by("-id").values_list("id", flat=True)[: NOTIFICATIONS_PAGE + 1])
    more = len(page) > NOTIFICATIONS_PAGE
    page = page[:NOTIFICATIONS_PAGE]
    rows = sorted(delivery.alert_rows(page), key=lambda r: -r["id"])
    prefs = AlertPreferences.of(request.user)
    last_read = prefs.last_read_alert
    if page and not before and page[0] > last_read:
        prefs.mark_read(page[0])
    for row in rows:
        row["unread"] = row["id"] > last_read
    context = {"rows": rows, "next_before": page[-1] if more else None}
    name = (
        "alerts/notifications.html#rows" if request.htmx and before else "alerts/notifications.html"
    )
    return render(request, name, context)


@require_GET
@reader
def unread(request: HttpRequest) -> HttpResponse:
    """The header's unread count, polled by htmx."""
    return render(request, "alerts/_unread.html", {"unread": unread_count(request.user)})


# --- Watchlists ---------------------------------------------------------------------------


def _own(request, watchlist_id: int) -> Watchlist:
    return get_object_or_404(Watchlist, id=watchlist_id, owner=request.user)


def _filter_context(form, tree: ActorTree) -> dict:
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    actor = data.get("actor")
    return {
        "filter_form": form,
        "proposal_choices": PROPOSAL_KINDS,
        "actor_choices": tree.choices(selected=actor),
        "source_choices": sorted(source_choices().items(), key=lambda s: s[1].casefold()),
        "selected": {k: str(data.get(k) or "") for k in WATCH_FILTERS},
    }


def _describe_filters(filters: dict, tree: ActorTree) -> str:
    parts = []
    titles = dict(PROPOSAL_KINDS)
    for key in WATCH_FILTERS:
        value = filters.get(key)
        if not value:
            continue
        if key == "proposal":
            value = titles.get(value, value)
        elif key == "actor":
            value = tree.actors.get(int(value), (value,))[0]
        elif key == "source":
            value = source_choices().get(int(value), value)
        parts.append(f"{key}: {value}")
    return ", ".join(parts) or "everything"


@require_GET
@reader
def watchlists(request: HttpRequest) -> HttpResponse:
    tree = ActorTree.load()
    items = list(
        Watchlist.objects.visible_to(request.user)
        .select_related("owner", "shared_with")
        .prefetch_related("webhooks")
        .order_by("name", "id")
    )
    for item in items:
        item.summary = _describe_filters(item.filters, tree)
        item.mine = item.owner_id == request.user.id
    prefs = AlertPreferences.of(request.user)
    return render(
        request,
        "alerts/watchlists.html",
        {"watchlists": items, "preferences_form": PreferencesForm(instance=prefs)},
    )


@require_http_methods(["GET", "POST"])
@reader
def watchlist_new(request: HttpRequest) -> HttpResponse:
    """ "Watch this view": the filters come in the query string, as the timeline has them."""
    tree = ActorTree.load()
    filters = filter_form(request.GET if request.method == "GET" else request.POST, tree)
    if request.method == "POST":
        form = WatchlistForm(request.POST)
        if form.is_valid() and filters.is_valid():
            with transaction.atomic():
                watchlist = form.save(commit=False)
                watchlist.owner = request.user
                watchlist.filters = clean_filters(filters)
                watchlist.save()
                rebuild_keys(watchlist, tree)
            messages.success(request, f"Watching “{watchlist.name}”.")
            return redirect("alerts:watchlists")
        status = 400
    else:
        filters.is_valid()
        origin = request.GET.get("from", "timeline")
        defaults = {"on_shift": True, "on_position": origin != "shifts", "on_first": True}
        if filters.is_valid():
            defaults["name"] = _describe_filters(clean_filters(filters), tree)[:120].capitalize()
        form = WatchlistForm(initial=defaults)
        status = 200
    return render(
        request,
        "alerts/watchlist_form.html",
        {"form": form, "watchlist": None, **_filter_context(filters, tree)},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@reader
def watchlist_edit(request: HttpRequest, watchlist_id: int) -> HttpResponse:
    watchlist = _own(request, watchlist_id)
    tree = ActorTree.load()
    status = 200
    if request.method == "POST":
        form = WatchlistForm(request.POST, instance=watchlist)
        filters = filter_form(request.POST, tree)
        if form.is_valid() and filters.is_valid():
            with transaction.atomic():
                watchlist = form.save(commit=False)
                watchlist.filters = clean_filters(filters)
                watchlist.save()
                rebuild_keys(watchlist, tree)
            messages.success(request, f"Saved “{watchlist.name}”.")
            return redirect("alerts:watchlists")
        status = 400
    else:
        form = WatchlistForm(instance=watchlist)
        filters = filter_form(watchlist.filters, tree)
    return render(
        request,
        "alerts/watchlist_form.html",
        {
            "form": form,
            "watchlist": watchlist,
            "webhooks": watchlist.webhooks.order_by("id"),
            "webhook_form": WebhookForm(),
            **_filter_context(filters, tree),
        },
        status=status,
    )


@require_POST
@reader
def watchlist_pause(request: HttpRequest, watchlist_id: int) -> HttpResponse:
    watchlist = _own(request, watchlist_id)
    watchlist.set_paused(not watchlist.paused)
    messages.success(
        request, f"“{watchlist.name}” is {'paused' if watchlist.paused else 'watching again'}."
    )
    return redirect("alerts:watchlists")


@require_POST
@reader
def watchlist_delete(request: HttpRequest, watchlist_id: int) -> HttpResponse:
    watchlist = _own(request, watchlist_id)
    watchlist.delete()
    messages.success(request, f"Deleted “{watchlist.name}” and its alerts.")
    return redirect("alerts:watchlists")


@require_GET
@reader
def watchlist_open(request: HttpRequest, watchlist_id: int) -> HttpResponse:
    """A watchlist opens as its filtered timeline."""
    watchlist = get_object_or_404(Watchlist.objects.visible_to(request.user), id=watchlist_id)
    query = watchlist.query_string()
    return redirect(reverse("dashboard:timeline") + (f"?{query}" if query else ""))


@require_POST
@reader
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST, instance=AlertPreferences.of(request.user))
    if form.is_valid():
        form.save()
        messages.success(request, "Digest time saved.")
    else:
        messages.error(request, "Choose a time zone from the list and an hour from 00 to 23.")
    return redirect("alerts:watchlists")


# --- Webhooks -----------------------------------------------------------------------------


@require_POST
@reader
def webhook_add(request: HttpRequest, watchlist_id: int) -> HttpResponse:
    watchlist = _own(request, watchlist_id)
    form = WebhookForm(request.POST)
    if not form.is_valid():
        tree = ActorTree.load()
        return render(
            request,
            "alerts/watchlist_form.html",
            {
                "form": WatchlistForm(instance=watchlist),
                "watchlist": watchlist,
                "webhooks": watchlist.webhooks.order_by("id"),
                "webhook_form": form,
                **_filter_context(filter_form(watchlist.filters, tree), tree),
            },
            status=400,
        )
    hook = form.save(commit=False)
    hook.watchlist = watchlist
    hook.secret = Webhook.new_secret()
    hook.save()
    # The secret is shown on this response only; it is never displayed again.
    return render(request, "alerts/webhook_created.html", {"hook": hook, "watchlist": watchlist})


def _own_hook(request, hook_id: int) -> Webhook:
    return get_object_or_404(Webhook, id=hook_id, watchlist__owner=request.user)


@require_GET
@reader
def webhook_log(request: HttpRequest, hook_id: int) -> HttpResponse:
    hook = _own_hook(request, hook_id)
    deliveries = hook.deliveries.order_by("-id")[:100]
    return render(request, "alerts/webhook_log.html", {"hook": hook, "deliveries": deliveries})


@require_POST
@reader
def webhook_toggle(request: HttpRequest, hook_id: int) -> HttpResponse:
    hook = _own_hook(request, hook_id)
    hook.switch(not hook.active)
    return redirect("alerts:watchlist-edit", hook.watchlist_id)


@require_POST
@reader
def webhook_delete(request: HttpRequest, hook_id: int) -> HttpResponse:
    hook = _own_hook(request, hook_id)
    watchlist_id = hook.watchlist_id
    hook.delete()
    messages.success(request, "Webhook deleted.")
    return redirect("alerts:watchlist-edit", watchlist_id)


# --- Feed tokens --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@reader
def feeds(request: HttpRequest) -> HttpResponse:
    new_token = None
    form = FeedTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _, new_token = FeedToken.issue(request.user, form.cleaned_data["name"])
        form = FeedTokenForm()
    base = request.build_absolute_uri(reverse("dashboard:feed-positions"))
    shifts_base = request.build_absolute_uri(reverse("dashboard:feed-shifts"))
    token_part = new_token or "YOUR_TOKEN"
    items = []
    for watchlist in Watchlist.objects.visible_to(request.user).order_by("name"):
        query = watchlist.query_string()
        items.append(
            {
                "watchlist": watchlist,
                "positions": f"{base}?{query + '&' if query else ''}token={token_part}",
                "shifts": f"{shifts_base}?"
                + "".join(
                    f"{k}={watchlist.filters[k]}&"
                    for k in ("proposal", "actor")
                    if watchlist.filters.get(k)
                )
                + f"token={token_part}",
            }
        )
    return render(
        request,
        "alerts/feeds.html",
        {
            "form": form,
            "tokens": request.user.feed_tokens.all(),
            "new_token": new_token,
            "items": items,
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


@require_POST
@reader
def feed_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(FeedToken, id=token_id, user=request.user)
    token.revoke()
    messages.success(request, f"Revoked “{token.name}”: feed readers using it get 403 from now on.")
    return redirect("alerts:feeds")


# --- Unsubscribe --------------------------------------------------------------------------


@csrf_exempt  # the signed token is the credential; mail clients' one-click POST carries no CSRF
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    watchlist = delivery.read_unsubscribe_token(token)
    if watchlist is None:
        raise Http404("This unsubscribe link is not valid (or its watchlist was deleted).")
    done = False
    if request.method == "POST":
        watchlist.stop_emails()
        done = True
    return render(request, "alerts/unsubscribe.html", {"watchlist": watchlist, "done": done})
