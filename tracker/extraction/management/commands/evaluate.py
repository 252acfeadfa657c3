"""python manage.py evaluate FILE…: score extraction against gold files.

Extraction uses the catalogue and lexicons in the database (what the workers
use, curator edits included) and the shipped attribution model; each
article's language and published date are given as metadata only. With
``--folds K`` the model is instead trained on K-1 folds (grouped by outlet)
and scores the fold it never saw, and an ablation against the rules alone is
printed per language. The last line is one line of key=value pairs.
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from tracker.extraction.extract import current_resources
from tracker.nlp import pipeline, training
from tracker.nlp.evaluate import (
    canonicalizer,
    catalogue_names,
    read_gold,
    score,
    unresolved_names,
)


class Command(BaseCommand):
    help = "Score extraction on gold JSONL files (format: shared eval README)."

    def add_arguments(self, parser):
        parser.add_argument(
            "files", nargs="+", metavar="FILE", help="Gold files, one article a line"
        )
        parser.add_argument(
            "--verbose", action="store_true", help="List missed (by cause) and spurious triples."
        )
        parser.add_argument(
            "--predictions",
            metavar="OUT.jsonl",
            help="Write what was extracted, one line per article.",
        )
        parser.add_argument(
            "--folds",
            type=int,
            default=0,
            metavar="K",
            help="Train the model on K-1 folds by outlet and score the held-out fold (K >= 2).",
        )
        parser.add_argument(
            "--rules-only", action="store_true", help="Score the rules without the learned model."
        )

    def handle(self, *args, files, verbose, predictions, folds, rules_only, **options):
        records = []
        try:
            for file in files:
                part = read_gold(file)
                for number, record in enumerate(part, 1):
                    _published(record, number)
                records.extend(part)
        except OSError as exc:
            raise CommandError(f"Cannot read {exc.filename}: {exc.strerror}") from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if folds == 1 or folds < 0:
            raise CommandError("--folds needs at least 2 folds")
        if folds and len(records) < folds:
            raise CommandError(
                f"--folds {folds} needs at least {folds} articles, not {len(records)}"
            )
        resources = current_resources()
        for article_id, name in unresolved_names(records, resources):
            self.stderr.write(
                f"warning: {article_id}: the catalogue does not know the gold name {name!r}"
            )
        if folds:
            articles = training.gold_articles(records, canonicalizer(resources))
            try:
                report, rules_report = training.cross_validate(records, articles, resources, folds)
            except training.TrainingUnavailable as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"Held-out figures: {folds} folds grouped by outlet (source)")
            extracted = None
        else:
            model = None if rules_only else pipeline.SHIPPED
            extracted = {
                record["id"]: pipeline.extract(
                    record["text"],
                    language=record.get("language"),
                    published=_published(record, 0),
                    resources=resources,
                    model=model,
                )
                for record in records
            }
            report = score(records, extracted, catalogue_names(resources), resources.hierarchy())
        lines = report.lines()
        for line in lines[:-1]:
            if verbose or not line.startswith(("missed", "spurious:")):
                self.stdout.write(line)
        if folds:
            self.write_ablation(rules_report, report)
        if predictions and extracted is not None:
            self.write_predictions(predictions, extracted)
        self.stdout.write(lines[-1])

    def write_ablation(self, rules_report, report) -> None:
        self.stdout.write("Ablation (positions lenient / strict F1): rules alone -> rules + model")
        for language in [*sorted(report.by_language), "ALL"]:
            before, after = (
                (r.overall if language == "ALL" else r.by_language[language])
                for r in (rules_report, report)
            )
            self.stdout.write(
                f"  {language:<4} {before['positions_lenient'].f1:.2f} / "
                f"{before['positions_strict'].f1:.2f} -> {after['positions_lenient'].f1:.2f} / "
                f"{after['positions_strict'].f1:.2f}"
            )

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
    """The record's published date; ``number`` is its line, for the error message."""
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
