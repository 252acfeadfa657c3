"""Scoring extraction against gold articles (see shared/eval/README.md), and a small CLI.

``python -m tracker.extraction.evaluate FILE.jsonl`` loads the resources from
the data files, extracts every article and prints P/R/F1 for actors,
proposals and positions (strict and lenient), per language and overall, then
the missed and spurious triples and a final summary line.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tracker.extraction.normalize import fold

METRICS = ("actors", "proposals", "positions_strict", "positions_lenient")


@dataclass
class Counts:
    tp: int = 0  # gold items found (recall side)
    fn: int = 0
    tp_pred: int = 0  # predicted items that match gold (precision side)
    fp: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fn += other.fn
        self.tp_pred += other.tp_pred
        self.fp += other.fp

    @property
    def precision(self) -> float:
        total = self.tp_pred + self.fp
        return self.tp_pred / total if total else 1.0

    @property
    def recall(self) -> float:
        total = self.tp + self.fn
        return self.tp / total if total else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    by_language: dict[str, dict[str, Counts]] = field(default_factory=dict)
    overall: dict[str, Counts] = field(default_factory=lambda: {m: Counts() for m in METRICS})
    missed: list[tuple[str, tuple]] = field(default_factory=list)
    spurious: list[tuple[str, tuple]] = field(default_factory=list)
    articles: int = 0

    def f1(self, metric: str) -> float:
        return self.overall[metric].f1

    def lines(self) -> list[str]:
        out = [f"{'lang':<8}{'metric':<20}{'P':>6}{'R':>6}{'F1':>6}  tp/fn/fp"]
        for language in sorted(self.by_language) + ["ALL"]:
            table = self.overall if language == "ALL" else self.by_language[language]
            for metric in METRICS:
                c = table[metric]
                out.append(
                    f"{language:<8}{metric:<20}{c.precision:6.2f}{c.recall:6.2f}{c.f1:6.2f}  "
                    f"{c.tp}/{c.fn}/{c.fp}"
                )
        for label, items in (("missed", self.missed), ("spurious", self.spurious)):
            for article_id, triple in items:
                out.append(f"{label}: {article_id} {' / '.join(map(str, triple))}")
        out.append(
            f"positions_strict_f1={self.f1('positions_strict'):.2f} "
            f"positions_lenient_f1={self.f1('positions_lenient'):.2f} "
            f"actors_f1={self.f1('actors'):.2f} proposals_f1={self.f1('proposals'):.2f} articles={self.articles}"
        )
        return out


def _canonical(name: str, catalogue_names: Mapping[str, str]) -> str:
    return catalogue_names.get(fold(name), name)


def _set_counts(gold: set, optional: set, predicted: set) -> tuple[Counts, set, set]:
    missed = gold - predicted
    spurious = predicted - gold - optional
    c = Counts(
        tp=len(gold & predicted), fn=len(missed), tp_pred=len(gold & predicted), fp=len(spurious)
    )
    return c, missed, spurious


def _related(a: str, b: str, hierarchy: Mapping[str, str | None]) -> bool:
    return a == b or hierarchy.get(a) == b or hierarchy.get(b) == a


def _lenient_counts(gold: set, optional: set, predicted: set, hierarchy) -> Counts:
    def matches(p, g):
        return p[1] == g[1] and p[2] == g[2] and _related(p[0], g[0], hierarchy)

    found = {g for g in gold if any(matches(p, g) for p in predicted)}
    tp_pred = fp = 0
    for p in predicted:
        if any(matches(p, g) for g in gold):
            tp_pred += 1
        elif not any(matches(p, o) for o in optional):
            fp += 1
    return Counts(tp=len(found), fn=len(gold) - len(found), tp_pred=tp_pred, fp=fp)


def score(
    gold_records: Iterable[dict],
    predictions: Mapping[str, object],
    catalogue_names: Mapping[str, str],
    hierarchy: Mapping[str, str | None],
) -> Report:
    """Score predictions (article id → Extraction-like with actors, proposals, positions) against gold."""
    report = Report()
    for record in gold_records:
        article_id = record["id"]
        language = record.get("language") or "unknown"
        prediction = predictions.get(article_id)
        table = report.by_language.setdefault(language, {m: Counts() for m in METRICS})
        report.articles += 1
        canon = lambda n: _canonical(n, catalogue_names)  # noqa: E731
        gold_actors = {canon(a) for a in record.get("actors", [])}
        optional_actors = {canon(a) for a in record.get("actors_optional", [])}
        gold_actors -= optional_actors
        pred_actors = {canon(a) for a in getattr(prediction, "actors", [])} - optional_actors
        gold_props = set(record.get("proposals", []))
        pred_props = set(getattr(prediction, "proposals", []))
        gold_triples, optional_triples = set(), set()
        for position in record.get("positions", []):
            triple = (canon(position["actor"]), position["proposal"], position["stance"])
            (optional_triples if position.get("optional") else gold_triples).add(triple)
        gold_triples -= optional_triples
        pred_triples = {
            (canon(p.actor), p.proposal, p.stance) for p in getattr(prediction, "positions", [])
        }
        results = {
            "actors": _set_counts(gold_actors, optional_actors, pred_actors)[0],
            "proposals": _set_counts(gold_props, set(), pred_props)[0],
        }
        strict, missed, spurious = _set_counts(gold_triples, optional_triples, pred_triples)
        results["positions_strict"] = strict
        results["positions_lenient"] = _lenient_counts(
            gold_triples, optional_triples, pred_triples, hierarchy
        )
        for metric, counts in results.items():
            table[metric].add(counts)
            report.overall[metric].add(counts)
        report.missed.extend((article_id, t) for t in sorted(missed))
        report.spurious.extend((article_id, t) for t in sorted(spurious))
    return report


def read_gold(path: str | Path) -> list[dict]:
    records = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}: line {number} is not valid JSON: {exc}") from exc
            if (
                not isinstance(record, dict)
                or not isinstance(record.get("text"), str)
                or "id" not in record
            ):
                raise ValueError(f"{path}: line {number} lacks 'id' or 'text'")
            for key in ("actors", "proposals", "positions"):
                if not isinstance(record.get(key, []), list):
                    raise ValueError(f"{path}: line {number}: '{key}' must be a list")
            for position in record.get("positions", []):
                if not isinstance(position, dict) or not {"actor", "proposal", "stance"} <= set(
                    position
                ):
                    raise ValueError(
                        f"{path}: line {number}: a position lacks actor, proposal or stance"
                    )
            records.append(record)
    return records


def catalogue_names(resources) -> dict[str, str]:
    """Folded name or alias → canonical name, from the compiled resources' actors."""
    names = {}
    for name in resources.actors:
        names[fold(name)] = name
    for name, aliases in getattr(resources, "alias_texts", {}).items():
        for text in aliases:
            names.setdefault(fold(text), name)
    return names


def evaluate_file(path: str | Path, resources) -> Report:
    from tracker.extraction.pipeline import extract

    records = read_gold(path)
    predictions = {}
    for record in records:
        published = record.get("published")
        predictions[record["id"]] = extract(
            record["text"],
            language=record.get("language"),
            published=date.fromisoformat(published) if published else None,
            resources=resources,
        )
    return score(records, predictions, catalogue_names(resources), resources.hierarchy())


def main(argv: list[str] | None = None) -> int:
    from tracker.extraction.resources import load_resources_from_files

    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print("usage: python -m tracker.extraction.evaluate FILE.jsonl", file=sys.stderr)
        return 2
    started = time.perf_counter()
    resources = load_resources_from_files()
    report = evaluate_file(argv[0], resources)
    for line in report.lines():
        print(line)
    print(f"# {time.perf_counter() - started:.1f}s including resource loading", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
