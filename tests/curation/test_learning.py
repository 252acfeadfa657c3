"""Learning from curation: rule precision from curator decisions, and aliases that join matching."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from tests.conftest import make_article
from tracker.curation import learning, review
from tracker.extraction import extract
from tracker.extraction.models import Actor, ActorAlias, CatalogueState, RuleStat
from tracker.extraction.positions import replace_extracted
from tracker.nlp import pipeline


def stat(rule: str) -> RuleStat:
    return RuleStat.objects.get(rule=rule)


def test_rejections_lower_a_rules_precision_and_confirmations_raise_it(positions, curator):
    for key in ("russia", "france"):
        review.reject(positions[key].pk, version=1, user=curator)
    assert (stat("stance:oppose:rejected").confirmed, stat("stance:oppose:rejected").rejected) == (
        0,
        1,
    )
    assert stat("actor:alias").rejected == 2
    assert stat("stance:oppose:rejected").precision < 1.0
    review.confirm(positions["germany"].pk, version=1, user=curator)
    assert stat("stance:considering:considering").precision == 1.0
    assert stat("actor:alias").precision == pytest.approx(3 / 5)


def test_changing_a_decision_moves_the_count_instead_of_adding_one(positions, curator):
    russia = review.reject(positions["russia"].pk, version=1, user=curator)
    review.confirm(russia.pk, version=russia.version, user=curator)
    assert (stat("stance:oppose:rejected").confirmed, stat("stance:oppose:rejected").rejected) == (
        1,
        0,
    )


def test_an_edit_that_changes_the_stance_counts_against_the_rules(positions, curator):
    russia = positions["russia"]
    review.edit(
        russia.pk,
        version=1,
        user=curator,
        actor=russia.actor,
        proposal=russia.proposal,
        stance="considering",
        stated_on=None,
    )
    assert stat("stance:oppose:rejected").rejected == 1


def test_recount_rebuilds_the_same_figures(positions, curator):
    review.reject(positions["russia"].pk, version=1, user=curator)
    review.confirm(positions["france"].pk, version=1, user=curator)
    figures = set(RuleStat.objects.values_list("rule", "confirmed", "rejected"))
    learning.recount()
    assert set(RuleStat.objects.values_list("rule", "confirmed", "rejected")) == figures


def save_one_found(article, *, actor, stance, evidence, confidence, rules):
    """What extraction saves for one position the pipeline found (ground troops, in the text)."""
    found = SimpleNamespace(
        actor=actor,
        proposal="ground_troops",
        stance=stance,
        evidence=evidence,
        start=0,
        end=len(evidence),
        sentence_start=0,
        sentence_end=len(article.text),
        stated_on=None,
        is_past=False,
        confidence=confidence,
        rules=rules,
    )
    replace_extracted([(article, SimpleNamespace(positions=[found]))])
    return article.positions.get()


def test_saving_multiplies_a_new_positions_confidence_by_its_rules_precision(article):
    RuleStat.objects.create(rule="stance:oppose:rejected", confirmed=0, rejected=6)  # precision 2/8
    saved = save_one_found(
        article,
        actor="Russia",
        stance="oppose",
        evidence="rejected any deployment",
        confidence=0.8,
        rules=["stance:oppose:rejected", "actor:alias"],
    )
    assert saved.confidence == pytest.approx(0.2)


def test_rules_nobody_judged_leave_confidence_unchanged(article):
    saved = save_one_found(
        article,
        actor="France",
        stance="support",
        evidence="ready to send troops",
        confidence=0.7,
        rules=["never:judged"],
    )
    assert saved.confidence == pytest.approx(0.7)


def test_an_alias_from_a_span_joins_matching_and_tells_workers_to_rebuild(
    curator_client, curator, db
):
    russia, _ = Actor.objects.get_or_create(name="Russia", defaults={"kind": "state"})
    text = "The Zorbland Council said it rejected any deployment of foreign troops in Ukraine."
    article = make_article(title="Zorbland", text=text)

    def actors_found() -> list[str]:
        return pipeline.extract(
            text, language="en", published=None, resources=extract.current_resources()
        ).actors

    assert "Russia" not in actors_found()
    version = CatalogueState.current().version
    response = curator_client.post(
        reverse("curation:alias"),
        {
            "article": article.pk,
            "text": "Zorbland Council",
            "actor": russia.pk,
            "language": "en",
            "strength": "strong",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "now names Russia" in response.content.decode()
    alias = ActorAlias.objects.get(actor=russia, text="Zorbland Council", language="en")
    assert alias.origin == "curator"
    assert alias.history.first().history_user == curator
    assert CatalogueState.current().version > version
    assert "Russia" in actors_found()


def test_an_alias_that_is_not_in_the_article_is_refused(curator_client, article):
    russia = Actor.objects.get(name="Russia")
    response = curator_client.post(
        reverse("curation:alias"),
        {
            "article": article.pk,
            "text": "Kremlin",
            "actor": russia.pk,
            "language": "en",
            "strength": "strong",
        },
    )
    assert response.status_code == 422
    assert "does not occur in the article" in response.content.decode()
    assert not ActorAlias.objects.filter(text="Kremlin", actor=russia).exists()


def test_the_alias_page_shows_the_article_to_select_from(curator_client, article):
    response = curator_client.get(reverse("curation:alias"), {"article": article.pk})
    assert response.status_code == 200
    assert "Moscow rejected any deployment" in response.content.decode()


def test_admin_shows_each_rules_precision(client, curator, positions):
    review.reject(positions["russia"].pk, version=1, user=curator)
    client.force_login(curator)
    html = client.get("/admin/extraction/rulestat/").content.decode()
    assert "stance:oppose:rejected" in html
    assert "67%" in html  # (0 + 2) / (0 + 1 + 2)
