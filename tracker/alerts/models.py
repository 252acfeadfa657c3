"""Watchlists (saved timeline filters), the alerts they raise, and how alerts reach people.

An ``Alert`` is recorded once per (watchlist, position or shift) under a unique constraint, so a
re-extraction, a retried batch or a restarted worker can never raise it twice. ``Delivery`` rows
carry each alert to one channel (an email, a webhook) and keep the log; the in-app
notifications are the alerts themselves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import F, Q
from django.utils import timezone

from tracker.extraction.models import Position

# Watchlist filters: the timeline's own filter names (tracker.dashboard.forms.PositionFilterForm),
# without paging, output and the date range (an alert is about what is new, whatever its date).
WATCH_FILTERS = ("proposal", "actor", "stance", "language", "source", "review")


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            f"{value!r} is not a time zone; use an IANA name such as Europe/Kyiv."
        ) from None


class WatchlistQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The watchlists a user owns and those shared with one of their groups."""
        return self.filter(Q(owner=user) | Q(shared_with__in=user.groups.all())).distinct()


class Watchlist(models.Model):
    class Email(models.TextChoices):
        OFF = "off", "No email"
        IMMEDIATE = "immediate", "Immediately"
        DIGEST = "digest", "Daily digest"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watchlists"
    )
    name = models.CharField(max_length=120)
    filters = models.JSONField(
        default=dict,
        blank=True,
        help_text="Timeline filters as query parameters (proposal, actor, stance, language, "
        "source, review).",
    )
    with_children = models.BooleanField(
        default=True, help_text="An actor filter also matches the actor's children."
    )
    on_position = models.BooleanField("New matching position", default=True)
    on_shift = models.BooleanField("Matching stance shift", default=True)
    on_first = models.BooleanField("An actor's first position on a watched proposal", default=True)
    confirmed_only = models.BooleanField(
        default=False, help_text="Only positions a curator confirmed."
    )
    min_confidence = models.FloatField(
        default=0.0, help_text="Machine positions below this confidence raise no alert."
    )
    one_per_story = models.BooleanField(
        default=True,
        help_text="One alert per story: later copies of the same statement are counted, not sent.",
    )
    email = models.CharField(max_length=10, choices=Email.choices, default=Email.OFF)
    paused = models.BooleanField(default=False)
    shared_with = models.ForeignKey(
        Group,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shared_watchlists",
        help_text="Members of this group see the watchlist and its alerts in the app.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    FILTER_NAMES = WATCH_FILTERS

    objects = WatchlistQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def set_paused(self, paused: bool) -> None:
        """Stop (or resume) raising alerts, by the owner."""
        self.paused = paused
        self.save(update_fields=["paused"])

    def stop_emails(self) -> None:
        """An unsubscribe link's one effect: no more email from this watchlist."""
        self.email = self.Email.OFF
        Watchlist.objects.filter(id=self.id).update(email=self.Email.OFF)

    def query_string(self) -> str:
        from urllib.parse import urlencode

        return urlencode([(k, self.filters[k]) for k in WATCH_FILTERS if self.filters.get(k)])

    def accepts(self, row: dict) -> bool:
        """Whether a position (a dict of its fields, see matching.ROW_NAMES) passes the
        filters the key table cannot express, the same way the timeline filters them."""
        f = self.filters
        review = row["review_status"]
        if f.get("review") and review != f["review"]:
            return False
        if review == Position.Review.REJECTED:
            return False  # never alert on what curators threw out, whatever the filter says
        if f.get("stance") and row["stance"] != f["stance"]:
            return False
        if f.get("language") and row["article__language"] != f["language"]:
            return False
        if f.get("source") and row["article__source_id"] != int(f["source"]):
            return False
        if self.confirmed_only:
            return review == Position.Review.CONFIRMED
        return review == Position.Review.CONFIRMED or row["confidence"] >= self.min_confidence


class WatchKey(models.Model):
    """Precomputed (proposal, actor) keys of a watchlist; 0 stands for "any".

    Matching looks the batch's (proposal, actor) pairs up here with an index, instead of
    testing every watchlist against every position.
    """

    watchlist = models.ForeignKey(Watchlist, on_delete=models.CASCADE, related_name="keys")
    proposal_id = models.IntegerField()
    actor_id = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["proposal_id", "actor_id", "watchlist"], name="watchkey_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id or 'any'}/{self.actor_id or 'any'} → {self.watchlist_id}"


class AlertPreferencesQuerySet(models.QuerySet):
    """A digest day is claimed before the digest goes out, so two runs never send it twice."""

    def claim_digest_day(self, day: dt.date, user_ids: list[int]) -> list[int]:
        """Mark ``day``'s digest as taken for those of ``user_ids`` who have not had it yet (one
        conditional update); returns the users claimed."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {AlertPreferences._meta.db_table} SET last_digest_on = %s "  # noqa: S608
                "WHERE user_id = ANY(%s) AND (last_digest_on IS NULL OR last_digest_on < %s) "
                "RETURNING user_id",
                [day, user_ids, day],
            )
            return [user_id for (user_id,) in cursor.fetchall()]

    def give_back_digest_day(self) -> int:
        """A digest that could not be sent is claimed again by the next run within the hour."""
        return self.update(last_digest_on=None)


class AlertPreferences(models.Model):
    """When a user's digest goes out, in their own time zone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_preferences"
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    digest_hour = models.PositiveSmallIntegerField(
        default=8, help_text="Hour of the day (0-23, the user's time zone) the digest is sent."
    )
    last_read_alert = models.BigIntegerField(
        default=0, help_text="Alerts up to this id count as read."
    )
    last_digest_on = models.DateField(null=True, blank=True)

    objects = AlertPreferencesQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "alert preferences"

    def __str__(self) -> str:
        return f"Alert preferences of {self.user}"

    @classmethod
    def of(cls, user) -> AlertPreferences:
        prefs, _ = cls.objects.get_or_create(user=user)
        return prefs

    def mark_read(self, up_to: int) -> None:
        """Alerts up to this id count as read (never moves back: two pages open at once)."""
        AlertPreferences.objects.filter(id=self.id, last_read_alert__lt=up_to).update(
            last_read_alert=up_to
        )


class Alert(models.Model):
    class Kind(models.TextChoices):
        POSITION = "position", "New position"
        SHIFT = "shift", "Stance shift"
        FIRST = "first", "First position on the proposal"

    watchlist = models.ForeignKey(Watchlist, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # "p:<position id>" or "s:<before id>-<after id>": what the alert is about, once per watchlist.
    subject = models.CharField(max_length=60)
    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="+")
    before = models.ForeignKey(
        Position, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # "<story>/<actor>/<proposal>/<stance>" when the article belongs to a story and the watchlist
    # sends one alert per story; later copies point at the first alert and send nothing.
    story_key = models.CharField(max_length=80, null=True, blank=True)  # noqa: DJ001
    copy_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="copies"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["watchlist", "subject"], name="alert_once_per_subject"),
            models.UniqueConstraint(
                fields=["watchlist", "story_key"],
                condition=Q(copy_of=None) & ~Q(story_key=None),
                name="alert_once_per_story",
            ),
        ]
        indexes = [models.Index(fields=["watchlist", "-id"], name="alert_by_watchlist")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.watchlist}"


class Webhook(models.Model):
    watchlist = models.ForeignKey(Watchlist, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500)
    # Kept as it is: signing needs it. It is shown once, when the hook is created.
    secret = models.CharField(max_length=80, editable=False)
    active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return self.url

    @staticmethod
    def new_secret() -> str:
        return "whsec_" + secrets.token_urlsafe(32)

    def switch(self, on: bool) -> None:
        """Switched on or off by its owner; switched on, it starts a fresh count of failures."""
        self.active = on
        if on:
            self.consecutive_failures = 0
            self.disabled_reason = ""
        self.save(update_fields=["active", "consecutive_failures", "disabled_reason"])

    def record_success(self) -> None:
        Webhook.objects.filter(id=self.id).update(consecutive_failures=0)

    def record_failure(self, error: str) -> bool:
        """Count a failed delivery. The failure that makes WEBHOOK_DISABLE_AFTER in a row switches
        the hook off and skips its pending deliveries; returns whether this one did."""
        Webhook.objects.filter(id=self.id).update(
            consecutive_failures=F("consecutive_failures") + 1
        )
        limit = settings.WEBHOOK_DISABLE_AFTER
        reason = f"Switched off after {limit} failed deliveries in a row; the last: {error}"[:300]
        if not Webhook.objects.filter(
            id=self.id, active=True, consecutive_failures__gte=limit
        ).update(active=False, disabled_reason=reason):
            return False
        Delivery.objects.filter(webhook_id=self.id, status=Delivery.Status.PENDING).skip(
            "The webhook was switched off."
        )
        return True


class DeliveryQuerySet(models.QuerySet):
    """A delivery's status changes here and nowhere else:

    pending --claim--> sending --finish--> sent | skipped
                       sending --retry--> pending (not before its next attempt time)
                       sending --fail--> failed (a permanent error, or out of attempts)
                       sending --release--> pending (the database failed under the worker)
                       sending --unstick--> pending (its worker stopped: the sweep)
    digest --sent_in_digest--> sent;  digest | pending --skip--> skipped
    any --resend--> pending with a fresh count of attempts (an admin's Resend)
    """

    def claim(self, delivery_id: int) -> Delivery | None:
        """Take a pending delivery that is due (a conditional update, counting the attempt): of
        two workers, one sends. Returns it with what sending reads, or None."""
        now = timezone.now()
        claimed = self.filter(
            Q(next_attempt_at=None) | Q(next_attempt_at__lte=now),
            id=delivery_id,
            status=Delivery.Status.PENDING,
        ).update(status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
        if not claimed:
            return None
        return self.select_related("alert__watchlist__owner", "alert__position", "webhook").get(
            id=delivery_id
        )

    def finish(self, status: str) -> int:
        """Record how sending ended: sent, or skipped (the recipient may no longer read it)."""
        return self.update(status=status, sent_at=timezone.now(), error="")

    def record_response(self, status: int, latency_ms: int, excerpt: str) -> int:
        """What a webhook receiver answered, whatever it was."""
        return self.update(response_status=status, latency_ms=latency_ms, response_excerpt=excerpt)

    def retry(self, error: str, delay_seconds: float) -> int:
        return self.update(
            status=Delivery.Status.PENDING,
            error=error[:2000],
            next_attempt_at=timezone.now() + dt.timedelta(seconds=delay_seconds),
        )

    def fail(self, error: str) -> int:
        return self.update(status=Delivery.Status.FAILED, error=error[:2000])

    def release(self) -> int:
        return self.update(status=Delivery.Status.PENDING)

    def unstick(self, claimed_before: dt.datetime) -> int:
        """Give back deliveries held since before ``claimed_before`` by a worker that stopped."""
        return self.filter(status=Delivery.Status.SENDING, claimed_at__lt=claimed_before).update(
            status=Delivery.Status.PENDING, next_attempt_at=None
        )

    def lost(self, late: dt.datetime):
        """Pending deliveries whose message should have been taken before ``late``."""
        return self.filter(status=Delivery.Status.PENDING).filter(
            Q(next_attempt_at__lt=late) | Q(next_attempt_at=None, created_at__lt=late)
        )

    def sent_in_digest(self) -> int:
        return self.update(
            status=Delivery.Status.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1
        )

    def skip(self, reason: str | None = None) -> int:
        changes = {"status": Delivery.Status.SKIPPED}
        if reason is not None:
            changes["error"] = reason
        return self.update(**changes)

    def resend(self) -> int:
        return self.update(
            status=Delivery.Status.PENDING, attempts=0, next_attempt_at=None, error=""
        )


class Delivery(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        WEBHOOK = "webhook", "Webhook"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DIGEST = "digest", "Waiting for the digest"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"  # the recipient may no longer see it, or unsubscribed

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    webhook = models.ForeignKey(
        Webhook, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    idempotency_key = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    attempts = models.PositiveIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="A failed delivery waits until then for its next try."
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["alert"], condition=Q(channel="email"), name="delivery_one_email"
            ),
            models.UniqueConstraint(
                fields=["alert", "webhook"],
                condition=Q(channel="webhook"),
                name="delivery_one_per_hook",
            ),
        ]
        indexes = [
            models.Index(
                fields=["alert"], condition=Q(status="digest"), name="delivery_digest_waiting"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} delivery of alert {self.alert_id} ({self.status})"


class FeedTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at=None)


class FeedToken(models.Model):
    """A read-only key for the Atom feeds, for feed readers that cannot log in.

    Only its SHA-256 is stored; the token itself is shown once, when it is made.
    """

    PREFIX = "trk_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False, help_text="The token's first letters.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = FeedTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str) -> tuple[FeedToken, str]:
        """A new token for ``user``; returns the row and the token, which is never stored."""
        token = cls.PREFIX + secrets.token_urlsafe(30)
        row = cls.objects.create(
            user=user, name=name, key_hash=cls.digest(token), hint=token[: len(cls.PREFIX) + 4]
        )
        return row, token

    @classmethod
    def user_for(cls, token: str):
        """The active user a token stands for, or None (unknown, revoked, inactive user)."""
        if not token or len(token) > 200:
            return None
        row = cls.objects.active().select_related("user").filter(key_hash=cls.digest(token)).first()
        if row is None or not row.user.is_active:
            return None
        cls.objects.filter(id=row.id).update(last_used_at=timezone.now())
        return row.user

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            FeedToken.objects.filter(id=self.id, revoked_at=None).update(revoked_at=self.revoked_at)
