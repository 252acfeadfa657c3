"""python manage.py sweep: re-queue stuck articles now (beat runs the same task every minute)."""

from django.core.management.base import BaseCommand

from tracker.extraction.tasks import sweep_stuck_articles


class Command(BaseCommand):
    help = "Re-queue articles stuck in 'ingested' or 'extracting' for too long."

    def handle(self, *args, **options):
        self.stdout.write(f"Re-queued {sweep_stuck_articles()} article(s).")
