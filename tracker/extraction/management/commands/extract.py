"""python manage.py extract [ID ...] [--all] [--failed]: run extraction by hand, in this process."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tracker.extraction.extract import extract_batch
from tracker.ingestion.models import Article


class Command(BaseCommand):
    help = "Extract positions from articles in this process (no worker needed)."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int)
        parser.add_argument("--all", action="store_true", help="Every article.")
        parser.add_argument("--failed", action="store_true", help="Every failed article.")

    def handle(self, *args, ids, all, failed, **options):
        query = Article.objects.all()
        if ids:
            query = query.filter(id__in=ids)
        elif failed:
            query = query.filter(state=Article.State.FAILED)
        elif not all:
            raise CommandError("Give article ids, --failed or --all.")
        done = 0
        ids = list(query.order_by("id").values_list("id", flat=True))
        size = settings.EXTRACTION_BATCH_SIZE
        for start in range(0, len(ids), size):
            batch = ids[start : start + size]
            Article.objects.filter(id__in=batch).requeue()
            for article_id, run in sorted(extract_batch(batch).items()):
                done += 1
                self.stdout.write(
                    f"article {article_id}: {run.status}, {run.positions_found} positions"
                )
        self.stdout.write(f"Extracted {done} article(s).")
