"""manage.py evaluate: the score table, the final line, predictions and malformed files."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

DEV = Path(__file__).resolve().parents[1] / "fixtures" / "dev.jsonl"
SHARED_DEV = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev.jsonl"


def test_the_dev_copy_is_identical_to_the_shared_file():
    if SHARED_DEV.exists():  # beside the repository on project machines and in CI
        assert DEV.read_bytes() == SHARED_DEV.read_bytes()


def test_it_prints_the_summary_as_its_last_line(db, capsys, tmp_path):
    out_file = tmp_path / "predictions.jsonl"
    call_command("evaluate", str(DEV), "--predictions", str(out_file))
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1].startswith("positions_strict_f1=")
    assert set(dict(pair.split("=") for pair in lines[-1].split())) == {
        "positions_strict_f1",
        "positions_lenient_f1",
        "actors_f1",
        "proposals_f1",
        "articles",
    }
    assert "articles=11" in lines[-1]
    assert not any(line.startswith("missed:") for line in lines)
    predictions = [json.loads(line) for line in out_file.read_text(encoding="utf-8").splitlines()]
    assert len(predictions) == 11
    first = predictions[0]
    assert set(first) >= {"id", "actors", "proposals", "positions"}
    assert set(first["positions"][0]) == {
        "actor",
        "proposal",
        "stance",
        "start",
        "end",
        "stated_on",
        "confidence",
    }


def test_verbose_lists_missed_and_spurious_triples(db, capsys, tmp_path):
    gold = tmp_path / "gold.jsonl"
    record = {
        "id": "t1",
        "language": "en",
        "published": "2025-01-01",
        "text": "Nothing happened today.",
        "actors": [],
        "proposals": ["no_fly_zone"],
        "positions": [{"actor": "NATO", "proposal": "no_fly_zone", "stance": "oppose"}],
    }
    gold.write_text(json.dumps(record) + "\n", encoding="utf-8")
    call_command("evaluate", str(gold), "--verbose")
    assert "missed: t1 NATO / no_fly_zone / oppose" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "a", "text": "x"}\n{broken\n', "line 2"),
        ('{"id": "a", "text": "x", "published": "20th of May"}\n', "ISO date"),
        ('{"id": "a"}\n', "line 1"),
    ],
)
def test_a_malformed_file_fails_naming_the_line(db, tmp_path, content, message):
    gold = tmp_path / "bad.jsonl"
    gold.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("evaluate", str(gold))


def test_it_warns_about_gold_names_the_catalogue_cannot_resolve(db, capsys, tmp_path):
    gold = tmp_path / "gold.jsonl"
    record = {
        "id": "t1",
        "language": "en",
        "text": "Nothing happened today.",
        "actors": ["Emmanuel Macron", "Zorblax the Unknown"],
        "positions": [],
    }
    gold.write_text(json.dumps(record) + "\n", encoding="utf-8")
    call_command("evaluate", str(gold))
    err = capsys.readouterr().err
    assert "t1: the catalogue does not know the gold name 'Zorblax the Unknown'" in err
    assert "Macron" not in err
