"""Recompute every watchlist's (proposal, actor) keys, e.g. after actors were merged or moved
under another parent (keys expand an actor to its children when a watchlist is saved)."""

from django.core.management.base import BaseCommand

from tracker.alerts.matching import rebuild_all_keys


class Command(BaseCommand):
    help = "Recompute the match keys of every watchlist (after merging or re-parenting actors)."

    def handle(self, *args, **options):
        self.stdout.write(f"rebuilt the keys of {rebuild_all_keys()} watchlists")
