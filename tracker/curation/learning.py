"""Learning from curation: each rule's precision as measured by curator decisions.

A position's verdict is what a curator's decision says about the machine's
output: a confirmation confirms the rules that produced it; a rejection, or an
edit that changed its actor, proposal or stance, rejects them. ``record``
applies the change of verdict, so re-reviews never count twice; ``recount``
rebuilds everything from the positions. The counts are ``RuleStat`` rows, kept
with the rules in ``tracker.extraction.models``, whose position writer reads
them to scale a new position's confidence.
"""

from __future__ import annotations

from collections import Counter

from django.db import transaction

from tracker.extraction.models import Actor, Position, RuleStat, rule_ids
from tracker.nlp.training import LabelledArticle

CONFIRMED = "confirmed"
REJECTED = "rejected"


def corrected(position: Position) -> bool:
    """True when a curator's edit changed what the machine said (not just the date)."""
    original = position.original or {}
    if not original:
        return False
    return (
        original.get("actor_id") != position.actor_id
        or original.get("proposal") != position.proposal.kind
        or original.get("stance") != position.stance
    )


def verdict(position: Position) -> str | None:
    if position.review_status == Position.Review.REJECTED:
        return REJECTED
    if position.review_status == Position.Review.CONFIRMED:
        return REJECTED if corrected(position) else CONFIRMED
    return None


def record(rules, before: str | None, after: str | None) -> None:
    """Move the rules' counts from the ``before`` verdict to the ``after`` one."""
    if before == after:
        return
    for rule in rule_ids(rules):
        RuleStat.objects.move(rule, before, after)


@transaction.atomic
def recount() -> int:
    """Rebuild every RuleStat from the positions curators reviewed; returns how many rules were seen."""
    counts: dict[str, Counter] = {}
    reviewed = Position.objects.exclude(review_status=Position.Review.UNREVIEWED).select_related(
        "proposal"
    )
    for position in reviewed.iterator():
        outcome = verdict(position)
        for rule in rule_ids(position.rules):
            counts.setdefault(rule, Counter())[outcome] += 1
    RuleStat.objects.all().delete()
    RuleStat.objects.bulk_create(
        RuleStat(rule=rule, confirmed=c[CONFIRMED], rejected=c[REJECTED])
        for rule, c in counts.items()
    )
    return len(counts)


def curated_articles():
    """Curators' decisions as training examples for the learned model, one article each.

    A confirmed position (or an edited one, as the curator left it) says its actor holds its
    stance on its proposal; a rejected one says that actor holds none; an edit that moved a
    position to another actor or proposal also says the original pair holds none. A curator's
    positive wins over a rejection of the same pair.
    """
    reviewed = list(
        Position.objects.exclude(review_status=Position.Review.UNREVIEWED, origin="extracted")
        .select_related("article", "actor", "proposal")
        .order_by("article_id", "id")
    )
    moved = {
        p.id: p.original["actor_id"]
        for p in reviewed
        if corrected(p) and (p.original or {}).get("actor_id")
    }
    names = dict(Actor.objects.filter(id__in=set(moved.values())).values_list("id", "name"))
    articles: dict[int, LabelledArticle] = {}
    for position in reviewed:
        article = position.article
        labelled = articles.get(article.id)
        if labelled is None:
            labelled = articles[article.id] = LabelledArticle(
                id=f"article-{article.id}",
                text=article.text,
                language=article.language or None,
                published=article.published,
                group=f"article-{article.id}",
                origin="curated",
            )
        pair = (position.actor.name, position.proposal.kind)
        if position.review_status == Position.Review.REJECTED:
            labelled.labels.setdefault(pair, ("none", 1.0))
            continue
        labelled.labels[pair] = (position.stance, 1.0)
        original = position.original or {}
        if position.id in moved and original.get("proposal"):
            old_pair = (names.get(moved[position.id], ""), original["proposal"])
            if old_pair != pair:
                labelled.labels.setdefault(old_pair, ("none", 1.0))
    return list(articles.values())
