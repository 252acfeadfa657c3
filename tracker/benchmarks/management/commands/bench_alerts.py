"""Benchmark alert matching and digests on PostgreSQL.

1,000 users with one watchlist each, 10,000 new positions saved in extraction-sized batches
(50): the time to match each batch (alerts recorded, deliveries created), then the time to
render 1,000 digests and hand them to the mail backend (Django's in-memory one, so the figure
is ours, not an SMTP server's). Everything runs in one transaction that is rolled back.
"""

from __future__ import annotations

import hashlib
import random
import statistics
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from tracker.alerts import tasks
from tracker.alerts.matching import keys_for, match_positions
from tracker.alerts.models import AlertPreferences, Delivery, WatchKey, Watchlist
from tracker.extraction import stances
from tracker.extraction.models import Actor, ActorTree, Position, Proposal
from tracker.ingestion.models import Article, Source

STANCES = ["support", "oppose", "considering"]
LANGUAGES = ["en", "ar", "fr", "de", "ru", "uk"]


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time alert matching per batch of 50 positions and 1,000 digests."

    def add_arguments(self, parser):
        parser.add_argument("--watchlists", type=int, default=1000)
        parser.add_argument("--positions", type=int, default=10_000)
        parser.add_argument("--batch", type=int, default=50)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **options):
        self.rng = random.Random(options["seed"])
        try:
            with transaction.atomic():
                self.run(options)
                raise Rollback
        except Rollback:
            pass

    def run(self, options):
        rng = self.rng
        out = self.stdout.write
        actors = list(
            Actor.objects.filter(parent__isnull=True)
            .order_by("id")
            .values_list("id", flat=True)[:300]
        )
        proposals = dict(Proposal.objects.values_list("id", "kind"))
        if len(actors) < 50:
            raise CommandError("Load the actor catalogue first (manage.py migrate does).")
        pairs = [(a, p) for a in actors for p in proposals]
        source = Source.objects.create(name=f"bench-alerts-{time.time_ns()}", kind="site")

        # Users and one watchlist each: most watch an (actor, proposal) pair, some an actor or a
        # proposal with a stance and a language, a few an actor with its children.
        group = Group.objects.create(name=f"bench-alerts-{time.time_ns()}")
        group.permissions.add(Permission.objects.get(codename="view_position"))
        User = get_user_model()
        users = User.objects.bulk_create(
            [
                User(username=f"bench-alerts-{i}-{time.time_ns()}", email=f"u{i}@example.org")
                for i in range(options["watchlists"])
            ]
        )
        group.user_set.add(*users)
        hour = timezone.now().hour
        AlertPreferences.objects.bulk_create(
            [AlertPreferences(user=u, time_zone="UTC", digest_hour=hour) for u in users]
        )
        watched = rng.sample(pairs, min(len(pairs), len(users)))
        watchlists = []
        for i, user in enumerate(users):
            actor, proposal = watched[i % len(watched)]
            roll = rng.random()
            if roll < 0.70:
                filters = {"actor": str(actor), "proposal": proposals[proposal]}
            elif roll < 0.85:
                filters = {"actor": str(actor), "stance": rng.choice(STANCES)}
            elif roll < 0.95:
                filters = {
                    "proposal": proposals[proposal],
                    "stance": rng.choice(STANCES),
                    "language": rng.choice(LANGUAGES),
                }
            else:
                filters = {"actor": str(actor)}
            watchlists.append(
                Watchlist(owner=user, name=f"bench {i}", filters=filters, email="digest")
            )
        Watchlist.objects.bulk_create(watchlists)
        tree = ActorTree.load()
        WatchKey.objects.bulk_create(
            [
                WatchKey(watchlist=w, proposal_id=p, actor_id=a)
                for w in watchlists
                for p, a in keys_for(w, tree)
            ]
        )

        # Articles and positions, saved batch by batch as extraction saves them; the watched
        # pairs come up often enough that every watchlist gets something for its digest.
        total, size = options["positions"], options["batch"]
        per_article = 5
        articles = Article.objects.bulk_create(
            [
                Article(
                    source=source,
                    title=f"Bench article {i}",
                    text=f"Bench article {i} for alerts.",
                    language=rng.choice(LANGUAGES),
                    published=timezone.localdate(),
                    content_hash=hashlib.sha256(
                        f"bench-alerts-{source.id}-{i}".encode()
                    ).hexdigest(),
                    state=Article.State.EXTRACTED,
                )
                for i in range((total + per_article - 1) // per_article)
            ]
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE alerts_watchkey")
        timings = []
        made = 0
        for start in range(0, total, size):
            rows = []
            for n in range(start, min(total, start + size)):
                article = articles[n // per_article]
                actor, proposal = rng.choice(watched) if rng.random() < 0.6 else rng.choice(pairs)
                stance = rng.choice(STANCES)
                rows.append(
                    Position(
                        article=article,
                        actor_id=actor,
                        proposal_id=proposal,
                        stance=stance,
                        evidence=f"Bench evidence {n}.",
                        start=0,
                        end=10,
                        timeline_date=article.published,
                        confidence=0.5 + rng.random() / 2,
                        extraction_key=f"{actor}/{proposals[proposal]}/{stance}/{n}",
                    )
                )
            created = Position.objects.bulk_create(rows)
            stances.refresh_articles(
                sorted({p.article_id for p in created}), [p.id for p in created]
            )
            began = time.perf_counter()
            match_positions([p.id for p in created])
            timings.append((time.perf_counter() - began) * 1000)
            made += len(created)
        timings.sort()
        p50 = statistics.median(timings)
        p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
        waiting = Delivery.objects.filter(
            status=Delivery.Status.DIGEST, alert__watchlist__owner__in=users
        )
        users_waiting = waiting.values("alert__watchlist__owner").distinct().count()
        out(
            f"matched {made} positions in {len(timings)} batches against {len(watchlists)} "
            f"watchlists: p50 {p50:.1f} ms, p95 {p95:.1f} ms per batch; "
            f"{waiting.count()} alerts wait for the digests of {users_waiting} users"
        )

        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            mail.outbox = []
            began = time.perf_counter()
            sent = tasks.send_digests(timezone.now().isoformat())
            digest_seconds = time.perf_counter() - began
            handed = len(mail.outbox)
        out(f"{sent} digests rendered and handed to the mail backend ({handed} messages)")
        out(f"match_p95_ms_per_batch={p95:.1f} digest_seconds_for_1000_users={digest_seconds:.1f}")
