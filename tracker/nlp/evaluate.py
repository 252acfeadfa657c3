"""Scoring extraction against gold articles (see shared/eval/README.md), and a small CLI.

``python -m tracker.nlp.evaluate FILE.jsonl`` loads the resources from
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

from tracker.nlp.normalize import fold
from tracker.nlp.pipeline import extract
from tracker.nlp.resources import load_resources_from_files

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
    missed: list[tuple[str, tuple, str]] = field(default_factory=list)
    spurious: list[tuple[str, tuple, str]] = field(default_factory=list)
    causes: dict[str, int] = field(default_factory=dict)
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
        if self.missed:
            out.append(
                "missed by cause: "
                + ", ".join(f"{cause} {self.causes.get(cause, 0)}" for cause in MISS_CAUSES)
            )
        for cause in MISS_CAUSES:
            for article_id, triple, why in self.missed:
                if why == cause:
                    out.append(f"missed: {article_id} {' / '.join(map(str, triple))} ({cause})")
        for article_id, triple, _ in self.spurious:
            out.append(f"spurious: {article_id} {' / '.join(map(str, triple))}")
        out.append(
            f"positions_strict_f1={self.f1('positions_strict'):.2f} "
            f"positions_lenient_f1={self.f1('positions_lenient'):.2f} "
            f"actors_f1={self.f1('actors'):.2f} proposals_f1={self.f1('proposals'):.2f} articles={self.articles}"
        )
        return out


def _canonical(name: str, catalogue_names: Mapping[str, str]) -> str:
    return catalogue_names.get(fold(name), name)


def canonicalizer(resources):
    """A function from a gold name to the catalogue's canonical name (unknown names unchanged)."""
    names = catalogue_names(resources)
    return lambda name: _canonical(name, names)


def unresolved_names(records: Iterable[dict], resources) -> list[tuple[str, str]]:
    """(article id, name) for every gold actor name that the catalogue cannot resolve."""
    names = catalogue_names(resources)
    out = []
    for record in records:
        seen = set()
        mentioned = list(record.get("actors", [])) + list(record.get("actors_optional", []))
        mentioned += [p["actor"] for p in record.get("positions", [])]
        for name in mentioned:
            if name not in seen and fold(name) not in names:
                seen.add(name)
                out.append((str(record["id"]), name))
    return out


def match_one_to_one(
    gold: list, optional: list, predicted: list, matches
) -> tuple[Counts, list, list]:
    """The contract's matching: each gold item, in order, takes the first unused matching prediction;
    then each optional gold item absorbs one unused matching prediction, which counts neither way;
    every prediction left unused is a false positive. Returns the counts, missed gold, spurious predictions."""
    used = [False] * len(predicted)

    def take(item) -> bool:
        for k, candidate in enumerate(predicted):
            if not used[k] and matches(candidate, item):
                used[k] = True
                return True
        return False

    missed = [g for g in gold if not take(g)]
    for item in optional:
        take(item)
    spurious = [p for k, p in enumerate(predicted) if not used[k]]
    tp = len(gold) - len(missed)
    return Counts(tp=tp, fn=len(missed), tp_pred=tp, fp=len(spurious)), missed, spurious


def _related(a: str, b: str, hierarchy: Mapping[str, str | None]) -> bool:
    return a == b or hierarchy.get(a) == b or hierarchy.get(b) == a


def _equal(a, b) -> bool:
    return a == b


def miss_cause(triple: tuple, actors, proposals, triples, related) -> str:
    """Why a gold triple was missed: the first of actor, proposal, stance that the extraction lacks."""
    actor, proposal, _stance = triple
    if not any(related(a, actor) for a in actors):
        return "actor not found"
    if proposal not in proposals:
        return "proposal not found"
    if any(related(p[0], actor) and p[1] == proposal for p in triples):
        return "wrong stance"
    return "found, not linked"


MISS_CAUSES = ("actor not found", "proposal not found", "found, not linked", "wrong stance")


def _ordered_unique(items) -> list:
    return list(dict.fromkeys(items))


def score(
    gold_records: Iterable[dict],
    predictions: Mapping[str, object],
    catalogue_names: Mapping[str, str],
    hierarchy: Mapping[str, str | None],
) -> Report:
    """Score predictions (article id → Extraction-like with actors, proposals, positions) against gold."""
    report = Report()
    related = lambda a, b: _related(a, b, hierarchy)  # noqa: E731
    for record in gold_records:
        article_id = record["id"]
        language = record.get("language") or "unknown"
        prediction = predictions.get(article_id)
        table = report.by_language.setdefault(language, {m: Counts() for m in METRICS})
        report.articles += 1
        canon = lambda n: _canonical(n, catalogue_names)  # noqa: E731
        optional_actors = _ordered_unique(canon(a) for a in record.get("actors_optional", []))
        gold_actors = [
            a
            for a in _ordered_unique(canon(a) for a in record.get("actors", []))
            if a not in optional_actors
        ]
        pred_actors = _ordered_unique(canon(a) for a in getattr(prediction, "actors", []))
        pred_props = _ordered_unique(getattr(prediction, "proposals", []))
        gold_triples, optional_triples = [], []
        for position in record.get("positions", []):
            triple = (canon(position["actor"]), position["proposal"], position["stance"])
            (optional_triples if position.get("optional") else gold_triples).append(triple)
        pred_triples = _ordered_unique(
            (canon(p.actor), p.proposal, p.stance) for p in getattr(prediction, "positions", [])
        )
        results = {
            "actors": match_one_to_one(gold_actors, optional_actors, pred_actors, _equal)[0],
            "proposals": match_one_to_one(
                _ordered_unique(record.get("proposals", [])),
                [],
                pred_props,
                _equal,
            )[0],
        }
        strict, missed, spurious = match_one_to_one(
            gold_triples, optional_triples, pred_triples, _equal
        )
        results["positions_strict"] = strict
        results["positions_lenient"] = match_one_to_one(
            gold_triples,
            optional_triples,
            pred_triples,
            lambda p, g: p[1] == g[1] and p[2] == g[2] and related(p[0], g[0]),
        )[0]
        for metric, counts in results.items():
            table[metric].add(counts)
            report.overall[metric].add(counts)
        for triple in missed:
            cause = miss_cause(triple, pred_actors, pred_props, pred_triples, related)
            report.causes[cause] = report.causes.get(cause, 0) + 1
            report.missed.append((article_id, triple, cause))
        report.spurious.extend((article_id, t, "") for t in spurious)
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
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print("usage: python -m tracker.nlp.evaluate FILE.jsonl", file=sys.stderr)
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
