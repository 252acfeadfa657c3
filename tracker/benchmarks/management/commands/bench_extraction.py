"""python manage.py bench_extraction: throughput of the pure extraction pipeline, no database.

Resources come from the data files (``load_resources_from_files``), articles
from the development set (repeated and shuffled with a fixed seed), and one
1 MB article is built by concatenating development texts of one language.
The last line is machine-readable::

    articles_per_s=N mb_per_s=N peak_rss_mb=N cpu_articles_per_s=N

``articles_per_s`` is wall-clock; ``cpu_articles_per_s`` divides by the
process's CPU time instead, which other processes sharing the cores do not
inflate.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tracker.benchmarks import pipeline as bench
from tracker.nlp.pipeline import SHIPPED
from tracker.nlp.resources import load_resources_from_files


class Command(BaseCommand):
    help = (
        "Benchmark the pure extraction pipeline on the development articles (no database access)."
    )
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument(
            "--articles", type=int, default=2000, help="articles to extract (default 2000)"
        )
        parser.add_argument("--seed", type=int, default=0, help="shuffle seed (default 0)")
        parser.add_argument(
            "--big-language", default="en", help="language of the 1 MB article (default en)"
        )
        parser.add_argument(
            "--gold", default=str(bench.DEV), help="JSONL file of articles (default: dev set)"
        )
        parser.add_argument(
            "--rules-only", action="store_true", help="time the rules without the learned model"
        )

    def handle(self, *args, **options):
        if options["articles"] < 1:
            raise CommandError("--articles must be at least 1")
        gold = Path(options["gold"])
        if not gold.exists():
            raise CommandError(f"{gold} does not exist")
        started = time.perf_counter()
        resources = load_resources_from_files()
        self.stdout.write(
            f"resources: {len(resources.actors)} actors, {resources.alias_count} aliases, "
            f"{resources.lexicon_size} lexicon entries in {time.perf_counter() - started:.2f}s"
        )
        try:
            result = bench.run(
                resources,
                articles=options["articles"],
                seed=options["seed"],
                big_language=options["big_language"],
                gold=gold,
                model=None if options["rules_only"] else SHIPPED,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"cold pass: {result.cold_articles} distinct articles in {result.cold_seconds:.2f}s "
            "(first sight of their word forms, lazy analyzers)"
        )
        self.stdout.write(
            f"{result.articles} articles, {result.megabytes:.2f} MB in {result.seconds:.2f}s"
        )
        self.stdout.write(
            f"one_mb_article language={result.big_language} bytes={result.big_bytes} "
            f"seconds={result.big_seconds:.2f}"
        )
        self.stdout.write(result.summary())
