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
import logging
import time
import zoneinfo
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse

from tracker.alerts.matching import may_read, readers
from tracker.alerts.models import Alert, AlertPreferences, Delivery, Watchlist
from tracker.extraction.models import Position
from tracker.ingestion import fetch

logger = logging.getLogger(__name__)
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


# What an alert shows, read with values() (model instances cost more than the rest together).
ALERT_VALUES = (
    "id",
    "kind",
    "created_at",
    "watchlist_id",
    "watchlist__name",
    "watchlist__owner_id",
    "position_id",
    "position__actor_id",
    "position__actor__name",
    "position__proposal__title",
    "position__proposal__kind",
    "position__stance",
    "position__evidence",
    "position__timeline_date",
    "position__review_status",
    "position__confidence",
    "position__article_id",
    "position__article__title",
    "position__article__language",
    "position__article__source__name",
    "before_id",
    "before__stance",
    "before__evidence",
    "before__article__language",
    "before__review_status",
)
STANCE_LABELS = dict(Position.Stance.choices)
KIND_LABELS = dict(Alert.Kind.choices)


@dataclass(frozen=True)
class WatchlistRef:
    id: int
    name: str
    owner_id: int


def alert_rows(alerts) -> list[dict]:
    """Everything the email, the webhook and the notifications page show of these alerts."""
    ids = [a.id if isinstance(a, Alert) else a for a in alerts]
    values = list(
        Alert.objects.filter(id__in=ids)
        .order_by("position__proposal_id", "-id")
        .values(*ALERT_VALUES)
    )
    return describe_all(values, copies_of(ids))


def copies_of(alert_ids) -> dict[int, int]:
    """How many later copies of its story each alert counts."""
    return dict(
        Alert.objects.filter(copy_of_id__in=list(alert_ids))
        .values("copy_of")
        .annotate(n=Count("id"))
        .values_list("copy_of", "n")
    )


def describe_all(values: list[dict], copies: dict[int, int]) -> list[dict]:
    article_url = reverse("dashboard:article", args=[999999999])
    return [describe(v, copies.get(v["id"], 0), article_url) for v in values]


def describe(v: dict, copies: int, article_url: str) -> dict:
    """One alert's display fields from its ``ALERT_VALUES``."""
    actor = v["position__actor__name"]
    stance = STANCE_LABELS[v["position__stance"]].lower()
    proposal = v["position__proposal__title"]
    if v["kind"] == Alert.Kind.SHIFT and v["before_id"]:
        before = STANCE_LABELS[v["before__stance"]].lower()
        headline = f"{actor} moved from {before} to {stance} on {proposal.lower()}"
    elif v["kind"] == Alert.Kind.FIRST:
        headline = f"{actor} takes a first position: {stance} {proposal.lower()}"
    else:
        headline = f"{actor} {stance} {proposal.lower()}"
    path = article_url.replace("999999999", str(v["position__article_id"]))
    path += f"#position-{v['position_id']}"
    language = v["position__article__language"]
    date = v["position__timeline_date"]
    return {
        "id": v["id"],
        "kind": v["kind"],
        "kind_label": KIND_LABELS[v["kind"]],
        "watchlist": WatchlistRef(
            v["watchlist_id"], v["watchlist__name"], v["watchlist__owner_id"]
        ),
        "headline": headline,
        "actor": actor,
        "actor_id": v["position__actor_id"],
        "proposal": proposal,
        "proposal_kind": v["position__proposal__kind"],
        "stance": v["position__stance"],
        "from_stance": v["before__stance"],
        "evidence": v["position__evidence"],
        "evidence_dir": "rtl" if language in RTL_LANGUAGES else "ltr",
        "language": language,
        "before_evidence": v["before__evidence"] or "",
        "before_dir": "rtl" if v["before__article__language"] in RTL_LANGUAGES else "ltr",
        "date": date,
        "date_text": f"{date.day} {date:%b %Y}",
        "article_title": v["position__article__title"],
        "article_id": v["position__article_id"],
        "source": v["position__article__source__name"] or "",
        "link": absolute(path),
        "path": path,
        "copies": copies,
        "copies_text": f"{copies} more cop{'y' if copies == 1 else 'ies'} of this story"
        if copies
        else "",
        "review_status": v["position__review_status"],
        "confidence": v["position__confidence"],
        "position_id": v["position_id"],
        "created_at": v["created_at"],
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


def build_email(
    address: str, rows: list[dict], *, digest: bool, key: str
) -> EmailMultiAlternatives:
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
        to=[address],
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
        user.email, alert_rows([alert]), digest=False, key=f"alert-{delivery.idempotency_key}"
    ).send()
    return Delivery.Status.SENT


# --- Digests ---------------------------------------------------------------------------------

DIGEST_CHUNK = 200  # users per transaction: few queries for many digests, short locks


def users_due(now: dt.datetime) -> list[tuple[int, dt.date]]:
    """(user, local date) of the users whose digest hour it is in their time zone, who have
    alerts waiting and no digest yet that day."""
    waiting = set(
        Delivery.objects.filter(status=Delivery.Status.DIGEST)
        .values_list("alert__watchlist__owner_id", flat=True)
        .distinct()
    )
    prefs = {p.user_id: p for p in AlertPreferences.objects.filter(user_id__in=waiting)}
    due = []
    for user_id in sorted(waiting):
        pref = prefs.get(user_id) or AlertPreferences(user_id=user_id)
        local = now.astimezone(zoneinfo.ZoneInfo(pref.time_zone))
        if local.hour == pref.digest_hour and pref.last_digest_on != local.date():
            due.append((user_id, local.date()))
    return due


def send_digests(now: dt.datetime) -> int:
    """Send every digest due now, over one mail connection; returns how many went out."""
    due = users_due(now)
    if not due:
        return 0
    sent = 0
    with get_connection() as connection:
        for start in range(0, len(due), DIGEST_CHUNK):
            sent += _send_chunk(due[start : start + DIGEST_CHUNK], connection)
    return sent


def _send_chunk(due: list[tuple[int, dt.date]], connection) -> int:
    with transaction.atomic():
        AlertPreferences.objects.bulk_create(
            [AlertPreferences(user_id=user_id) for user_id, _ in due], ignore_conflicts=True
        )
        by_day: dict[dt.date, list[int]] = {}
        for user_id, day in due:
            by_day.setdefault(day, []).append(user_id)
        claimed: dict[int, dt.date] = {}
        for day, user_ids in by_day.items():
            claimed.update(
                (user_id, day)
                for user_id in AlertPreferences.objects.claim_digest_day(day, user_ids)
            )
        if not claimed:
            return 0
        may = readers(claimed)
        locked = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=Delivery.Status.DIGEST, alert__watchlist__owner_id__in=list(claimed))
            .values_list("id", flat=True)
        )
        waiting = list(
            Delivery.objects.filter(id__in=locked)
            .order_by("alert__position__proposal_id", "-alert_id")
            .values(
                "id",
                "alert__watchlist__email",
                "alert__watchlist__owner__email",
                *(f"alert__{name}" for name in ALERT_VALUES),
            )
        )
        copies = copies_of([d["alert__id"] for d in waiting])
        article_url = reverse("dashboard:article", args=[999999999])
        mine: dict[int, list[dict]] = {}
        for item in waiting:
            mine.setdefault(item["alert__watchlist__owner_id"], []).append(item)
        sent_ids, skipped_ids, failed_users = [], [], []
        sent_users = 0
        rejected = Position.Review.REJECTED
        for user_id, items in mine.items():
            shown = [
                d
                for d in items
                if user_id in may
                and d["alert__watchlist__email"] == Watchlist.Email.DIGEST
                and d["alert__position__review_status"] != rejected
                and d["alert__before__review_status"] != rejected
            ]
            skipped_ids += [d["id"] for d in items if d not in shown]
            address = items[0]["alert__watchlist__owner__email"]
            if not shown or not address:
                skipped_ids += [d["id"] for d in shown]
                continue
            rows = [
                describe(
                    {name: d[f"alert__{name}"] for name in ALERT_VALUES},
                    copies.get(d["alert__id"], 0),
                    article_url,
                )
                for d in shown
            ]
            message = build_email(
                address, rows, digest=True, key=f"digest-{user_id}-{claimed[user_id].isoformat()}"
            )
            message.connection = connection
            try:
                message.send()
            except Exception:
                logger.exception("The digest of user %s failed; it is tried again", user_id)
                failed_users.append(user_id)
                continue
            sent_ids += [d["id"] for d in shown]
            sent_users += 1
        Delivery.objects.filter(id__in=sent_ids).sent_in_digest()
        Delivery.objects.filter(id__in=skipped_ids).skip()
        AlertPreferences.objects.filter(user_id__in=failed_users).give_back_digest_day()
    return sent_users


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
    Delivery.objects.filter(id=delivery.id).record_response(
        result.status, result.latency_ms, result.excerpt
    )
    if 200 <= result.status < 300:
        hook.record_success()
        return Delivery.Status.SENT
    raise DeliveryFailed(
        f"The hook answered {result.status}.",
        transient=result.status >= 500 or result.status == 429,
    )
