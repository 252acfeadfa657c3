"""Fixtures for curation tests: a small article with positions waiting for review."""

from __future__ import annotations

import pytest

from tests.conftest import make_article, make_position
from tracker.extraction.models import Actor

TEXT = (
    "Paris said on Monday that it was ready to send troops to Ukraine. "
    "Moscow rejected any deployment of NATO troops <script>alert(1)</script> in Ukraine. "
    "Berlin is considering more air defence."
)


def actor(name: str, kind: str = "state", **fields) -> Actor:
    found, _ = Actor.objects.get_or_create(name=name, defaults={"kind": kind, **fields})
    return found


@pytest.fixture
def article(db):
    for name in ("France", "Russia", "Germany"):
        actor(name)
    return make_article(title="Troops for Ukraine", text=TEXT)


@pytest.fixture
def positions(article):
    """Three unreviewed positions with their confidence and the rules that produced them."""
    sentences = [s + "." for s in TEXT.split(". ")]
    return {
        "france": make_position(
            article,
            "France",
            "ground_troops",
            "support",
            "ready to send troops",
            sentence=sentences[0],
            confidence=0.9,
            rules=["stance:support:ready to", "actor:alias"],
        ),
        "russia": make_position(
            article,
            "Russia",
            "ground_troops",
            "oppose",
            "rejected any deployment of NATO troops <script>alert(1)</script>",
            sentence=sentences[1].rstrip(".") + ".",
            confidence=0.3,
            rules=["stance:oppose:rejected", "actor:alias"],
        ),
        "germany": make_position(
            article,
            "Germany",
            "air_defense",
            "considering",
            "considering more air defence",
            sentence=sentences[2],
            confidence=0.6,
            rules=["stance:considering:considering", "actor:alias"],
        ),
    }


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Users are created by the dozen here; a fast hasher keeps the role matrix quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
