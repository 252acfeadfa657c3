"""Re-run extraction by hand as a tracked job: ``manage.py reextract ID… | --all [--now]``."""

from django.core.management.base import BaseCommand, CommandError

from tracker.curation import jobs, tasks


class Command(BaseCommand):
    help = "Re-run extraction on some articles or all of them, as a ReextractionJob."

    def add_arguments(self, parser):
        parser.add_argument("article_ids", nargs="*", type=int)
        parser.add_argument("--all", action="store_true", help="every article")
        parser.add_argument(
            "--now", action="store_true", help="run here instead of on the Celery workers"
        )

    def handle(self, *args, article_ids, all, now, **options):
        if not all and not article_ids:
            raise CommandError("Name article ids, or pass --all.")
        article_ids = None if all else article_ids
        job = (
            jobs.create_job(article_ids=article_ids)
            if now
            else tasks.start_job(article_ids=article_ids)
        )
        if now:
            for item_id in job.items.values_list("id", flat=True):
                jobs.run_item(item_id)
            job.refresh_from_db()
        self.stdout.write(
            f"Job {job.pk}: {job.done}/{job.total} done, {job.failed} failed ({job.status})."
        )
