"""python manage.py load_catalogue [--force]: load actors and lexicons from the data files.

`migrate` already does this; run it by hand after editing the files.
"""

from django.core.management.base import BaseCommand

from tracker.extraction.catalogue import sync_data_files


class Command(BaseCommand):
    help = "Load the actor catalogue and lexicons from tracker/nlp/data/ (curator edits are kept)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Reload even if the files did not change."
        )

    def handle(self, *args, force, **options):
        counts = sync_data_files(force=force)
        if not counts:
            self.stdout.write("Catalogue and lexicons are up to date.")
        for key, value in counts.items():
            self.stdout.write(f"{key}: {value}")
