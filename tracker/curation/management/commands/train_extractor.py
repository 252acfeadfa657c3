"""python manage.py train_extractor: train the learned attribution layer and write its model file.

It trains on the gold files in the repository (``tests/fixtures/train.jsonl``
and ``dev.jsonl`` unless files are named) plus the curators' decisions in the
database, prints what it trained on and the figures of a cross-validation by
outlet, and writes the model as JSON (same input, same bytes).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tracker.curation.learning import curated_articles
from tracker.extraction.extract import current_resources
from tracker.nlp import learned, training
from tracker.nlp.evaluate import canonicalizer, read_gold
from tracker.nlp.pipeline import EXTRACTOR_VERSION

GOLD_FILES = ("tests/fixtures/train.jsonl", "tests/fixtures/dev.jsonl")


class Command(BaseCommand):
    help = "Train the attribution model on the gold files and curators' decisions."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="Gold files (default: the repository's)")
        parser.add_argument(
            "--output",
            default=str(learned.DEFAULT_MODEL_PATH),
            help="Where to write the model (default: the file shipped with the extractor)",
        )
        parser.add_argument(
            "--folds", type=int, default=5, help="Cross-validation folds by outlet (0: none)"
        )
        parser.add_argument(
            "--no-curated", action="store_true", help="Leave the curators' decisions out"
        )

    def handle(self, *args, files, output, folds, no_curated, **options):
        paths = files or [str(Path(settings.BASE_DIR) / name) for name in GOLD_FILES]
        resources = current_resources()
        canon = canonicalizer(resources)
        records = []
        for path in paths:
            try:
                records.extend(read_gold(path))
            except OSError as exc:
                raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        articles = training.gold_articles(records, canon)
        curated = [] if no_curated else curated_articles()
        self.stdout.write(
            f"Training on {len(articles)} annotated articles from {len(paths)} file(s) "
            f"({sum(len(a.labels) for a in articles)} labelled pairs) and {len(curated)} "
            f"curated articles ({sum(len(a.labels) for a in curated)} curator decisions)"
        )
        try:
            if folds > 1 and len(articles) >= folds:
                report, _ = training.cross_validate(records, articles, resources, folds, curated)
                self.stdout.write(
                    f"Held out, {folds} folds by outlet (curated decisions in every training fold):"
                )
                for line in report.lines():
                    if line.startswith(("ALL", "positions_")):
                        self.stdout.write("  " + line)
            model = training.train(
                articles + curated, resources, version=f"{EXTRACTOR_VERSION}-logreg"
            )
        except training.TrainingUnavailable as exc:
            raise CommandError(str(exc)) from None
        text = model.to_json()
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(text, encoding="utf-8")
        info = model.trained_on
        self.stdout.write(
            f"Wrote {output}: {len(model.features)} features, {info.get('candidates')} candidates "
            f"(labels {info.get('labels')})"
        )
