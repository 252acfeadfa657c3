"""Fault tests: real Celery workers in subprocesses, each test on a private Redis and on the
test database, so a worker can be killed, the broker stopped or the database connections cut
without touching anything else.

Every wait polls with a deadline; nothing relies on a sleep being long enough.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.db import connection, models

ROOT = Path(__file__).resolve().parents[2]
STALE_SECONDS = 15
STALE = dt.timedelta(seconds=STALE_SECONDS)


def wait_for(predicate: Callable[[], object], timeout: float, what: str, interval: float = 0.05):
    """Poll ``predicate`` until it returns something true; fail with ``what`` at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A private redis-server on a spare port, without persistence; it can be stopped and
    started again on the same port."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = open(self.workdir / f"redis-{self.port}.log", "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(  # noqa: S603 - a fixed command line
            [  # noqa: S607 - the redis-server the machine has, as .ci/run starts it
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        wait_for(lambda: self._pings(client), 15, f"redis-server on port {self.port}")

    def _pings(self, client) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"redis-server on port {self.port} exited")
        try:
            return client.ping()
        except redis.ConnectionError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)
        self.process = None


class Worker:
    """``celery -A tracker worker`` in its own process group, on the given broker and the test
    database."""

    count = 0

    def __init__(self, workdir: Path, broker_url: str, **env: str):
        Worker.count += 1
        self.name = f"fault{Worker.count}-{os.getpid()}@localhost"
        self.log_path = workdir / f"worker{Worker.count}.log"
        settings_dict = connection.settings_dict
        database_url = "postgres://{}:{}@{}:{}/{}".format(
            quote(settings_dict["USER"] or "", safe=""),
            quote(settings_dict["PASSWORD"] or "", safe=""),
            quote(settings_dict["HOST"] or "127.0.0.1", safe=""),  # a socket folder, embedded
            settings_dict["PORT"] or 5432,
            settings_dict["NAME"],
        )
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "WORKER_PREFETCH": "1",
            **env,
        }
        self.env.pop("REDIS_URL", None)
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tracker",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
                "--hostname",
                self.name,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once, as the kernel's OOM killer would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=15)
        # Pool processes are in the same group; make sure none outlives its parent.
        wait_for(lambda: not _group_alive(self.process.pid), 15, "the pool processes to die")

    def stop(self) -> None:
        if not self.alive():
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _group_alive(pgid: int) -> bool:
    """Is any process of the group still running? Zombies do not count: when the worker's main
    process is gone, its pool processes are reaped by whatever init the machine has, or never."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def publish_to(redis_server):
    """This process publishes to the private Redis (the sweeps, ``dispatch_run``)."""
    from tracker.celery import app

    def reset_pools():
        app.amqp._producer_pool = None
        app._pool = None

    names = ("broker_url", "broker_write_url", "broker_read_url")
    saved = {name: app.conf[name] for name in names}
    app.conf.update(dict.fromkeys(names, redis_server.url))
    reset_pools()
    assert f":{redis_server.port}/" in app.connection_for_write().as_uri()
    yield redis_server
    app.conf.update(saved)
    reset_pools()


@pytest.fixture
def workers(transactional_db, tmp_path, publish_to, request):
    """Start workers with ``workers(**env)``; all are stopped at the end, and their logs are
    shown when the test failed."""
    started: list[Worker] = []

    def start(**env: str) -> Worker:
        worker = Worker(tmp_path, publish_to.url, **env).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        for worker in started:
            sys.stderr.write(f"\n--- {worker.name} ---\n{worker.log()[-4000:]}\n")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def synthetic_articles(path: Path, count: int, seed: int) -> Path:
    """A bulk JSONL file of ``count`` distinct articles built from the dev gold file."""
    from tracker.benchmarks.management.commands.bench_ingest import write_articles

    write_articles(path, count, seed)
    return path


def expected_positions(articles) -> dict[int, dict[str, tuple]]:
    """What an undisturbed extraction of each article gives, computed in this process by the
    same pipeline: {article id: {extraction key: (stance, start, end)}}, the best-scoring
    finding per key, with the evidence widened to its clause as the save keeps it."""
    from tracker.extraction import extract
    from tracker.extraction.clauses import clause_bounds
    from tracker.extraction.models import Actor, Position
    from tracker.nlp import pipeline

    resources = extract.resources_from_db()  # not the cache: the catalogue was reloaded since
    actor_ids = dict(Actor.objects.values_list("name", "id"))
    expected: dict[int, dict[str, tuple]] = {}
    for article in articles:
        result = pipeline.extract(
            article.text,
            language=None if article.language == "unknown" else article.language,
            published=article.reference_date,
            resources=resources,
        )
        best: dict[str, object] = {}
        for found in result.positions:
            if found.actor not in actor_ids:
                continue
            key = Position.key_for(actor_ids[found.actor], found.proposal, found.stance)
            if key not in best or found.confidence > best[key].confidence:
                best[key] = found
        expected[article.id] = {
            k: (
                f.stance,
                *clause_bounds(article.text, f.start, f.end, f.sentence_start, f.sentence_end),
            )
            for k, f in best.items()
        }
    return expected


def stored_positions(article_ids) -> dict[int, dict[str, tuple]]:
    from tracker.extraction.models import Position

    stored: dict[int, dict[str, tuple]] = {i: {} for i in article_ids}
    for article_id, key, stance, start, end in Position.objects.filter(
        article_id__in=list(article_ids)
    ).values_list("article_id", "extraction_key", "stance", "start", "end"):
        assert key not in stored[article_id], f"position {key} of {article_id} stored twice"
        stored[article_id][key] = (stance, start, end)
    return stored


def dumps(value) -> str:
    return json.dumps(value, default=str)[:2000]


def busy() -> bool:
    """Is any worker holding work right now: an article being extracted or an item claimed?"""
    from tracker.ingestion.models import Article, PendingItem

    return (
        Article.objects.filter(state=Article.State.EXTRACTING).exists()
        or PendingItem.objects.filter(claimed_at__isnull=False).exists()
    )


@pytest.fixture
def sweep(settings, monkeypatch):
    """Run both sweeps as beat would, treating as lost whatever was waiting or held since before
    ``cutoff``. The tests choose a cutoff at which no live worker held anything (the moment a
    worker died, or a moment seen idle), so the sweep never takes work a live worker is doing,
    which in production the 300-second threshold guarantees."""
    from django.utils import timezone
    from kombu.exceptions import OperationalError as BrokerOperationalError

    from tracker.core.queue import QueueUnavailable
    from tracker.extraction.tasks import sweep_stuck_articles
    from tracker.ingestion import runs
    from tracker.ingestion.tasks import sweep_pending_items

    last = {"at": 0.0}

    def run(cutoff, *, at_once: bool = True) -> None:
        # Beat sweeps once a minute; the tests, at most once a second unless it matters now.
        if not at_once and time.monotonic() - last["at"] < 1.0:
            return
        last["at"] = time.monotonic()
        ago = max(0.0, (timezone.now() - cutoff).total_seconds())
        settings.STUCK_AFTER_SECONDS = ago
        monkeypatch.setattr(runs, "CLAIM_STALE_SECONDS", ago)
        # A broker that is still coming back fails a sweep; beat would simply run it again.
        with contextlib.suppress(QueueUnavailable, BrokerOperationalError):
            sweep_pending_items()
            sweep_stuck_articles()

    return run


def settle(
    run_ids,
    timeout: float,
    sweep: Callable | None = None,
    supervise: Callable[[], object] | None = None,
) -> None:
    """Wait until every run is finished and none of their articles waits or is being extracted;
    with ``sweep``, sweeping as beat does: whatever waited since a moment the workers were seen
    idle, and whatever has been held for ``STALE_SECONDS`` (far longer than any batch here takes;
    production waits ``STUCK_AFTER_SECONDS``); with ``supervise``, calling it on every round (to
    restart a worker that died)."""
    from django.utils import timezone

    from tracker.ingestion.models import Article, IngestRun

    deadline = time.monotonic() + timeout
    while True:
        runs = IngestRun.objects.filter(id__in=run_ids)
        waiting = Article.objects.filter(
            ingest_run_id__in=run_ids,
            state__in=[Article.State.INGESTED, Article.State.EXTRACTING],
        )
        if all(run.is_finished for run in runs) and not waiting.exists():
            return
        if supervise is not None:
            supervise()
        seen = timezone.now()
        if sweep is not None:
            sweep(seen if not busy() else seen - STALE, at_once=False)
        if time.monotonic() > deadline:
            states = dict(
                Article.objects.filter(ingest_run_id__in=run_ids)
                .values_list("state")
                .annotate(n=models.Count("id"))
            )
            raise AssertionError(
                f"not settled after {timeout:.0f}s: runs "
                f"{dumps(list(runs.values('id', 'status', 'items_seen', 'items_new')))}, "
                f"articles {states}"
            )
        time.sleep(0.1)


def assert_extracted_exactly_once_as_undisturbed(run_ids, count: int) -> None:
    """Every article of the runs is extracted, by exactly one finished extraction run, with the
    positions an undisturbed in-process extraction gives; no run is left open."""
    from tracker.extraction.models import ExtractionRun
    from tracker.ingestion.models import Article, IngestRun

    for run in IngestRun.objects.filter(id__in=run_ids):
        assert run.items_failed == 0, dumps(run.errors)
    articles = list(Article.objects.filter(ingest_run_id__in=run_ids).order_by("id"))
    assert len(articles) == count
    assert {a.state for a in articles} == {Article.State.EXTRACTED}
    ids = [a.id for a in articles]
    assert not ExtractionRun.objects.filter(status=ExtractionRun.Status.RUNNING).exists()
    done = dict(
        ExtractionRun.objects.filter(article_id__in=ids, status=ExtractionRun.Status.DONE)
        .values_list("article_id")
        .annotate(n=models.Count("id"))
    )
    twice = {i: n for i, n in done.items() if n != 1}
    assert not twice and len(done) == count, f"extracted more than once: {twice}"
    expected = expected_positions(articles)
    stored = stored_positions(ids)
    differ = [i for i in ids if stored[i] != expected[i]]
    assert not differ, (
        f"{len(differ)} articles differ, e.g. {differ[0]}: {stored[differ[0]]} != {expected[differ[0]]}"
    )
    assert sum(len(p) for p in expected.values()) >= count // 10, "the corpus should find positions"
