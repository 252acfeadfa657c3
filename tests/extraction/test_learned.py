"""The learned attribution layer: the model file, training, folds and learning from curators."""

import json
import logging
import os
import pickle
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.conftest import make_article
from tracker.extraction.extract import current_resources, extract_article
from tracker.extraction.models import Actor, Position, Proposal
from tracker.nlp import learned, pipeline, training
from tracker.nlp.learned import AttributionModel, ModelError
from tracker.nlp.resources import default_resources

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TRAIN = FIXTURES / "train.jsonl"
SHARED_TRAIN = Path(__file__).resolve().parents[3] / "shared" / "eval" / "train.jsonl"


def test_the_train_copy_is_identical_to_the_shared_file():
    if SHARED_TRAIN.exists() or os.environ.get("CI"):  # CI lays shared/ beside the clone
        assert TRAIN.read_bytes() == SHARED_TRAIN.read_bytes()


def small_gold(tmp_path, count=16) -> Path:
    """The first ``count`` articles of train.jsonl, which come from distinct outlets."""
    lines = TRAIN.read_text(encoding="utf-8").splitlines()
    chosen = lines[:count:2] + lines[30 : 30 + count // 2]  # Arabic and English outlets
    path = tmp_path / "small.jsonl"
    path.write_text("\n".join(chosen) + "\n", encoding="utf-8")
    return path


# --- the model file ---------------------------------------------------------------------


def test_the_shipped_model_loads_and_is_a_small_json_file():
    model = AttributionModel.load()
    assert model.classes == learned.CLASSES
    assert len(model.features) > 50
    assert learned.DEFAULT_MODEL_PATH.stat().st_size < 200_000
    assert model.version.startswith(pipeline.EXTRACTOR_VERSION)
    json.loads(learned.DEFAULT_MODEL_PATH.read_text(encoding="utf-8"))  # plain JSON


def test_loading_a_model_never_executes_code(tmp_path):
    marker = tmp_path / "executed"
    model = json.loads(learned.DEFAULT_MODEL_PATH.read_text(encoding="utf-8"))
    model["features"][0] = f"__import__('os').system('touch {marker}')"
    loaded = AttributionModel.from_json(json.dumps(model))
    assert loaded.features[0].startswith("__import__")  # a name like any other
    assert not marker.exists()
    with pytest.raises(ModelError, match="not valid JSON"):
        AttributionModel.from_json(pickle.dumps({"weights": [1.0]}))


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda text, data: text[: len(text) // 2], "not valid JSON"),
        (lambda text, data: json.dumps({**data, "format": "pickle"}), "format"),
        (lambda text, data: json.dumps({**data, "weights": data["weights"][:2]}), "weights"),
        (
            lambda text, data: json.dumps({**data, "weights": [["x"] * len(data["features"])] * 4}),
            "finite numbers",
        ),
        (lambda text, data: json.dumps({**data, "bias": [1e999, 0, 0, 0]}), "finite numbers"),
        (lambda text, data: json.dumps({**data, "classes": ["none", "support"]}), "classes"),
        (lambda text, data: json.dumps({**data, "threshold": 7}), "threshold"),
    ],
)
def test_a_tampered_or_truncated_model_file_is_refused_clearly(tmp_path, tamper, message):
    text = learned.DEFAULT_MODEL_PATH.read_text(encoding="utf-8")
    path = tmp_path / "model.json"
    path.write_text(tamper(text, json.loads(text)), encoding="utf-8")
    with pytest.raises(ModelError, match=message):
        AttributionModel.load(path)


def test_a_broken_model_file_falls_back_to_the_rules_with_a_warning(tmp_path, monkeypatch, caplog):
    broken = tmp_path / "model.json"
    broken.write_text('{"format": "tracker-attribution-logreg/1", "weights": [', encoding="utf-8")
    monkeypatch.setattr(learned, "DEFAULT_MODEL_PATH", broken)
    monkeypatch.setattr(learned, "_shipped", {})
    text = "Russia rejected any deployment of Western peacekeepers in Ukraine."
    with caplog.at_level(logging.WARNING, logger="tracker.nlp.learned"):
        result = pipeline.extract(
            text, language="en", published=None, resources=default_resources()
        )
    assert "rules only" in caplog.text and "not valid JSON" in caplog.text
    rules = pipeline.extract(
        text, language="en", published=None, resources=default_resources(), model=None
    )
    assert [(p.actor, p.proposal, p.stance) for p in result.positions] == [
        (p.actor, p.proposal, p.stance) for p in rules.positions
    ]
    assert ("Russia", "ground_troops", "oppose") in {
        (p.actor, p.proposal, p.stance) for p in result.positions
    }
    monkeypatch.setattr(learned, "_shipped", {})


def test_the_model_keeps_its_reasons_in_words():
    result = pipeline.extract(
        "Russia rejected any deployment of Western peacekeepers in Ukraine.",
        language="en",
        published=None,
        resources=default_resources(),
    )
    russia = next(p for p in result.positions if p.actor == "Russia")
    assert russia.stance == "oppose"
    assert russia.why, "a position keeps the features that weighed most for it"
    assert any(rule.startswith("model:") for rule in russia.rules)
    words = [learned.describe(name) for name, _ in russia.why]
    assert all(words) and not any("|" in w or "=" in w for w in words)


def test_a_holder_the_rules_resolved_from_a_pronoun_is_a_candidate():
    text = (
        "Europe debates the war.\n\n"
        "Olaf Scholz spoke to reporters on Monday. Unlike France, he ruled out sending ground troops."
    )
    candidates = {
        (c.actor, c.kind): c
        for c in pipeline.candidates_for(
            text, language="en", published=None, resources=default_resources()
        )
    }
    scholz = candidates[("Olaf Scholz", "ground_troops")]
    assert [m.context for m in scholz.meetings] == ["holder"]
    assert scholz.features["ctx_holder"] == 1.0
    assert learned.describe("ctx_holder").startswith("the rules' holder")


def test_a_state_named_in_a_persons_title_is_marked_as_such():
    text = "Президент Франции Эммануэль Макрон допустил отправку войск на Украину."
    candidates = {
        (c.actor, c.kind): c
        for c in pipeline.candidates_for(
            text, language="ru", published=None, resources=default_resources()
        )
    }
    assert candidates[("France", "ground_troops")].features.get("title|same") == 1.0
    assert "title|same" not in candidates[("Emmanuel Macron", "ground_troops")].features
    assert learned.describe("title|same").startswith("named in a person's title")


def test_an_object_and_an_example_are_marked_as_such():
    def features(text, language, actor, kind):
        for c in pipeline.candidates_for(
            text, language=language, published=None, resources=default_resources()
        ):
            if (c.actor, c.kind) == (actor, kind):
                return c.features
        raise AssertionError(f"no candidate {actor} / {kind}")

    text = "Germany will supply Ukraine with tanks."
    assert features(text, "en", "Ukraine", "military_aid").get("object|same") == 1.0
    assert "object|same" not in features(text, "en", "Germany", "military_aid")
    # Russian marks the object by its case: a dative is never the subject.
    text = "Германия поставит Украине танки."
    assert features(text, "ru", "Ukraine", "military_aid").get("object|same") == 1.0
    text = "Countries such as Poland reject sending troops."
    assert features(text, "en", "Poland", "ground_troops").get("example|same") == 1.0
    assert learned.describe("object|same").startswith("the object of a verb")
    assert learned.describe("example|same").startswith("named as an example")


def test_a_pair_only_the_headline_brings_together_needs_a_rule_to_become_a_position():
    """A model that calls every candidate support still makes no position of an actor named only in
    the headline, unless a rule found that position too."""
    eager = AttributionModel(
        version="eager",
        classes=learned.CLASSES,
        features=(),
        weights=((), (), (), ()),
        bias=(-5.0, 5.0, -5.0, -5.0),
        threshold=0.45,
    )
    text = (
        "Spain hosts a summit in Madrid\n\n"
        "The allies debated sending peacekeepers to Ukraine. Portugal supports sending peacekeepers."
    )
    candidates = {
        (c.actor, c.kind): c
        for c in pipeline.candidates_for(
            text, language="en", published=None, resources=default_resources()
        )
    }
    assert {m.context for m in candidates[("Spain", "ground_troops")].meetings} == {"headline"}
    result = pipeline.extract(
        text, language="en", published=None, resources=default_resources(), model=eager
    )
    found = {(p.actor, p.proposal, p.stance) for p in result.positions}
    assert ("Portugal", "ground_troops", "support") in found
    assert not any(actor == "Spain" for actor, _, _ in found)


# --- training and folds -----------------------------------------------------------------


def test_training_is_deterministic(db, tmp_path):
    gold = small_gold(tmp_path)
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    for output in (first, second):
        call_command(
            "train_extractor", str(gold), "--output", str(output), "--folds", "0", "--no-curated"
        )
    assert first.read_bytes() == second.read_bytes()
    model = AttributionModel.load(first)
    assert model.trained_on["articles"] == 16
    assert model.trained_on["candidates"] > 16


def test_train_extractor_reports_what_it_trained_on_and_held_out_figures(db, tmp_path, capsys):
    gold = small_gold(tmp_path)
    call_command("train_extractor", str(gold), "--output", str(tmp_path / "m.json"), "--folds", "2")
    out = capsys.readouterr().out
    assert "Training on 16 annotated articles from 1 file(s)" in out
    assert "Held out, 2 folds by outlet" in out
    assert "positions_strict_f1=" in out


def test_folds_are_grouped_by_outlet_and_deterministic(tmp_path):
    records = [
        {"id": str(i), "source": f"outlet-{i % 5}", "text": "x", "positions": []} for i in range(23)
    ]
    articles = training.gold_articles(records, lambda name: name)
    folds = training.folds(articles, 4)
    assert folds == training.folds(articles, 4)
    assert sorted(i for fold in folds for i in fold) == list(range(23))
    for fold in folds:
        outlets = {articles[i].group for i in fold}
        for other in folds:
            if other is not fold:
                assert not outlets & {articles[i].group for i in other}


def test_evaluate_folds_scores_held_out_articles_and_prints_the_ablation(db, tmp_path, capsys):
    gold = small_gold(tmp_path)
    call_command("evaluate", str(gold), "--folds", "2")
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("Held-out figures: 2 folds grouped by outlet")
    assert any(line.startswith("Ablation") for line in lines)
    assert any(line.strip().startswith("ALL ") and "->" in line for line in lines)
    assert lines[-1].startswith("positions_strict_f1=") and "articles=16" in lines[-1]


def test_evaluate_refuses_more_folds_than_articles(db, tmp_path):
    gold = tmp_path / "one.jsonl"
    gold.write_text(json.dumps({"id": "a", "text": "x"}) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="at least 3 articles"):
        call_command("evaluate", str(gold), "--folds", "3")


# --- learning from curators -------------------------------------------------------------

CONSTRUCTED = "Finland said it is ready to send peacekeepers to Ukraine."
SIMILAR = [
    "Norway said it is ready to send peacekeepers to Ukraine.",
    "Sweden said it is ready to send peacekeepers to Ukraine.",
    "Denmark said it is ready to send peacekeepers to Ukraine.",
    "Estonia said it is ready to send peacekeepers to Ukraine.",
]


def verdict(model, text, actor):
    for candidate in pipeline.candidates_for(
        text, language="en", published=None, resources=default_resources()
    ):
        if candidate.actor == actor and candidate.kind == "ground_troops":
            return model.predict(candidate.features)
    raise AssertionError(f"no candidate for {actor}")


def test_a_curators_rejections_change_the_next_models_verdict(db, tmp_path, curator):
    gold = small_gold(tmp_path)
    before_file, after_file = tmp_path / "before.json", tmp_path / "after.json"
    call_command("train_extractor", str(gold), "--output", str(before_file), "--folds", "0")
    before = verdict(AttributionModel.load(before_file), CONSTRUCTED, "Finland")
    assert before[0] == "support"
    for text in SIMILAR:  # curators reject the pattern on articles like it, never on this one
        article = make_article(text=text, language="en", state="ingested")
        extract_article(article.id)
        for position in article.positions.all():
            Position.objects.filter(pk=position.pk).update(review_status="rejected")
    assert Position.objects.filter(review_status="rejected").count() >= len(SIMILAR)
    call_command("train_extractor", str(gold), "--output", str(after_file), "--folds", "0")
    after = verdict(AttributionModel.load(after_file), CONSTRUCTED, "Finland")
    assert after[2][1] < before[2][1], "the rejected pattern's support probability went down"
    assert after[0] == "none"


def test_confirmed_and_edited_positions_are_positives_rejected_ones_negatives(db, curator):
    from tracker.curation.learning import curated_articles

    article = make_article(text=CONSTRUCTED, language="en")
    troops = Proposal.objects.get(kind="ground_troops")
    aid = Proposal.objects.get(kind="military_aid")
    finland, norway = Actor.objects.get(name="Finland"), Actor.objects.get(name="Norway")
    common = {"article": article, "evidence": CONSTRUCTED, "start": 0, "end": 10}
    common["timeline_date"] = article.published
    Position.objects.create(
        actor=finland, proposal=troops, stance="support", review_status="confirmed", **common
    )
    Position.objects.create(
        actor=norway, proposal=troops, stance="support", review_status="rejected", **common
    )
    Position.objects.create(
        actor=finland,
        proposal=aid,
        stance="oppose",
        review_status="confirmed",
        original={"actor_id": norway.id, "proposal": "military_aid", "stance": "support"},
        **common,
    )
    Position.objects.create(actor=norway, proposal=aid, stance="support", **common)  # unreviewed
    (labelled,) = curated_articles()
    assert labelled.labels == {
        ("Finland", "ground_troops"): ("support", 1.0),
        ("Norway", "ground_troops"): ("none", 1.0),
        ("Finland", "military_aid"): ("oppose", 1.0),
        ("Norway", "military_aid"): ("none", 1.0),
    }


# --- what the worker saves and the article page shows ----------------------------------


def test_extraction_saves_the_why_and_the_article_page_shows_it_in_words(db, client, alice):
    article = make_article(
        text="Russia rejected any deployment of Western peacekeepers in Ukraine.",
        language="en",
        state="ingested",
    )
    current_resources()
    extract_article(article.id)
    position = article.positions.get(actor__name="Russia")
    assert position.why and all(isinstance(w, float) for _, w in position.why)
    client.force_login(alice)
    page = client.get(reverse("dashboard:article", args=[article.id])).content.decode()
    assert "What weighed most for the model" in page
    assert learned.describe(position.why[0][0]) in page.replace("&#x27;", "'")
