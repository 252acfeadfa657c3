"""python manage.py load_seeds: ingest the seed articles; running it again adds nothing."""

from django.core.management.base import BaseCommand

from tracker.ingestion.seeds import SEEDS_DIR, load_seeds


class Command(BaseCommand):
    help = "Ingest the articles listed in seeds/manifest.json through the normal pipeline."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(SEEDS_DIR), help="Folder holding manifest.json")

    def handle(self, *args, **options):
        from pathlib import Path

        report = load_seeds(Path(options["dir"]))
        for error in report.errors:
            self.stderr.write(self.style.ERROR(f"Seed not loaded: {error}"))
        self.stdout.write(
            f"Seeds: {report.new} new, {report.duplicate} already present, {len(report.errors)} failed."
        )
