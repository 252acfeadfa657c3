"""Throughput benchmark of the pure pipeline (no database): used by ``manage.py bench_extraction``.

Articles are the development set repeated and shuffled with a fixed seed; the
1 MB article concatenates development texts of one language. Memory is the
process's peak resident set size (``ru_maxrss``), which includes the
compiled resources and the interpreter.
"""

from __future__ import annotations

import random
import resource
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tracker.nlp.evaluate import read_gold
from tracker.nlp.pipeline import SHIPPED, extract

DEV = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "dev.jsonl"
MEGABYTE = 1_000_000


@dataclass(frozen=True)
class BenchResult:
    articles: int
    seconds: float
    megabytes: float
    big_language: str
    big_bytes: int
    big_seconds: float
    peak_rss_mb: float
    cold_articles: int = 0
    cold_seconds: float = 0.0
    cpu_seconds: float = 0.0  # the process's CPU time for the same articles

    @property
    def cpu_articles_per_s(self) -> float:
        return self.articles / self.cpu_seconds if self.cpu_seconds else 0.0

    @property
    def articles_per_s(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0

    @property
    def mb_per_s(self) -> float:
        return self.megabytes / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        return (
            f"articles_per_s={self.articles_per_s:.0f} mb_per_s={self.mb_per_s:.2f} "
            f"peak_rss_mb={self.peak_rss_mb:.0f} cpu_articles_per_s={self.cpu_articles_per_s:.0f}"
        )


def _published(record: dict) -> date | None:
    value = record.get("published")
    return date.fromisoformat(value) if value else None


def build_articles(records: list[dict], count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    articles = [records[i % len(records)] for i in range(count)]
    rng.shuffle(articles)
    return articles


def build_big_text(records: list[dict], language: str, size: int = MEGABYTE) -> str:
    texts = [r["text"] for r in records if r.get("language") == language]
    if not texts:
        raise ValueError(f"no development article in {language!r}")
    parts, length, i = [], 0, 0
    while length < size:
        text = texts[i % len(texts)]
        parts.append(text)
        length += len(text.encode("utf-8")) + 2
        i += 1
    return "\n\n".join(parts).encode("utf-8")[:size].decode("utf-8", errors="ignore")


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return (
        peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
    )  # bytes on macOS, KiB elsewhere


def run(
    resources,
    *,
    articles: int = 2000,
    seed: int = 0,
    big_language: str = "en",
    gold: Path = DEV,
    model=SHIPPED,
) -> BenchResult:
    """Time the pipeline; ``model`` None times the rules alone (the default: the shipped model)."""
    records = read_gold(gold)
    batch = build_articles(records, articles, seed)
    # Warm-up: one pass over the distinct articles (lazy analyzers, caches of the first words), timed apart:
    # it is the cost of text whose word forms were never seen.
    started = time.perf_counter()
    for record in records:
        extract(
            record["text"],
            language=record.get("language"),
            published=_published(record),
            resources=resources,
            model=model,
        )
    cold_seconds = time.perf_counter() - started
    total_bytes = sum(len(r["text"].encode("utf-8")) for r in batch)
    started, cpu_started = time.perf_counter(), time.process_time()
    for record in batch:
        extract(
            record["text"],
            language=record.get("language"),
            published=_published(record),
            resources=resources,
            model=model,
        )
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    big = build_big_text(records, big_language)
    started = time.perf_counter()
    extract(big, language=big_language, published=None, resources=resources, model=model)
    big_seconds = time.perf_counter() - started
    return BenchResult(
        articles,
        seconds,
        total_bytes / MEGABYTE,
        big_language,
        len(big.encode("utf-8")),
        big_seconds,
        peak_rss_mb(),
        len(records),
        cold_seconds,
        cpu_seconds,
    )
