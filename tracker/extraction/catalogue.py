"""The actor catalogue and the lexicons: versioned files in, database rows out, and back.

``sync_data_files`` loads ``data/actors/*.yaml`` and ``data/lexicons/*.yaml``
into the database idempotently. Rows a curator created or edited (origin
"curator") are never changed by a reload. ``resources_from_db`` compiles what is
in the database into the matchers the pure pipeline uses.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml
from django.db import transaction

from tracker.extraction.models import (
    PROPOSAL_KINDS,
    Actor,
    ActorAlias,
    ActorRole,
    CatalogueState,
    LexiconEntry,
    Origin,
    Proposal,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
LANGUAGES = ("en", "ar", "fr", "de", "ru", "uk")

PROPOSAL_DESCRIPTIONS = {
    "ground_troops": "Foreign ground forces on Ukrainian soil: a reassurance or stabilisation force, peacekeepers, boots on the ground.",
    "air_support": "Foreign air power for Ukraine: air cover, air policing, fighter patrols, an air backstop.",
    "no_fly_zone": "A no-fly zone over all or part of Ukraine, enforced by foreign aircraft.",
    "air_defense": "Supplying or deploying air- and missile-defence systems (Patriot, IRIS-T, NASAMS, …).",
    "military_aid": "Weapons, ammunition, money for arms, training; the suspension or resumption of such aid.",
    "security_guarantee": "A general commitment to protect or defend Ukraine after a ceasefire (Article 5-like pledges).",
    "nato_membership": "Ukraine joining NATO, or NATO's enlargement toward it.",
}


def data_files(data_dir: Path = DATA_DIR) -> list[Path]:
    return sorted((data_dir / "actors").glob("*.yaml")) + sorted((data_dir / "lexicons").glob("*.yaml"))


def data_digest(data_dir: Path = DATA_DIR) -> str:
    digest = hashlib.sha256()
    for path in data_files(data_dir):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def read_actor_files(data_dir: Path = DATA_DIR) -> list[dict]:
    entries: list[dict] = []
    for path in sorted((data_dir / "actors").glob("*.yaml")):
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        if not isinstance(loaded, list):
            raise ValueError(f"{path.name}: expected a list of actors")
        entries.extend(loaded)
    return entries


def read_lexicon_files(data_dir: Path = DATA_DIR) -> list[dict]:
    """Lexicon entries as dicts of {language, category, proposal_kind, text, weight}."""
    try:
        from tracker.extraction.resources import read_lexicon_records
    except ImportError:  # TEMPORARY until the engine lands
        return []
    return [vars(record) for record in read_lexicon_records(data_dir / "lexicons")]


def ensure_proposals() -> None:
    for kind, title in PROPOSAL_KINDS:
        Proposal.objects.get_or_create(
            kind=kind, defaults={"title": title, "description": PROPOSAL_DESCRIPTIONS[kind]}
        )


@transaction.atomic
def sync_data_files(data_dir: Path = DATA_DIR, *, force: bool = False) -> dict[str, int]:
    """Load the data files into the database; skip when nothing changed since the last load."""
    ensure_proposals()
    state = CatalogueState.current()
    digest = data_digest(data_dir)
    if state.data_digest == digest and not force:
        return {}
    counts = _sync_actors(read_actor_files(data_dir))
    counts.update(_sync_lexicon(read_lexicon_files(data_dir)))
    CatalogueState.objects.filter(pk=state.pk).update(data_digest=digest)
    CatalogueState.bump()
    return counts


def _sync_actors(entries: list[dict]) -> dict[str, int]:
    existing = {actor.name: actor for actor in Actor.objects.all()}
    fresh = []
    changed = []
    for entry in entries:
        actor = existing.get(entry["name"])
        fields = {"kind": entry["kind"], "country": (entry.get("country") or "")[:2]}
        if actor is None:
            actor = Actor(name=entry["name"], origin=Origin.DATA, **fields)
            existing[actor.name] = actor
            fresh.append(actor)
        elif actor.origin == Origin.DATA and any(getattr(actor, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(actor, key, value)
            changed.append(actor)
    Actor.objects.bulk_create(fresh, batch_size=500)
    # Parents in a second pass: a parent may be defined later in the files.
    for entry in entries:
        actor = existing[entry["name"]]
        parent = existing.get(entry.get("parent") or "")
        if actor.origin == Origin.DATA and actor.parent_id != (parent.id if parent else None):
            actor.parent = parent
            changed.append(actor)
    Actor.objects.bulk_update(set(changed), ["kind", "country", "parent"], batch_size=500)
    created, updated = len(fresh), len(set(changed) - set(fresh))
    aliases = []
    roles = []
    for entry in entries:
        actor = existing[entry["name"]]
        for strength, key in ((ActorAlias.Strength.STRONG, "aliases"), (ActorAlias.Strength.WEAK, "weak")):
            for language, texts in (entry.get(key) or {}).items():
                for text in texts or []:
                    alias = ActorAlias(
                        actor=actor, text=str(text)[:200], language=language,
                        strength=strength, origin=Origin.DATA,
                    )
                    alias.normalized = _fold(alias.text)
                    aliases.append(alias)
        for role in entry.get("roles") or []:
            roles.append(
                ActorRole(actor=actor, office=role["office"][:200], start=role.get("start"), end=role.get("end"))
            )
    before = ActorAlias.objects.count()
    ActorAlias.objects.bulk_create(aliases, ignore_conflicts=True, batch_size=1000)
    ActorRole.objects.bulk_create(roles, ignore_conflicts=True, batch_size=1000)
    return {
        "actors_created": created,
        "actors_updated": updated,
        "aliases_created": ActorAlias.objects.count() - before,
    }


def _sync_lexicon(entries: list[dict]) -> dict[str, int]:
    before = LexiconEntry.objects.count()
    rows = [
        LexiconEntry(
            language=entry["language"],
            category=entry["category"],
            proposal_kind=entry.get("proposal_kind") or "",
            text=entry["text"][:200],
            weight=float(entry.get("weight") or 1.0),
            origin=Origin.DATA,
        )
        for entry in entries
    ]
    LexiconEntry.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return {"lexicon_created": LexiconEntry.objects.count() - before}


def _fold(text: str) -> str:
    from tracker.core.text import fold

    return fold(text)[:200]
