"""Dashboard fixtures: the actors the tests name, and a small world with a change of stance."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import make_article, make_position
from tracker.extraction.models import Actor

ACTORS = [
    # name, kind, parent
    ("Russia", "state", None),
    ("United States", "state", None),
    ("Kremlin", "government_body", "Russia"),
    ("Russian Foreign Ministry", "government_body", "Russia"),
    ("Donald Trump", "person", None),
]


@pytest.fixture(autouse=True)
def catalogue(db):
    """The actors our tests use, whether or not the catalogue files define them yet."""
    made = {}
    for name, kind, parent in ACTORS:
        actor, _ = Actor.objects.get_or_create(
            name=name, defaults={"kind": kind, "parent": made.get(parent) if parent else None}
        )
        made[name] = actor
    return made


@pytest.fixture
def world(catalogue):
    """Three articles: the Kremlin opposes, then considers, air support; Trump supports air defence."""
    early = make_article(
        title="Kremlin rejects air support",
        published=dt.date(2025, 8, 1),
        text="The Kremlin rejected any Western air support for Ukraine.",
    )
    late = make_article(
        title="Kremlin open to air support talks",
        published=dt.date(2025, 8, 19),
        text="The Kremlin said it was considering air support arrangements.",
    )
    arabic = make_article(
        title="الناتو",
        language="ar",
        published=dt.date(2025, 8, 20),
        text="أكدت وزارة الخارجية الروسية رفضها القاطع لأي انتشار لقوات من دول أعضاء في الناتو.",
    )
    english = make_article(
        title="Patriots",
        published=dt.date(2025, 9, 1),
        text="Trump said the United States would send Patriot air defense systems.",
    )
    positions = {
        "opposed": make_position(
            early,
            "Kremlin",
            "air_support",
            "oppose",
            "rejected any Western air support",
            rules=["stance:oppose:rejected"],
        ),
        "considering": make_position(
            late, "Kremlin", "air_support", "considering", "considering air support arrangements"
        ),
        "mfa": make_position(
            arabic,
            "Russian Foreign Ministry",
            "ground_troops",
            "oppose",
            "رفضها القاطع لأي انتشار لقوات",
        ),
        "trump": make_position(
            english,
            "Donald Trump",
            "air_defense",
            "support",
            "would send Patriot air defense systems",
            rules=["stance:support:would send"],
        ),
    }
    return {
        "articles": {"early": early, "late": late, "arabic": arabic, "english": english},
        **positions,
    }
