"""python manage.py evaluate FILE.jsonl: score extraction against a gold file.

Extraction uses the catalogue and lexicons in the database (what the workers
use, curator edits included); each article's language and published date are
given as metadata only. The last line is one line of key=value pairs.
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from tracker.extraction import pipeline
from tracker.extraction.evaluate import catalogue_names, read_gold, score
from tracker.extraction.extract import current_resources


class Command(BaseCommand):
    help = "Score extraction on a gold JSONL file (format: shared eval README)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Gold file, one article per line")
        parser.add_argument(
            "--verbose", action="store_true", help="List missed and spurious triples."
        )
        parser.add_argument(
            "--predictions",
            metavar="OUT.jsonl",
            help="Write what was extracted, one line per article.",
        )

    def handle(self, *args, file, verbose, predictions, **options):
        try:
            records = read_gold(file)
            dates = [_published(record, number) for number, record in enumerate(records, 1)]
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        resources = current_resources()
        extracted = {
            record["id"]: pipeline.extract(
                record["text"],
                language=record.get("language"),
                published=published,
                resources=resources,
            )
            for record, published in zip(records, dates, strict=True)
        }
        report = score(records, extracted, catalogue_names(resources), resources.hierarchy())
        lines = report.lines()
        for line in lines[:-1]:
            if verbose or not line.startswith(("missed:", "spurious:")):
                self.stdout.write(line)
        if predictions:
            self.write_predictions(predictions, extracted)
        self.stdout.write(lines[-1])

    def write_predictions(self, path: str, extracted: dict) -> None:
        try:
            with open(path, "w", encoding="utf-8") as handle:
                for article_id, result in extracted.items():
                    handle.write(
                        json.dumps(_prediction(article_id, result), ensure_ascii=False) + "\n"
                    )
        except OSError as exc:
            raise CommandError(f"Cannot write {path}: {exc.strerror}") from None


def _published(record: dict, number: int) -> dt.date | None:
    value = record.get("published")
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(
            f"article {number} ({record.get('id')}): 'published' must be an ISO date, not {value!r}"
        ) from None


def _prediction(article_id: str, result) -> dict:
    return {
        "id": article_id,
        "language": result.language,
        "actors": result.actors,
        "proposals": result.proposals,
        "positions": [
            {
                "actor": p.actor,
                "proposal": p.proposal,
                "stance": p.stance,
                "start": p.start,
                "end": p.end,
                "stated_on": p.stated_on.isoformat() if p.stated_on else None,
                "confidence": round(p.confidence, 3),
            }
            for p in result.positions
        ],
    }
