"""The actor catalogue and the lexicons: versioned files in, database rows out, and back.

``sync_data_files`` loads ``data/actors/*.yaml`` and ``data/lexicons/*.yaml``
into the database idempotently. Rows a curator created or edited (origin
"curator") are never changed by a reload. ``extract.current_resources`` compiles
what is in the database into the matchers the pure pipeline uses.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from django.db import transaction

from tracker.extraction.models import (
    PROPOSAL_KINDS,
    Actor,
    ActorAlias,
    ActorRole,
    ActorStanding,
    CatalogueState,
    LexiconEntry,
    Origin,
    Proposal,
)
from tracker.nlp.normalize import fold
from tracker.nlp.resources import (
    DEFAULT_DATA_DIR,
    ActorRecord,
    read_actor_records,
    read_lexicon_records,
)

# The versioned files live beside the pure pipeline that reads them.
DATA_DIR = DEFAULT_DATA_DIR
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
    return sorted((data_dir / "actors").glob("*.yaml")) + sorted(
        (data_dir / "lexicons").glob("*.yaml")
    )


def data_digest(data_dir: Path = DATA_DIR) -> str:
    digest = hashlib.sha256()
    for path in data_files(data_dir):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def read_lexicon_files(data_dir: Path = DATA_DIR) -> list[dict]:
    """Lexicon entries as dicts of {language, category, proposal_kind, text, weight}."""
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
    # Roles stored before offices were classified need one load even when the files are the same.
    if (
        state.data_digest == digest
        and not force
        and not ActorRole.objects.filter(capacity="").exists()
    ):
        return {}
    counts = _sync_actors(read_actor_records(data_dir / "actors"))
    counts.update(_sync_lexicon(read_lexicon_files(data_dir)))
    CatalogueState.loaded(digest)
    return counts


def _sync_actors(entries: list[ActorRecord]) -> dict[str, int]:
    existing = {actor.name: actor for actor in Actor.objects.all()}
    # A curator who merged actor A into B left A's name as B's alias: A stays merged.
    merged = dict(
        ActorAlias.objects.filter(origin=Origin.CURATOR, language="")
        .exclude(text__in=existing)
        .values_list("text", "actor__name")
    )
    entries = [entry for entry in entries if entry.name not in merged or entry.name in existing]
    fresh = []
    changed = []
    for entry in entries:
        actor = existing.get(entry.name)
        fields = {"kind": entry.kind, "country": entry.country or ""}
        if actor is None:
            actor = Actor(name=entry.name, origin=Origin.DATA, **fields)
            existing[actor.name] = actor
            fresh.append(actor)
        elif actor.origin == Origin.DATA and any(getattr(actor, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(actor, key, value)
            changed.append(actor)
    Actor.objects.bulk_create(fresh, batch_size=500)
    # Parents in a second pass: a parent may be defined later in the files.
    for entry in entries:
        actor = existing[entry.name]
        parent_name = entry.parent or ""
        parent = existing.get(merged.get(parent_name, parent_name))
        if actor.origin == Origin.DATA and actor.parent_id != (parent.id if parent else None):
            actor.parent = parent
            changed.append(actor)
    Actor.objects.bulk_update(set(changed), ["kind", "country", "parent"], batch_size=500)
    created, updated = len(fresh), len(set(changed) - set(fresh))
    wanted_aliases: dict[tuple[int, str, str], str] = {}
    roles = []
    for entry in entries:
        actor = existing[entry.name]
        for text, language, strength in entry.aliases:
            wanted_aliases.setdefault((actor.id, text[:200], language), strength)
        for role in entry.roles:
            roles.append(
                ActorRole(
                    actor=actor,
                    office=role.office[:200],
                    start=role.start,
                    end=role.end,
                    speaks_for_id=role.speaks_for,  # a name until _classify_roles
                )
            )
    alias_counts = _sync_rows(
        ActorAlias,
        wanted={key: {"strength": strength} for key, strength in wanted_aliases.items()},
        key_fields=("actor_id", "text", "language"),
        build=lambda key, fields: ActorAlias(
            actor_id=key[0],
            text=key[1],
            language=key[2],
            normalized=_fold(key[1]),
            origin=Origin.DATA,
            **fields,
        ),
    )
    _classify_roles(roles, existing)
    ActorRole.objects.bulk_create(roles, ignore_conflicts=True, batch_size=1000)
    # Roles stored before their office was classified (or added in admin without a capacity) take
    # the files' classification; a capacity somebody set stays as it is.
    classified = {(r.actor_id, r.office, str(r.start) if r.start else None): r for r in roles}
    unclassified = list(ActorRole.objects.filter(capacity=""))
    spoken_for = {role.speaks_for_id for role in [*roles, *unclassified]}
    for row in unclassified:
        known = classified.get((row.actor_id, row.office, str(row.start) if row.start else None))
        if known is not None:
            row.capacity, row.speaks_for_id = known.capacity, known.speaks_for_id
        else:
            _classify_roles([row], existing)
    ActorRole.objects.bulk_update(unclassified, ["capacity", "speaks_for"], batch_size=500)
    # Whom the roles spoke for before and speak for now stand where their officials' statements say.
    ActorStanding.objects.refresh_actors(spoken_for | {role.speaks_for_id for role in unclassified})
    return {
        "actors_created": created,
        "actors_updated": updated,
        **{f"aliases_{k}": v for k, v in alias_counts.items()},
    }


# Offices whose holder speaks for a state or body, most specific first. "of X" names the state or
# body; the pattern's group "body" (when present) names it instead. Deputies, vice-presidents,
# speakers of parliaments, monarchs and envoys speak for themselves.
_OFFICES: list[tuple[str, re.Pattern]] = [
    (
        capacity,
        re.compile(pattern, re.IGNORECASE),
    )
    for capacity, pattern in [
        ("spokesperson", r"^(?P<body>White House) (?:Deputy )?Press Secretary$"),
        (
            "spokesperson",
            r"^(?:Deputy )?(?:Spokes(?:person|man|woman)|Press Secretary) of (?P<body>.+)$",
        ),
        (
            "other",
            r"^(?:Deputy|Vice|First Deputy)\b(?!.*\band Minister (?:of|for) (?:National )?Defen[cs]e\b)",
        ),
        (
            "foreign_minister",
            r"\b(?:Minister (?:of|for) (?:Europe and )?Foreign Affairs|Foreign (?:Minister|Secretary))\b(?: and \w+)?(?: of (?P<of>.+))?$",
        ),
        ("foreign_minister", r"^(?P<body>United States) Secretary of State$"),
        (
            "defence_minister",
            r"\b(?:Minister (?:of|for) (?:National )?Defen[cs]e|Minister of the Armed Forces|Secretary of State for Defence)\b(?: of (?P<of>.+))?$",
        ),
        ("defence_minister", r"^(?P<body>United States) Secretary of Defense\b"),
        (
            "head_of_government",
            r"^(?:Prime Minister|Premier|(?:Federal )?Chancellor) of (?P<of>.+)$",
        ),
        ("head_of_government", r"^(?P<body>Taoiseach)$"),
        ("head_of_state", r"^(?:Federal )?President of (?P<of>.+)$"),
        ("head_of_organisation", r"^(?:Secretary[ -]General|High Representative) of (?P<of>.+)$"),
    ]
]
_BODY_NAMES = {
    "Taoiseach": "Ireland",
    "the Union for Foreign Affairs and Security Policy": "European Union",
    "the President of Russia": "Kremlin",
}


def classify_office(office: str) -> tuple[str, str | None]:
    """(capacity, name of the state or body the holder speaks for) for an office's title.

    >>> classify_office("Minister of Foreign Affairs of Poland")
    ('foreign_minister', 'Poland')
    """
    title = re.sub(r"\s*\([^)]*\)\s*$", "", office).strip()
    for capacity, pattern in _OFFICES:
        found = pattern.search(title)
        if not found:
            continue
        if capacity == "other":
            return capacity, None
        groups = found.groupdict()
        body = groups.get("body") or groups.get("of")
        if body:
            body = _BODY_NAMES.get(body, body)
            body = re.sub(r"^the ", "", body.strip(), flags=re.IGNORECASE)
        return capacity, body or None
    return "other", None


def _classify_roles(roles: list[ActorRole], actors: dict[str, Actor]) -> None:
    """Set each role's capacity and the actor it speaks for (an explicit ``speaks_for`` name wins).

    A body's name is looked up among actor names, then English aliases ("Foreign Ministry
    of Russia"); a name nobody carries leaves ``speaks_for`` empty.
    """
    aliases = {
        fold(text): actor_id
        for text, actor_id in ActorAlias.objects.filter(language__in=["en", ""]).values_list(
            "text", "actor_id"
        )
    }
    by_name = {fold(name): actor.id for name, actor in actors.items()}
    kinds = {actor.id: actor.kind for actor in actors.values()}

    def lookup(name: str | None) -> int | None:
        if not name:
            return None
        key = fold(name)
        return by_name.get(key) or aliases.get(key)

    for role in roles:
        explicit = role.speaks_for_id if isinstance(role.speaks_for_id, str) else None
        capacity, body = classify_office(role.office)
        role.capacity = capacity
        if explicit:
            role.speaks_for_id = lookup(explicit)
            if role.capacity == "other":
                role.capacity = "spokesperson"
        elif role.speaks_for_id is None or isinstance(role.speaks_for_id, str):
            role.speaks_for_id = lookup(body) if capacity != "other" else None
        if (
            role.capacity == "head_of_state"
            and role.speaks_for_id
            and kinds.get(role.speaks_for_id) not in (None, Actor.Kind.STATE)
        ):
            role.capacity = "head_of_organisation"  # President of the European Commission


def _sync_lexicon(entries: list[dict]) -> dict[str, int]:
    wanted = {}
    for entry in entries:
        key = (
            entry["language"],
            entry["category"],
            entry.get("proposal_kind") or "",
            entry["text"][:200],
        )
        wanted[key] = {"weight": float(entry["weight"] if entry.get("weight") is not None else 1.0)}
    counts = _sync_rows(
        LexiconEntry,
        wanted=wanted,
        key_fields=("language", "category", "proposal_kind", "text"),
        build=lambda key, fields: LexiconEntry(
            language=key[0],
            category=key[1],
            proposal_kind=key[2],
            text=key[3],
            origin=Origin.DATA,
            **fields,
        ),
    )
    return {f"lexicon_{k}": v for k, v in counts.items()}


def _sync_rows(
    model, *, wanted: dict[tuple, dict], key_fields: tuple[str, ...], build
) -> dict[str, int]:
    """Make the data-file rows of ``model`` match ``wanted``; rows curators own are never touched.

    A key a curator already owns is left as the curator has it, even if the files change it.
    """
    rows = {tuple(getattr(row, f) for f in key_fields): row for row in model.objects.all()}
    stale = [row.pk for key, row in rows.items() if row.origin == Origin.DATA and key not in wanted]
    changed = []
    fresh = []
    for key, fields in wanted.items():
        row = rows.get(key)
        if row is None:
            fresh.append(build(key, fields))
        elif row.origin == Origin.DATA and any(getattr(row, f) != v for f, v in fields.items()):
            for name, value in fields.items():
                setattr(row, name, value)
            changed.append(row)
    model.objects.filter(pk__in=stale).delete()
    model.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=1000)
    if changed:
        model.objects.bulk_update(changed, list(next(iter(wanted.values()))), batch_size=1000)
    return {"created": len(fresh), "updated": len(changed), "removed": len(stale)}


def _fold(text: str) -> str:
    return fold(text)[:200]
