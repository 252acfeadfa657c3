"""python manage.py ingest URL|FILE|-: ingest a page, a file (.html, .txt, .jsonl) or stdin, in this process.

The same path as the dashboard: a recorded run, safe fetching with retries,
store_article for every article; extraction is queued for the workers.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tracker.ingestion.ingest import IngestError
from tracker.ingestion.runs import process_run_inline, start_bulk_run, start_file_run, start_url_run


class Command(BaseCommand):
    help = "Ingest a URL, a file (.html, .txt, .jsonl) or '-' for JSON lines on stdin."

    def add_arguments(self, parser):
        parser.add_argument(
            "target", help="http(s) URL, path to a .html/.txt/.jsonl file, or - for JSONL on stdin"
        )

    def handle(self, *args, target: str, **options):
        try:
            if target == "-":
                run = start_bulk_run("<stdin>", sys.stdin.buffer.read())
            elif "://" in target or target.lower().startswith(("javascript:", "data:", "mailto:")):
                run = start_url_run(target)
            else:
                path = Path(target)
                try:
                    data = path.read_bytes()
                except OSError as exc:
                    raise CommandError(f"Cannot read {target}: {exc.strerror}") from None
                run = start_file_run(path.name, data)
        except IngestError as exc:
            raise CommandError(str(exc)) from None
        run = process_run_inline(run)
        for error in run.errors:
            self.stderr.write(self.style.ERROR(f"{error['item']}: {error['error']}"))
        self.stdout.write(
            f"Run {run.id} {run.status}: {run.items_seen} seen, {run.items_new} new, "
            f"{run.items_duplicate} duplicate, {run.items_failed} failed."
        )
        if run.items_failed and not (run.items_new or run.items_duplicate):
            raise CommandError("Nothing was ingested.")
