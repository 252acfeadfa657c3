"""Sending alerts: emails (one alert, or a daily digest) and signed webhooks.

A delivery is claimed by a conditional update before anything goes out, and marked sent
after; whoever sends checks again that the recipient may still read the position (active,
allowed to see positions, position not rejected), so nothing reaches a person the dashboard
would not show it to.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
import zoneinfo
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tracker.alerts.matching import may_read
from tracker.alerts.models import Alert, AlertPreferences, Delivery, Watchlist, Webhook
from tracker.extraction.models import Position
from tracker.ingestion import fetch

UNSUBSCRIBE_SALT = "tracker.alerts.unsubscribe"
SIGNATURE_HEADER = "X-Tracker-Signature"
RTL_LANGUAGES = {"ar"}


class DeliveryFailed(Exception):
    """A webhook that did not take the delivery; ``transient`` says whether to try again."""

    def __init__(self, message: str, transient: bool = True):
        super().__init__(message)
        self.transient = transient


def absolute(path: str) -> str:
    return urljoin(settings.SITE_URL.rstrip("/") + "/", path.lstrip("/"))


# --- What an alert says ----------------------------------------------------------------------


def alert_rows(alerts) -> list[dict]:
    """Everything the email, the webhook and the notifications page show of these alerts."""
    alerts = list(
        Alert.objects.filter(id__in=[a.id if isinstance(a, Alert) else a for a in alerts])
        .select_related(
            "watchlist",
            "position__actor",
            "position__proposal",
            "position__article__source",
            "before__article",
        )
        .annotate(copies_count=Count("copies"))
        .order_by("position__proposal_id", "-id")
    )
    return [describe(a) for a in alerts]


def describe(alert: Alert) -> dict:
    position = alert.position
    article = position.article
    before = alert.before
    if alert.kind == Alert.Kind.SHIFT and before is not None:
        headline = (
            f"{position.actor.name} moved from {before.get_stance_display().lower()} to "
            f"{position.get_stance_display().lower()} on {position.proposal.title.lower()}"
        )
    elif alert.kind == Alert.Kind.FIRST:
        headline = (
            f"{position.actor.name} takes a first position: "
            f"{position.get_stance_display().lower()} {position.proposal.title.lower()}"
        )
    else:
        headline = (
            f"{position.actor.name} {position.get_stance_display().lower()} "
            f"{position.proposal.title.lower()}"
        )
    article_path = reverse("dashboard:article", args=[article.id]) + f"#position-{position.id}"
    return {
        "id": alert.id,
        "alert": alert,
        "kind": alert.kind,
        "kind_label": alert.get_kind_display(),
        "watchlist": alert.watchlist,
        "headline": headline,
        "actor": position.actor.name,
        "actor_id": position.actor_id,
        "proposal": position.proposal.title,
        "proposal_kind": position.proposal.kind,
        "stance": position.stance,
        "stance_label": position.get_stance_display(),
        "from_stance": before.stance if before else None,
        "evidence": position.evidence,
        "evidence_dir": "rtl" if article.language in RTL_LANGUAGES else "ltr",
        "language": article.language,
        "before_evidence": before.evidence if before else "",
        "before_dir": "rtl" if before and before.article.language in RTL_LANGUAGES else "ltr",
        "date": position.timeline_date,
        "article_title": article.title,
        "article_id": article.id,
        "source": article.source.name if article.source_id else "",
        "link": absolute(article_path),
        "path": article_path,
        "copies": getattr(alert, "copies_count", 0),
        "review_status": position.review_status,
        "confidence": position.confidence,
        "position_id": position.id,
        "created_at": alert.created_at,
    }


def visible_alerts(alerts: list[Alert], user) -> list[Alert]:
    """Those of ``alerts`` the user may see now: they may read positions, and neither position
    of the alert has been rejected since."""
    if not may_read(user):
        return []
    ids = {a.position_id for a in alerts} | {a.before_id for a in alerts if a.before_id}
    shown = set(Position.objects.visible().filter(id__in=ids).values_list("id", flat=True))
    return [
        a
        for a in alerts
        if a.position_id in shown and (a.before_id is None or a.before_id in shown)
    ]


# --- Email -----------------------------------------------------------------------------------


def unsubscribe_token(watchlist: Watchlist) -> str:
    return signing.dumps({"w": watchlist.id, "u": watchlist.owner_id}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> Watchlist | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Watchlist.objects.filter(id=data.get("w"), owner_id=data.get("u")).first()


def unsubscribe_link(watchlist: Watchlist) -> str:
    return absolute(reverse("alerts:unsubscribe", args=[unsubscribe_token(watchlist)]))


def build_email(user, rows: list[dict], *, digest: bool, key: str) -> EmailMultiAlternatives:
    """One message with a plain-text and an HTML part; one unsubscribe link per watchlist.

    ``key`` makes the Message-ID: a delivery sent again after a worker died keeps it, so mail
    systems can drop the second copy."""
    watchlists = {row["watchlist"].id: row["watchlist"] for row in rows}
    unsubscribes = [(w.name, unsubscribe_link(w)) for w in watchlists.values()]
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["proposal"], []).append(row)
    if digest:
        subject = f"[Tracker] Daily digest: {len(rows)} alert{'' if len(rows) == 1 else 's'}"
    else:
        subject = f"[Tracker] {rows[0]['headline']}"
    context = {
        "user": user,
        "groups": groups,
        "rows": rows,
        "digest": digest,
        "unsubscribes": unsubscribes,
        "watchlists_link": absolute(reverse("alerts:watchlists")),
    }
    text = render_to_string("alerts/email/alerts.txt", context)
    html = render_to_string("alerts/email/alerts.html", context)
    message = EmailMultiAlternatives(
        subject=subject[:200],
        body=text,
        to=[user.email],
        headers={
            "Message-ID": f"<{key}@tracker.alerts>",
            "List-Unsubscribe": ", ".join(f"<{link}>" for _, link in unsubscribes),
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def send_email_delivery(delivery: Delivery) -> str:
    """Send one immediate email; returns the new status."""
    alert = delivery.alert
    user = alert.watchlist.owner
    if alert.watchlist.email == Watchlist.Email.OFF or not user.email:
        return Delivery.Status.SKIPPED
    if not visible_alerts([alert], user):
        return Delivery.Status.SKIPPED
    build_email(
        user, alert_rows([alert]), digest=False, key=f"alert-{delivery.idempotency_key}"
    ).send()
    return Delivery.Status.SENT


# --- Digests ---------------------------------------------------------------------------------


def users_due(now: dt.datetime) -> list[int]:
    """Users whose digest hour it is now in their time zone, and who have alerts waiting."""
    waiting = (
        Delivery.objects.filter(status=Delivery.Status.DIGEST)
        .values_list("alert__watchlist__owner_id", flat=True)
        .distinct()
    )
    due = []
    prefs = {p.user_id: p for p in AlertPreferences.objects.filter(user_id__in=waiting)}
    for user_id in set(waiting):
        pref = prefs.get(user_id) or AlertPreferences(user_id=user_id)
        local = now.astimezone(zoneinfo.ZoneInfo(pref.time_zone))
        if local.hour == pref.digest_hour and pref.last_digest_on != local.date():
            due.append(user_id)
    return sorted(due)


def send_digest(user_id: int, now: dt.datetime | None = None, connection=None) -> int:
    """Send one user's digest (once per local day, claimed by a conditional update); returns
    how many alerts it carried."""
    from django.contrib.auth import get_user_model

    now = now or timezone.now()
    user = get_user_model().objects.get(id=user_id)
    pref = AlertPreferences.of(user)
    today = now.astimezone(zoneinfo.ZoneInfo(pref.time_zone)).date()
    with transaction.atomic():
        claimed = (
            AlertPreferences.objects.filter(id=pref.id)
            .filter(Q(last_digest_on=None) | Q(last_digest_on__lt=today))
            .update(last_digest_on=today)
        )
        if not claimed:
            return 0
        waiting = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=Delivery.Status.DIGEST, alert__watchlist__owner_id=user_id)
            .select_related("alert__watchlist")
        )
        if not waiting:
            return 0
        shown = {
            a.id
            for a in visible_alerts(
                [d.alert for d in waiting if d.alert.watchlist.email == Watchlist.Email.DIGEST],
                user,
            )
        }
        visible = [d for d in waiting if d.alert_id in shown]
        skipped = [d.id for d in waiting if d not in visible]
        Delivery.objects.filter(id__in=skipped).update(status=Delivery.Status.SKIPPED)
        if visible and user.email:
            message = build_email(
                user,
                alert_rows([d.alert for d in visible]),
                digest=True,
                key=f"digest-{user_id}-{today.isoformat()}",
            )
            message.connection = connection
            message.send()
            status = Delivery.Status.SENT
        else:
            status = Delivery.Status.SKIPPED
        Delivery.objects.filter(id__in=[d.id for d in visible]).update(
            status=status, sent_at=timezone.now(), attempts=F("attempts") + 1
        )
    return len(visible)


# --- Webhooks --------------------------------------------------------------------------------


def payload(delivery: Delivery, row: dict, timestamp: int) -> dict:
    return {
        "id": str(delivery.idempotency_key),
        "type": f"alert.{row['kind']}",
        "timestamp": timestamp,
        "watchlist": {"id": row["watchlist"].id, "name": row["watchlist"].name},
        "alert": {
            "id": row["id"],
            "headline": row["headline"],
            "actor": {"id": row["actor_id"], "name": row["actor"]},
            "proposal": {"kind": row["proposal_kind"], "title": row["proposal"]},
            "stance": row["stance"],
            "from_stance": row["from_stance"],
            "evidence": row["evidence"],
            "before_evidence": row["before_evidence"] or None,
            "language": row["language"],
            "date": row["date"].isoformat(),
            "review_status": row["review_status"],
            "confidence": round(row["confidence"], 3),
            "article": {"id": row["article_id"], "title": row["article_title"], "url": row["link"]},
            "copies": row["copies"],
        },
    }


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass
class HookResult:
    status: int
    latency_ms: int
    excerpt: str


def post(url: str, body: bytes, headers: dict[str, str]) -> HookResult:
    """POST under the same outbound rules as article fetching: http(s), allowed ports, public
    addresses only (checked after DNS and at every redirect), connection pinned to the checked
    address."""
    limits = fetch.Limits.from_settings()
    timeout = httpx.Timeout(settings.WEBHOOK_TIMEOUT, connect=limits.connect_timeout)
    started = time.monotonic()
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
        current = url
        for _hop in range(limits.max_redirects + 1):
            target = fetch.check_url(
                current,
                allow_private=limits.allow_private,
                allowed_ports=limits.allowed_ports,
                dns_timeout=limits.dns_timeout,
            )
            response = fetch.send_pinned(
                client,
                target,
                {"User-Agent": limits.user_agent, **headers},
                method="POST",
                content=body,
            )
            if response.status_code in (307, 308) and response.headers.get("location"):
                current = urljoin(current, response.headers["location"].strip())
                continue
            first = b""
            if not response.is_closed:  # redirects other than 307/308 come back closed
                try:
                    for chunk in response.iter_bytes():
                        first += chunk
                        if len(first) >= 300:
                            break
                except httpx.HTTPError:
                    pass  # the status is what counts; the excerpt is a courtesy
                finally:
                    response.close()
            return HookResult(
                status=response.status_code,
                latency_ms=int((time.monotonic() - started) * 1000),
                excerpt=first[:300].decode("utf-8", "replace"),
            )
    raise fetch.FetchError(f"Too many redirects (more than {limits.max_redirects}) from {url}.")


def send_webhook_delivery(delivery: Delivery) -> str:
    """POST one alert to its hook; raises DeliveryFailed when the hook did not take it."""
    hook = delivery.webhook
    alert = delivery.alert
    if not hook.active:
        return Delivery.Status.SKIPPED
    if not visible_alerts([alert], alert.watchlist.owner):
        return Delivery.Status.SKIPPED
    timestamp = int(time.time())
    body = json.dumps(
        payload(delivery, alert_rows([alert])[0], timestamp), ensure_ascii=False
    ).encode()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(hook.secret, body),
        "X-Tracker-Timestamp": str(timestamp),
        "Idempotency-Key": str(delivery.idempotency_key),
    }
    try:
        result = post(hook.url, body, headers)
    except fetch.RefusedURL as exc:
        raise DeliveryFailed(str(exc), transient=False) from None
    except fetch.FetchError as exc:
        raise DeliveryFailed(str(exc), transient=True) from None
    Delivery.objects.filter(id=delivery.id).update(
        response_status=result.status,
        latency_ms=result.latency_ms,
        response_excerpt=result.excerpt,
    )
    if 200 <= result.status < 300:
        Webhook.objects.filter(id=hook.id).update(consecutive_failures=0)
        return Delivery.Status.SENT
    raise DeliveryFailed(
        f"The hook answered {result.status}.",
        transient=result.status >= 500 or result.status == 429,
    )
