"""Rebuild the derived stance, shift and standing tables from the positions and roles (after a
restore or a bulk load)."""

from django.core.management.base import BaseCommand

from tracker.extraction import stances
from tracker.extraction.models import ActorStance, ActorStanding, StanceShift


class Command(BaseCommand):
    help = (
        "Rebuild the matrix's latest stances, the shifts feed and the standings counting officials "
        "from every visible position."
    )

    def handle(self, *args, **options):
        stances.rebuild_all()
        self.stdout.write(
            f"Rebuilt {ActorStance.objects.count()} latest stances, "
            f"{StanceShift.objects.count()} shifts and {ActorStanding.objects.count()} standings."
        )
