"""Shared helpers for the extraction tests (no Django needed)."""

from datetime import date

from tracker.extraction.pipeline import extract
from tracker.extraction.resources import default_resources


def triples(text, language, published=date(2025, 8, 20)):
    result = extract(text, language=language, published=published, resources=default_resources())
    return {(p.actor, p.proposal, p.stance) for p in result.positions}


def positions(text, language, published=date(2025, 8, 20)):
    return extract(
        text, language=language, published=published, resources=default_resources()
    ).positions
