"""The catalogue and lexicons load from the data files idempotently; curator edits survive reloads."""

import shutil
from pathlib import Path

import pytest
import yaml

from tracker.extraction.catalogue import DATA_DIR, sync_data_files
from tracker.extraction.models import Actor, ActorAlias, LexiconEntry, Origin

REQUIRED = [
    "Donald Trump",
    "Vladimir Putin",
    "Volodymyr Zelensky",
    "United States",
    "Russia",
    "Ukraine",
    "NATO",
    "European Union",
    "United Kingdom",
    "France",
    "Germany",
    "White House",
    "Kremlin",
    "Pentagon",
    "Russian Foreign Ministry",
    "European countries",
    "Coalition of the Willing",
    "G7",
    "the West",
    "European Commission",
    "European Council",
    "United Nations",
]


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def test_the_catalogue_is_loaded_after_migrate(db):
    assert Actor.objects.count() >= 250
    assert set(REQUIRED) <= set(Actor.objects.values_list("name", flat=True))
    assert Actor.objects.get(name="Russian Foreign Ministry").parent.name == "Russia"


def test_every_actor_has_aliases_in_the_six_languages(db):
    for language in ("en", "ar", "fr", "de", "ru", "uk"):
        without = Actor.objects.exclude(aliases__language=language).values_list("name", flat=True)
        assert not list(without), f"actors without a {language} alias: {list(without)[:5]}"


def test_every_actor_named_in_the_gold_files_is_known(db):
    import json

    known = {n.casefold() for n in Actor.objects.values_list("name", flat=True)}
    known |= {a.casefold() for a in ActorAlias.objects.values_list("text", flat=True)}
    gold = Path(__file__).resolve().parents[1] / "fixtures" / "dev.jsonl"
    for line in gold.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        names = (
            record["actors"]
            + record.get("actors_optional", [])
            + [p["actor"] for p in record["positions"]]
        )
        assert {n.casefold() for n in names} <= known


def test_reloading_unchanged_files_changes_nothing(db):
    assert sync_data_files() == {}
    counts = sync_data_files(force=True)
    assert (
        counts["actors_created"] == 0
        and counts["aliases_created"] == 0
        and counts["lexicon_created"] == 0
    )


def test_curator_edits_survive_a_reload(db, data_copy):
    kremlin = Actor.objects.get(name="Kremlin")
    kremlin.kind = Actor.Kind.STATE
    kremlin.origin = Origin.CURATOR
    kremlin.save()
    ActorAlias.objects.create(
        actor=kremlin, text="Staraya Ploshchad", language="en", origin=Origin.CURATOR
    )
    entry = LexiconEntry.objects.filter(
        origin=Origin.DATA, language="en", category="oppose"
    ).first()
    entry.weight = 0.1
    entry.origin = Origin.CURATOR
    entry.save()
    sync_data_files(data_copy, force=True)
    kremlin.refresh_from_db()
    entry.refresh_from_db()
    assert kremlin.kind == Actor.Kind.STATE
    assert ActorAlias.objects.filter(text="Staraya Ploshchad").exists()
    assert entry.weight == 0.1


def test_an_entry_removed_from_the_files_leaves_the_database(db, data_copy):
    path = data_copy / "lexicons" / "en.yaml"
    lexicon = yaml.safe_load(path.read_text(encoding="utf-8"))
    dropped = lexicon["oppose"].pop(0)
    path.write_text(yaml.safe_dump(lexicon, allow_unicode=True), encoding="utf-8")
    text = dropped.split("|")[0].strip()
    assert LexiconEntry.objects.filter(language="en", category="oppose", text=text).exists()
    counts = sync_data_files(data_copy)
    assert counts["lexicon_removed"] >= 1
    assert not LexiconEntry.objects.filter(language="en", category="oppose", text=text).exists()
