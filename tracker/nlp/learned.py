"""The learned attribution layer: which named actor holds which stance on which proposal.

The rules (gazetteer, proposals, stance cues, attribution) propose candidates:
every (actor, proposal kind) pair of an article whose mentions meet in one of
these contexts:

- the same sentence;
- a sentence without an actor of its own, and the actors of the sentence
  before it in the same paragraph;
- a quote and its speaker;
- the headline (the article's first sentence) and the proposals below it;
- the holder the rules gave a cue on the proposal, when the sentence does not
  name it (a pronoun, a quote's speaker).

For each candidate, ``features`` describes those contexts the way a linguist
would: the stance cues in the clause and on which side of the actor they
stand, negation and modality, reported speech and whether the actor is the
speaker, coordination lists, token distance, the actor's kind, the language,
and the rules' own verdicts. A multinomial logistic regression over those
features decides ``none``, ``support``, ``oppose`` or ``considering``.

The weights ship as JSON (``data/model/attribution.json``): feature names and
numbers, nothing executable. ``AttributionModel.from_json`` checks every field
and raises ``ModelError`` on anything else; inference is plain Python.
Training lives in ``tracker.nlp.training`` (scikit-learn, a
training-time dependency).
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

logger = logging.getLogger(__name__)

CLASSES = ("none", "support", "oppose", "considering")
MODEL_FORMAT = "tracker-attribution-logreg/1"
DEFAULT_MODEL_PATH = Path(__file__).resolve().parent / "data" / "model" / "attribution.json"
MAX_MODEL_BYTES = 5_000_000
WHY_FEATURES = 5
PREVIOUS_SENTENCES = 2  # how far back a sentence without an actor looks for its holder

# Readable names of features, for the "Why" of a position.
FEATURE_WORDS = {
    "rule": "the rules found this stance",
    "rule_rel": "the rules gave this stance to a related actor",
    "rule_other": "the rules gave this stance to another actor",
    "ctx_same": "named in the same sentence as the proposal",
    "ctx_quote": "speaker of a quote about the proposal",
    "ctx_prev": "named in the sentence before one about the proposal",
    "ctx_para": "named in the same paragraph",
    "ctx_headline": "named in the headline",
    "ctx_holder": "the rules' holder of a cue on the proposal, not named in its sentence",
    "k_headline": "the proposal is in the headline",
    "pair": "a stance cue on the proposal",
    "pair_neg": "a negated cue",
    "pair_modal": "a modal cue (could, may)",
    "pair_past": "reported as past",
    "votes": "stance cues given to this actor",
    "nearest_cue": "the stance cue nearest the actor",
    "neg_proposal": "a negation before the proposal (no troops)",
    "ineligible": "named as a place, source or example",
    "modifier": "named as part of the proposal (войск НАТО, Nato-Truppen)",
    "locative": "named as a place",
    "meetings": "places where actor and proposal meet",
    "rule_confidence": "the rules' confidence",
    "pair_warning": "a warning cue",
    "cue_after_actor": "the cue follows the actor",
    "cue_before_actor": "the cue precedes the actor",
    "sent_cue": "a stance cue in the sentence",
    "subject": "the actor is the clause subject",
    "report_subject": "the actor is the speaker of a reporting verb",
    "after_source": "named as a source (according to)",
    "object": "the object of a verb, not its subject",
    "example": "named as an example (such as)",
    "coord": "part of a list of actors",
    "title": "named in a person's title (the President of France)",
    "inside_proposal": "named only inside the proposal's words",
    "first_actor": "the first actor of the sentence",
    "dist": "token distance to the proposal",
    "n_actors": "actors in the sentence",
    "a_mentions": "mentions of the actor",
    "k_mentions": "mentions of the proposal",
    "topic": "the article's main proposal",
    "akind": "actor kind",
    "lang": "language",
    "kind": "proposal kind",
    "agroup": "actor's side",
}


class ModelError(ValueError):
    """The model file is missing, truncated, tampered with or of another format."""


@dataclass(frozen=True)
class AttributionModel:
    version: str
    classes: tuple[str, ...]
    features: tuple[str, ...]
    weights: tuple[tuple[float, ...], ...]  # one row per class, one column per feature
    bias: tuple[float, ...]
    threshold: float = 0.5  # a candidate is a position when P(none) is below 1 - threshold
    trained_on: Mapping[str, object] = field(default_factory=dict)
    # Feature name → its weight in each class: what inference reads, derived from ``weights``.
    columns: Mapping[str, tuple[float, ...]] = field(init=False, compare=False, repr=False)
    # Per class, feature name → its weight in that class minus its weight in "none": what ``why`` reads.
    margins: tuple[Mapping[str, float], ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        columns = {
            name: tuple(row[i] for row in self.weights) for i, name in enumerate(self.features)
        }
        object.__setattr__(self, "columns", columns)
        margins = tuple(
            {name: column[c] - column[0] for name, column in columns.items()}
            for c in range(len(self.weights))
        )
        object.__setattr__(self, "margins", margins)

    @classmethod
    def from_json(cls, text: str | bytes) -> AttributionModel:
        try:
            data = json.loads(text)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ModelError(f"the model file is not valid JSON ({exc})") from None
        if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
            raise ModelError(f"the model file is not of format {MODEL_FORMAT!r}")
        classes = data.get("classes")
        features = data.get("features")
        weights = data.get("weights")
        bias = data.get("bias")
        if classes != list(CLASSES):
            raise ModelError(f"the model's classes must be {list(CLASSES)}")
        if not isinstance(features, list) or not all(isinstance(f, str) for f in features):
            raise ModelError("the model's features must be a list of names")
        if len(set(features)) != len(features):
            raise ModelError("the model's feature names must be unique")
        if (
            not isinstance(weights, list)
            or len(weights) != len(classes)
            or not all(isinstance(row, list) and len(row) == len(features) for row in weights)
        ):
            raise ModelError("the model's weights must be one row per class, one per feature")
        if not isinstance(bias, list) or len(bias) != len(classes):
            raise ModelError("the model's bias must have one number per class")
        numbers = [x for row in weights for x in row] + list(bias)
        if not all(
            isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
            for x in numbers
        ):
            raise ModelError("the model's weights must be finite numbers")
        threshold = data.get("threshold", 0.5)
        if not isinstance(threshold, int | float) or not 0 < threshold < 1:
            raise ModelError("the model's threshold must be a number between 0 and 1")
        version = data.get("version")
        if not isinstance(version, str) or not version:
            raise ModelError("the model must name its version")
        trained_on = data.get("trained_on", {})
        return cls(
            version=version,
            classes=tuple(classes),
            features=tuple(features),
            weights=tuple(tuple(float(x) for x in row) for row in weights),
            bias=tuple(float(x) for x in bias),
            threshold=float(threshold),
            trained_on=trained_on if isinstance(trained_on, dict) else {},
        )

    @classmethod
    def load(cls, path: str | Path = DEFAULT_MODEL_PATH) -> AttributionModel:
        path = Path(path)
        try:
            with open(path, "rb") as handle:
                raw = handle.read(MAX_MODEL_BYTES + 1)
        except OSError as exc:
            raise ModelError(f"cannot read the model file {path.name}: {exc.strerror}") from None
        if len(raw) > MAX_MODEL_BYTES:
            raise ModelError(f"the model file {path.name} is larger than {MAX_MODEL_BYTES} bytes")
        return cls.from_json(raw)

    def to_json(self) -> str:
        """Deterministic text: sorted keys, weights rounded to six decimals."""
        data = {
            "format": MODEL_FORMAT,
            "version": self.version,
            "classes": list(self.classes),
            "threshold": round(self.threshold, 6),
            "features": list(self.features),
            "bias": [round(b, 6) for b in self.bias],
            "weights": [[round(w, 6) for w in row] for row in self.weights],
            "trained_on": dict(self.trained_on),
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n"

    def predict(self, values: Mapping[str, float]) -> tuple[str, float, list[float]]:
        """(stance or "none", probability of that decision, class probabilities)."""
        get = self.columns.get
        s0, s1, s2, s3 = self.bias  # four classes, checked on load
        for name, v in values.items():
            column = get(name)
            if column is None:
                continue
            w0, w1, w2, w3 = column
            if v == 1.0:  # most features are binary: w * 1.0 is w, without the products
                s0 += w0
                s1 += w1
                s2 += w2
                s3 += w3
            else:
                s0 += w0 * v
                s1 += w1 * v
                s2 += w2 * v
                s3 += w3 * v
        top = max(s0, s1, s2, s3)
        exps = [math.exp(s0 - top), math.exp(s1 - top), math.exp(s2 - top), math.exp(s3 - top)]
        total = sum(exps)
        probs = [e / total for e in exps]
        if probs[0] > 1 - self.threshold:
            return "none", probs[0], probs
        best = 1  # the most probable stance, the first of equals
        if probs[2] > probs[best]:
            best = 2
        if probs[3] > probs[best]:
            best = 3
        return self.classes[best], probs[best], probs

    def decide(
        self, values: Mapping[str, float]
    ) -> tuple[str, float, tuple[tuple[str, float], ...]]:
        """(stance or "none", its probability, the features that weighed most for it)."""
        stance, probability, _ = self.predict(values)
        if stance == "none":
            return stance, probability, ()
        return stance, probability, self.why(values, stance)

    def why(self, values: Mapping[str, float], stance: str) -> tuple[tuple[str, float], ...]:
        """The features that weighed most for ``stance`` against ``none``, strongest first."""
        get = self.margins[self.classes.index(stance)].get
        positive = []
        for name, v in values.items():
            margin = get(name)
            if margin is not None and v:
                contribution = margin * v
                if contribution > 0:
                    positive.append((contribution, name))
        if len(positive) > WHY_FEATURES:
            # Only contributions that can round to the fifth largest or above are ranked. Sorted
            # by the number alone (much cheaper than comparing (number, name) pairs), they are
            # cut below that floor; the ranking below orders the pairs that are left.
            positive.sort(key=itemgetter(0), reverse=True)
            floor = positive[WHY_FEATURES - 1][0] - 0.001
            kept = WHY_FEATURES
            while kept < len(positive) and positive[kept][0] >= floor:
                kept += 1
            del positive[kept:]
        ranked = sorted([(-round(contribution, 3), name) for contribution, name in positive])
        return tuple([(name, -weight) for weight, name in ranked[:WHY_FEATURES]])


SIDES = {"ukraine": "Ukraine", "russia": "Russia", "other": "neither Ukraine nor Russia"}
QUALIFIERS = {
    "same": "in the proposal's sentence",
    "quote": "in a quote",
    "holder": "as the rules' holder",
    "prev": "in the sentence before",
    "headline": "in the headline",
    "anaphor": "referring back to the proposal",
    "topic": "about the article's main proposal",
    "mine": "with this actor as holder",
    "other": "with another holder",
    "nobody": "with no holder found",
}


def describe(feature: str) -> str:
    """A feature name in words: 'pair|same|mine=oppose' → 'a stance cue on the proposal (in the
    proposal's sentence, with this actor as holder): oppose'."""
    base, _, value = feature.partition("=")
    head, *qualifiers = base.split("|")
    if head == "agroup":  # agroup=russia, agroup|russia|ground_troops
        side = SIDES.get(value or qualifiers[0], value)
        kind = f" on {qualifiers[1].replace('_', ' ')}" if len(qualifiers) > 1 else ""
        return f"{FEATURE_WORDS['agroup']}{kind}: {side}"
    words = FEATURE_WORDS.get(head, head.replace("_", " "))
    if qualifiers:
        words += " (" + ", ".join(QUALIFIERS.get(q, q.replace("_", " ")) for q in qualifiers) + ")"
    return f"{words}: {value.replace('_', ' ')}" if value else words


_shipped: dict[str, AttributionModel | None] = {}


def shipped_model() -> AttributionModel | None:
    """The model file versioned with the extractor, loaded once; None (rules only) when it is unusable."""
    if "model" not in _shipped:
        try:
            _shipped["model"] = AttributionModel.load(DEFAULT_MODEL_PATH)
        except ModelError as exc:
            logger.warning("Extraction runs on rules only: %s", exc)
            _shipped["model"] = None
    return _shipped["model"]
