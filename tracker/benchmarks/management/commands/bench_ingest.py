"""python manage.py bench_ingest: bulk-ingest 10,000+ synthetic articles through the real pipeline.

Builds a JSONL file from tests/fixtures/dev.jsonl (sentences re-sampled and
re-ordered per language, so no two articles share a content hash), starts its
own Celery worker(s) against the configured database and broker, submits the
file as a bulk run and waits until every article is extracted. Prints
articles/s end to end and the workers' peak RSS, then removes its rows (all
under a dedicated Source) and stops its workers. The last line is
``ingest_articles_per_s=N worker_peak_rss_mb=N``.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count

from tracker.celery import app
from tracker.extraction import stances
from tracker.extraction.models import Position
from tracker.ingestion.models import Article, IngestRun, Source, Story
from tracker.ingestion.runs import start_bulk_run
from tracker.ingestion.tasks import dispatch_run

BENCH_SOURCE = "bench_ingest (temporary)"
DEV_FILE = Path(settings.BASE_DIR) / "tests" / "fixtures" / "dev.jsonl"
_SENTENCE = re.compile(r"(?<=[.!?؟])\s+")


class Command(BaseCommand):
    help = "Benchmark bulk ingestion end to end (workers, Redis, PostgreSQL, extraction)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=10_000)
        parser.add_argument("--workers", type=int, default=1, help="worker processes to start")
        parser.add_argument(
            "--concurrency", type=int, default=os.cpu_count() or 2, help="pool processes per worker"
        )
        parser.add_argument(
            "--timeout", type=int, default=1800, help="give up after this many seconds"
        )
        parser.add_argument("--seed", type=int, default=4)
        parser.add_argument(
            "--cleanup-only",
            action="store_true",
            help="only remove what an interrupted earlier run left behind",
        )

    def handle(self, *args, **options):

        # A plain `kill` still stops the workers and removes the rows (the finally below).
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        if options["cleanup_only"]:
            self.cleanup()
            self.stdout.write("Benchmark rows removed.")
            return
        if options["articles"] < 1:
            raise CommandError("--articles must be at least 1")
        if settings.CELERY_BROKER_URL.startswith("memory"):
            raise CommandError("bench_ingest needs a real broker (CELERY_BROKER_URL).")
        self.cleanup()
        source = Source.objects.create(name=BENCH_SOURCE, kind=Source.Kind.UPLOAD, active=False)
        workdir = Path(tempfile.mkdtemp(prefix="bench_ingest_"))
        data = workdir / "bench.jsonl"
        count = write_articles(data, options["articles"], options["seed"])
        self.stdout.write(
            f"Built {count} synthetic articles ({data.stat().st_size / 1e6:.1f} MB) in {data}"
        )
        workers: list[subprocess.Popen] = []
        sampler = RSSSampler()
        try:
            workers = self.start_workers(options["workers"], options["concurrency"], workdir)
            sampler.start(workers)
            elapsed, stored = self.run(source, data, options["timeout"])
            sampler.stop()
            rate = stored / elapsed if elapsed else 0.0
            self.report(source, stored, elapsed, rate, sampler.peak_mb)
            self.vacuum_analyze("after the bulk load")
        finally:
            sampler.stop()
            self.stop_workers(workers)
            self.cleanup()
            self.vacuum_analyze("after removing the benchmark rows")
            for path in workdir.iterdir():
                path.unlink()
            workdir.rmdir()
        self.stdout.write(
            f"ingest_articles_per_s={rate:.0f} worker_peak_rss_mb={sampler.peak_mb:.0f}"
        )

    def start_workers(self, number: int, concurrency: int, workdir: Path) -> list[subprocess.Popen]:

        app.control.purge()
        workers, names = [], []
        for index in range(number):
            name = f"bench{index}-{os.getpid()}@localhost"
            names.append(name)
            log = open(workdir / f"worker{index}.log", "wb")  # noqa: SIM115 - closed with the process
            command = [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tracker",
                "worker",
                "--loglevel",
                "WARNING",
                "--concurrency",
                str(concurrency),
                "--hostname",
                name,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ]
            worker = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                command,
                cwd=settings.BASE_DIR,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            workers.append(worker)
        # Readiness is asked by a short-lived `celery inspect ping`, so this process never holds a
        # consumer on the broker that could take task messages.
        deadline = time.monotonic() + 90
        pending = list(names)
        while pending and time.monotonic() < deadline:
            if any(w.poll() is not None for w in workers):
                break
            probe = subprocess.run(  # noqa: S603 - our own interpreter and arguments
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "tracker",
                    "inspect",
                    "ping",
                    "-d",
                    pending[0],
                    "-t",
                    "2",
                ],
                cwd=settings.BASE_DIR,
                capture_output=True,
                check=False,
            )
            if probe.returncode == 0:
                pending.pop(0)
            else:
                time.sleep(0.5)
        if pending:
            self.stop_workers(workers)
            raise CommandError(f"The bench worker did not start; see {workdir}/worker0.log")
        return workers

    def run(self, source, data: Path, timeout: int) -> tuple[float, int]:

        started = time.monotonic()
        with data.open("rb") as lines:
            run = start_bulk_run(data.name, lines, source=source)
        dispatch_run(run.id)
        self.stdout.write(f"Run {run.id}: {run.items_seen} lines queued")
        last = ""
        self.stored_after = None
        while True:
            run.refresh_from_db()
            states = dict(
                Article.objects.filter(ingest_run=run).values_list("state").annotate(n=Count("id"))
            )
            waiting = states.get("ingested", 0) + states.get("extracting", 0)
            finished = run.is_finished and waiting == 0
            line = (
                f"  {time.monotonic() - started:6.1f}s stored {run.items_new}/{run.items_seen}, "
                f"extracted {states.get('extracted', 0)}, failed {states.get('failed', 0)}"
            )
            if line != last and (finished or int(time.monotonic() - started) % 5 == 0):
                self.stdout.write(line)
                last = line
            if run.is_finished and self.stored_after is None:
                self.stored_after = time.monotonic() - started
            if finished:
                break
            if time.monotonic() - started > timeout:
                raise CommandError(f"Gave up after {timeout}s: {line.strip()}")
            time.sleep(0.25)
        elapsed = time.monotonic() - started
        if run.items_failed:
            self.stderr.write(f"{run.items_failed} items failed, e.g. {run.errors[:3]}")
        return elapsed, run.items_new

    def report(self, source, stored: int, elapsed: float, rate: float, peak_mb: float) -> None:

        articles = Article.objects.filter(source=source)
        stories = Story.objects.filter(articles__source=source).distinct().count()
        positions = Position.objects.filter(article__source=source).count()
        if self.stored_after:
            self.stdout.write(
                f"Stage by stage: all {stored} stored after {self.stored_after:.1f}s "
                f"({stored / self.stored_after:.0f} articles/s through fetch-free ingestion and dedup); "
                f"extraction finished {elapsed - self.stored_after:.1f}s later."
            )
        self.stdout.write(
            f"{stored} articles stored and extracted in {elapsed:.1f}s: {rate:.0f} articles/s end to end; "
            f"{stories} stories, {positions} positions, {articles.filter(state='failed').count()} extraction "
            f"failures; worker peak RSS {peak_mb:.0f} MB"
        )

    def vacuum_analyze(self, when: str) -> None:
        """VACUUM ANALYZE the tables a bulk load writes: fresh planner statistics, and dead rows
        cleared, even on a server whose autovacuum is off or has not come round yet."""
        started = time.monotonic()
        tables = [apps.get_model(name)._meta.db_table for name in BULK_MODELS]
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")
        self.stdout.write(f"VACUUM ANALYZE {when}: {time.monotonic() - started:.1f}s")

    def stop_workers(self, workers: list[subprocess.Popen]) -> None:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
        workers.clear()

    def cleanup(self) -> None:
        """Remove everything the benchmark stored (also what a crashed earlier run left): its
        articles with their positions, extraction runs and position history, stories, runs, source.

        Refreshing the derived tables pair by pair for tens of thousands of positions would cost
        more than rebuilding them once at the end, which is what it does.
        """

        source = Source.objects.filter(name=BENCH_SOURCE).first()
        if source is None:
            return
        ids = list(Article.objects.filter(source=source).values_list("id", flat=True))
        if ids:
            self.stdout.write(f"Removing the {len(ids)} benchmark articles…")
        for start in range(0, len(ids), 1000):
            batch = ids[start : start + 1000]
            with transaction.atomic():
                story_ids = set(
                    Article.objects.filter(id__in=batch).values_list("story_id", flat=True)
                )
                Article.objects.filter(id__in=batch).delete()
                Position.history.filter(article_id__in=batch).delete()
                Story.objects.filter(id__in=story_ids, articles__isnull=True).delete()
        if ids:
            stances.rebuild_all()
        IngestRun.objects.filter(source=source).delete()
        source.delete()
        Source.history.filter(name=BENCH_SOURCE).delete()


# Every model whose table a bulk load (and its removal) inserts into, updates or deletes from.
BULK_MODELS = [
    "ingestion.Article",
    "ingestion.MinHashBand",
    "ingestion.Story",
    "ingestion.PendingItem",
    "ingestion.IngestRun",
    "extraction.Position",
    "extraction.HistoricalPosition",
    "extraction.ExtractionRun",
    "extraction.ActorStance",
    "extraction.StanceShift",
    "extraction.ActorStanding",
]


def write_articles(path: Path, count: int, seed: int) -> int:
    """Synthetic articles: each re-samples and re-orders the sentences of one language's dev texts."""
    rng = random.Random(seed)
    by_language: dict[str, list[str]] = {}
    titles: dict[str, list[str]] = {}
    for line in DEV_FILE.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        sentences = [
            s.strip()
            for s in _SENTENCE.split(record["text"].replace("\n", " "))
            if len(s.strip()) > 20
        ]
        by_language.setdefault(record["language"], []).extend(sentences)
        titles.setdefault(record["language"], []).append(record["title"])
    languages = sorted(by_language)
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            language = languages[number % len(languages)]
            pool = by_language[language]
            size = min(len(pool), rng.randint(6, 12))
            sentences = rng.sample(pool, size)
            paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
            # A dateline numbered per article: no two synthetic articles share a content hash.
            paragraphs.insert(0, f"KYIV, dispatch {number}.")
            text = "\n\n".join(paragraphs)
            record = {
                "url": f"https://bench.example.org/{seed}/{language}/{number}",
                "title": f"{rng.choice(titles[language])} ({number})",
                "text": text,
                "language": language,
                "published": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return count


class RSSSampler:
    """Samples the resident memory of the worker process trees (main process plus pool children)."""

    def __init__(self):
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, workers: list[subprocess.Popen]) -> None:
        self._thread = threading.Thread(
            target=self._loop, args=([w.pid for w in workers],), daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def _loop(self, pids: list[int]) -> None:
        while not self._stop.is_set():
            total = sum(_rss_kb(pid) for root in pids for pid in _tree(root))
            self.peak_mb = max(self.peak_mb, total / 1024)
            self._stop.wait(0.2)


def _tree(root: int) -> list[int]:
    pids = [root]
    try:
        children = Path(f"/proc/{root}/task/{root}/children").read_text().split()
    except OSError:
        return pids
    for child in children:
        pids.extend(_tree(int(child)))
    return pids


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
