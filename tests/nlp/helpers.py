"""Shared helpers for the extraction tests (no Django needed)."""

from datetime import date

from tracker.nlp.pipeline import extract
from tracker.nlp.resources import default_resources


def triples(text, language, published=date(2025, 8, 20)):
    """The rules' own triples: these helpers test the rule layer (the learned layer has its own tests)."""
    return {(p.actor, p.proposal, p.stance) for p in positions(text, language, published)}


def positions(text, language, published=date(2025, 8, 20)):
    return extract(
        text, language=language, published=published, resources=default_resources(), model=None
    ).positions
