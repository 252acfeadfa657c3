"""python manage.py ingest URL|FILE|-|--feed URL: ingest a page, a file, stdin or one feed poll, in this process.

The same path as the dashboard and beat: a recorded run, safe fetching with
retries, the same feed parser, store_article for every article; extraction is
queued for the workers.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tracker.ingestion.ingest import IngestError
from tracker.ingestion.runs import (
    check_feed,
    process_run_inline,
    start_bulk_run,
    start_file_run,
    start_url_run,
)


class Command(BaseCommand):
    help = (
        "Ingest a URL, a file (.html, .txt, .jsonl) or '-' for JSON lines on stdin; "
        "or poll one feed once with --feed URL."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "target",
            nargs="?",
            help="http(s) URL, path to a .html/.txt/.jsonl file, or - for JSONL on stdin",
        )
        parser.add_argument(
            "--feed",
            metavar="URL",
            help="poll this RSS/Atom feed once, as a scheduled poll would, and ingest its entries",
        )

    def handle(self, *args, target: str | None, feed: str | None, **options):
        if bool(target) == bool(feed):
            raise CommandError("Give either a URL, a file or - to ingest, or --feed URL.")
        try:
            if feed:
                run = check_feed(feed)
            elif target == "-":
                run = start_bulk_run("<stdin>", sys.stdin.buffer)
            elif "://" in target or target.lower().startswith(("javascript:", "data:", "mailto:")):
                run = start_url_run(target)
            else:
                path = Path(target)
                try:
                    with path.open("rb") as handle:
                        run = start_file_run(path.name, handle)
                except OSError as exc:
                    raise CommandError(f"Cannot read {target}: {exc.strerror}") from None
        except IngestError as exc:
            raise CommandError(str(exc)) from None
        run = process_run_inline(run)
        for error in run.errors:
            self.stderr.write(self.style.ERROR(f"{error['item']}: {error['error']}"))
        self.stdout.write(
            f"Run {run.id} {run.status}: {run.items_seen} seen, {run.items_new} new, "
            f"{run.items_duplicate} duplicate, {run.items_failed} failed."
        )
        if run.status == run.Status.FAILED or (
            run.items_failed and not (run.items_new or run.items_duplicate)
        ):
            raise CommandError("Nothing was ingested.")
