"""Rebuild the derived stance and shift tables from the positions (after a restore or a bulk load)."""

from django.core.management.base import BaseCommand

from tracker.extraction import stances
from tracker.extraction.models import ActorStance, StanceShift


class Command(BaseCommand):
    help = "Rebuild the matrix's latest stances and the shifts feed from every visible position."

    def handle(self, *args, **options):
        stances.rebuild_all()
        self.stdout.write(
            f"Rebuilt {ActorStance.objects.count()} latest stances and "
            f"{StanceShift.objects.count()} shifts."
        )
