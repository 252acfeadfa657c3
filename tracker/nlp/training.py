"""Training the learned attribution layer, and scoring it on folds it was not trained on.

Examples come from gold files (``shared/eval`` format) and from curators'
decisions: every candidate pair of an article is an example, labelled with the
gold (or curated) stance of that actor on that proposal, or ``none``.
Confirmed and edited positions are positives, rejected ones negatives.

scikit-learn is needed here only (``pip install scikit-learn``); the model it
fits is written as JSON and read back by ``tracker.nlp.learned``
without it. Training is deterministic: the same examples give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from tracker.nlp.evaluate import catalogue_names, score
from tracker.nlp.learned import CLASSES, AttributionModel
from tracker.nlp.pipeline import candidates_for, extract

C = 0.1  # inverse L2 strength, cross-validated on train.jsonl's 5 folds: 0.05, 0.1, 0.15, 0.2 and 0.5 give 0.65, 0.66, 0.65, 0.65 and 0.63 lenient
OPTIONAL_WEIGHT = 0.5  # an optional gold triple is a softer positive
CURATED_WEIGHT = 3.0  # a curator's decision outweighs an annotated article's
MAX_ITER = 2000
MIN_COUNT = 2  # features seen fewer times are dropped
THRESHOLD = 0.45  # a candidate becomes a position when P(none) < 1 - THRESHOLD (cross-validated)


class TrainingUnavailable(RuntimeError):
    pass


@dataclass
class LabelledArticle:
    """An article and the stances known for it: (actor, kind) → (stance or "none", weight)."""

    id: str
    text: str
    language: str | None
    published: dt.date | None
    group: str  # folds never split a group (the outlet)
    labels: dict[tuple[str, str], tuple[str, float]] = field(default_factory=dict)
    origin: str = "gold"


def gold_articles(records: Iterable[dict], canon) -> list[LabelledArticle]:
    """Labelled articles from gold records; ``canon`` maps a gold name to the catalogue's name."""
    out = []
    for record in records:
        labels: dict[tuple[str, str], tuple[str, float]] = {}
        for position in record.get("positions", []):
            key = (canon(position["actor"]), position["proposal"])
            weight = OPTIONAL_WEIGHT if position.get("optional") else 1.0
            if key not in labels or labels[key][1] < weight:
                labels[key] = (position["stance"], weight)
        published = record.get("published")
        out.append(
            LabelledArticle(
                id=str(record["id"]),
                text=record["text"],
                language=record.get("language"),
                published=dt.date.fromisoformat(published) if published else None,
                group=str(record.get("source") or record["id"]),
                labels=labels,
            )
        )
    return out


def examples(articles: Sequence[LabelledArticle], resources):
    """(features, label, weight) for every candidate of every article."""
    return [row for article in articles for row in article_rows(article, resources)]


def article_rows(article: LabelledArticle, resources) -> list[tuple[dict, str, float]]:
    rows = []
    for candidate in candidates_for(
        article.text, language=article.language, published=article.published, resources=resources
    ):
        label, weight = article.labels.get((candidate.actor, candidate.kind), ("none", 1.0))
        if article.origin == "curated":
            if (candidate.actor, candidate.kind) not in article.labels:
                continue  # a curator judged some pairs of this article, not the others
            weight = CURATED_WEIGHT
        rows.append((candidate.features, label, weight))
    return rows


def fit(rows, *, version: str, trained_on: Mapping[str, object]) -> AttributionModel:
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        raise TrainingUnavailable(
            "Training needs scikit-learn: .venv/bin/pip install scikit-learn"
        ) from None
    counts: dict[str, int] = {}
    for features, _, _ in rows:
        for name in features:
            counts[name] = counts.get(name, 0) + 1
    names = sorted(name for name, n in counts.items() if n >= MIN_COUNT)
    index = {name: i for i, name in enumerate(names)}
    import numpy as np

    x = np.zeros((len(rows), len(names)))
    for r, (features, _, _) in enumerate(rows):
        for name, value in features.items():
            i = index.get(name)
            if i is not None:
                x[r, i] = value
    y = np.array([CLASSES.index(label) for _, label, _ in rows])
    w = np.array([weight for _, _, weight in rows])
    present = sorted(set(y.tolist()))
    classifier = LogisticRegression(C=C, max_iter=MAX_ITER, tol=1e-8)
    classifier.fit(x, y, sample_weight=w)
    weights = [[0.0] * len(names) for _ in CLASSES]
    bias = [-30.0] * len(CLASSES)  # a class never seen in training is never predicted
    if len(present) == 1:
        bias[present[0]] = 0.0
    else:
        coef = classifier.coef_
        intercept = classifier.intercept_
        if len(present) == 2:  # binary fit: one row for the second class
            coef = np.vstack([-coef[0] / 2, coef[0] / 2])
            intercept = [-intercept[0] / 2, intercept[0] / 2]
        for row, k in enumerate(present):
            weights[k] = [float(v) for v in coef[row]]
            bias[k] = float(intercept[row])
    model = AttributionModel(
        version=version,
        classes=CLASSES,
        features=tuple(names),
        weights=tuple(tuple(row) for row in weights),
        bias=tuple(bias),
        threshold=THRESHOLD,
        trained_on=dict(trained_on),
    )
    # Round-trip through the file format, so what is scored is exactly what would ship.
    return AttributionModel.from_json(model.to_json())


def train(articles: Sequence[LabelledArticle], resources, *, version: str) -> AttributionModel:
    return _train(articles, examples(articles, resources), version=version)


def _train(articles: Sequence[LabelledArticle], rows, *, version: str) -> AttributionModel:
    labels: dict[str, int] = {}
    for _, label, _ in rows:
        labels[label] = labels.get(label, 0) + 1
    trained_on = {
        "articles": sum(1 for a in articles if a.origin == "gold"),
        "curated_articles": sum(1 for a in articles if a.origin == "curated"),
        "candidates": len(rows),
        "labels": dict(sorted(labels.items())),
    }
    return fit(rows, version=version, trained_on=trained_on)


def folds(articles: Sequence[LabelledArticle], k: int) -> list[list[int]]:
    """k folds of article indices, grouped by ``group`` (outlet) and balanced by size, deterministic."""
    groups: dict[str, list[int]] = {}
    for i, article in enumerate(articles):
        groups.setdefault(article.group, []).append(i)
    order = sorted(groups, key=lambda g: (-len(groups[g]), hashlib.sha256(g.encode()).hexdigest()))
    out: list[list[int]] = [[] for _ in range(k)]
    for g in order:
        smallest = min(range(k), key=lambda f: (len(out[f]), f))
        out[smallest].extend(groups[g])
    return [sorted(f) for f in out]


def cross_validate(records, articles, resources, k: int, extra=()):
    """Score every article with a model trained on the folds it is not in (``extra`` articles, such
    as curators' decisions, join every training fold). Returns (report with the model, report of the
    rules alone), both pooled over the held-out predictions."""
    rows = [article_rows(a, resources) for a in articles]  # features do not depend on the fold
    extra = list(extra)
    extra_rows = examples(extra, resources)
    with_model, rules_only = {}, {}
    for fold in folds(articles, k):
        held_out = set(fold)
        kept = [i for i in range(len(articles)) if i not in held_out]
        model = _train(
            [articles[i] for i in kept] + extra,
            [row for i in kept for row in rows[i]] + extra_rows,
            version="fold",
        )
        for i in fold:
            a = articles[i]
            for predictions, used in ((with_model, model), (rules_only, None)):
                predictions[a.id] = extract(
                    a.text,
                    language=a.language,
                    published=a.published,
                    resources=resources,
                    model=used,
                )
    names, hierarchy = catalogue_names(resources), resources.hierarchy()
    return (
        score(records, with_model, names, hierarchy),
        score(records, rules_only, names, hierarchy),
    )
