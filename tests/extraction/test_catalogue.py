"""The catalogue and lexicons load from the data files idempotently; curator edits survive reloads."""

import shutil
from pathlib import Path

import pytest
import yaml

from tracker.extraction.catalogue import DATA_DIR, sync_data_files
from tracker.extraction.models import Actor, ActorAlias, ActorRole, LexiconEntry, Origin

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


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GOLD_FILES = ("dev.jsonl", "train.jsonl")


def _gold_actor_names(filename: str) -> set[str]:
    """Every actor name a gold file uses: required, optional and position holders."""
    import json

    path = FIXTURES / filename
    if not path.exists():
        pytest.skip(f"{filename} is not in tests/fixtures")
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        names.update(record.get("actors", []))
        names.update(record.get("actors_optional", []))
        names.update(p["actor"] for p in record.get("positions", []))
    return names


@pytest.mark.parametrize("filename", GOLD_FILES)
def test_every_actor_named_in_the_gold_files_is_known(db, filename):
    from tracker.nlp.normalize import fold

    known = {fold(n) for n in Actor.objects.values_list("name", flat=True)}
    known |= {fold(a) for a in ActorAlias.objects.values_list("text", flat=True)}
    unknown = sorted(n for n in _gold_actor_names(filename) if fold(n) not in known)
    assert not unknown, f"gold names of {filename} that no catalogue actor is called: {unknown}"


@pytest.mark.parametrize("filename", GOLD_FILES)
def test_every_gold_actor_name_resolves_through_the_scorer_s_catalogue(filename):
    """The scorer matches gold and extracted actors through evaluate.catalogue_names: a gold name it
    cannot resolve could never be matched, whatever the extractor finds."""
    from tracker.nlp.evaluate import catalogue_names
    from tracker.nlp.normalize import fold
    from tracker.nlp.resources import default_resources

    names = catalogue_names(default_resources())
    unknown = sorted(n for n in _gold_actor_names(filename) if fold(n) not in names)
    assert not unknown, f"gold names of {filename} the catalogue cannot resolve: {unknown}"


# Named by the training corpus and missing from the catalogue when it was written (shared/eval/README.md).
ADDED_FROM_THE_CORPUS = [
    "Adam Kinzinger",
    "Anna Kelly",
    "Benjamin Haddad",
    "Benjamin Netanyahu",
    "Ekkehard Brose",
    "French Senate",
    "Hakeem Jeffries",
    "Ihor Zhovkva",
    "Jean Asselborn",
    "Jeanne Shaheen",
    "Jen Psaki",
    "Mykola Solsky",
    "Oleksiy Kuleba",
    "Onno Eichelsheim",
    "Peter Dutton",
    "Petro Beshta",
    "Richard Raši",
    "Sean Parnell",
    "Svitlana Grynchuk",
    "UAE Foreign Ministry",
    "Viktorija Čmilytė-Nielsen",
    "Yoshimasa Hayashi",
    "Zeki Aktürk",
    "Coordination Headquarters for the Treatment of Prisoners of War",
]


def test_the_actors_the_corpus_added_are_known_with_a_parent(db):
    actors = {a.name: a for a in Actor.objects.filter(name__in=ADDED_FROM_THE_CORPUS)}
    assert sorted(set(ADDED_FROM_THE_CORPUS) - set(actors)) == []
    assert all(a.parent_id for a in actors.values())
    assert actors["Oleksiy Kuleba"].parent.name == "Ukraine"
    assert actors["UAE Foreign Ministry"].parent.name == "United Arab Emirates"


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


def test_the_database_holds_what_the_one_actor_file_reader_reads(db):
    from tracker.extraction.catalogue import DATA_DIR
    from tracker.nlp.resources import read_actor_records

    records = read_actor_records(DATA_DIR / "actors")
    stored = {
        actor.name: (actor.kind, actor.parent.name if actor.parent else None, actor.country or None)
        for actor in Actor.objects.select_related("parent").filter(origin="data")
    }
    assert stored == {r.name: (r.kind, r.parent, r.country) for r in records}
    roles = sum(len(r.roles) for r in records)
    assert roles > 0 and ActorRole.objects.count() == roles


def test_an_actor_without_a_kind_is_refused_with_its_file_named(tmp_path):
    from tracker.nlp.resources import read_actor_records

    (tmp_path / "broken.yaml").write_text("- name: Nowhere\n", encoding="utf-8")
    with pytest.raises(ValueError, match="broken.yaml: every actor needs a name and a kind"):
        read_actor_records(tmp_path)


def test_an_alias_yaml_reads_as_no_text_is_refused_with_what_to_do(tmp_path):
    from tracker.nlp.resources import read_actor_records

    # YAML 1.1 reads a bare NO (Norway's code) as a boolean: the alias would silently be "False".
    (tmp_path / "states.yaml").write_text(
        "- name: Norway\n  kind: state\n  aliases:\n    en: [NO]\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="states.yaml: Norway: alias False .*put it in quotes"):
        read_actor_records(tmp_path)
